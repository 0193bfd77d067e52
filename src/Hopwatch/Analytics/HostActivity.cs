namespace Hopwatch.Analytics;

/// <summary>
/// Which accounts were recently active on each host (logged on, used explicitly via 4648, ran a
/// process). A chain may switch accounts: the next hop may use an account "first seen" on the
/// previous host — stolen there. Bounded: the last few accounts per host.
/// </summary>
public sealed class HostActivity
{
    private const int MaxUsersPerHost = 12;
    private readonly Dictionary<string, List<(string User, DateTime First, DateTime Last)>> _byHost = new(StringComparer.Ordinal);

    public int Count => _byHost.Count;

    public void Saw(string? host, string? user, DateTime time)
    {
        if (host is null || user is null || EventView.IsMachineAccount(user) || EventView.IsSystemAccount(user)) return;
        if (!_byHost.TryGetValue(host, out var list)) _byHost[host] = list = new(2);
        for (int i = 0; i < list.Count; i++)
            if (ReferenceEquals(list[i].User, user) || list[i].User == user)
            {
                var (u, f, l) = list[i];
                list[i] = (u, time < f ? time : f, time > l ? time : l);
                return;
            }
        list.Add((user, time, time));
        if (list.Count > MaxUsersPerHost)
        {
            int oldest = 0;
            for (int i = 1; i < list.Count; i++) if (list[i].Last < list[oldest].Last) oldest = i;
            list.RemoveAt(oldest);
        }
    }

    /// <summary>True when <paramref name="user"/> was active on <paramref name="host"/> between the two times.</summary>
    public bool WasActive(string host, string user, DateTime from, DateTime to)
    {
        if (!_byHost.TryGetValue(host, out var list)) return false;
        foreach (var (u, f, l) in list)
            if (u == user && l >= from && f <= to) return true;
        return false;
    }

    public void Expire(DateTime olderThan)
    {
        List<string>? dead = null;
        foreach (var (h, list) in _byHost)
        {
            list.RemoveAll(x => x.Last < olderThan);
            if (list.Count == 0) (dead ??= new()).Add(h);
        }
        if (dead is not null) foreach (var h in dead) _byHost.Remove(h);
    }
}
