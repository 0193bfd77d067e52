using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// What the domain controllers' logs say about Kerberos per account: when it last got a TGT or a
/// service ticket, and from which addresses it asked for TGTs. Pass-the-hash asks "did this account
/// use Kerberos lately?"; pass-the-ticket asks "did this address ever get a TGT for it?".
/// </summary>
public sealed class KerberosTracker
{
    private const int MaxIpsPerUser = 8;
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);

    public sealed class Account
    {
        public DateTime LastTicket;
        public DateTime FirstTgt = DateTime.MaxValue;
        public List<(string Ip, DateTime Last)> TgtIps = new(2);
    }

    /// <summary>Time of the first Kerberos event seen at all (DC logs present from then on).</summary>
    public DateTime? FirstSeen { get; private set; }
    public bool Any => FirstSeen is not null;
    public int Count => _accounts.Count;

    public Account? Find(string? user) => user is not null && _accounts.TryGetValue(user, out var a) ? a : null;

    public void Observe(LogEvent e)
    {
        if (e.Kind is not (EventKind.KerberosTgt or EventKind.KerberosService)) return;
        if (!EventView.IsSuccessStatus(e.Status)) return;
        if (FirstSeen is null || e.Time < FirstSeen) FirstSeen = e.Time;
        var user = EventView.User(e);
        if (user is null) return;
        if (!_accounts.TryGetValue(user, out var a)) _accounts[user] = a = new Account();
        if (e.Time > a.LastTicket) a.LastTicket = e.Time;
        if (e.Kind == EventKind.KerberosTgt)
        {
            if (e.Time < a.FirstTgt) a.FirstTgt = e.Time;
            var ip = EventView.SourceIp(e);
            if (ip is null) return;
            for (int i = 0; i < a.TgtIps.Count; i++)
                if (a.TgtIps[i].Ip == ip) { a.TgtIps[i] = (ip, e.Time > a.TgtIps[i].Last ? e.Time : a.TgtIps[i].Last); return; }
            a.TgtIps.Add((ip, e.Time));
            if (a.TgtIps.Count > MaxIpsPerUser) a.TgtIps.RemoveAt(0);
        }
    }

    /// <summary>True when the account got a Kerberos ticket within <paramref name="lookback"/> before <paramref name="time"/>.</summary>
    public bool UsedKerberosRecently(string user, DateTime time, TimeSpan lookback)
        => _accounts.TryGetValue(user, out var a) && a.LastTicket >= time - lookback && a.LastTicket <= time + TimeSpan.FromMinutes(5);

    public void Expire(DateTime olderThan)
    {
        List<string>? dead = null;
        foreach (var (u, a) in _accounts) if (a.LastTicket < olderThan) (dead ??= new()).Add(u);
        if (dead is not null) foreach (var u in dead) _accounts.Remove(u);
    }
}
