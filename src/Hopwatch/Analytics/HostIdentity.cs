using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// Resolves source IP addresses to host names from the evidence itself — 4624 workstation names,
/// Kerberos 4768/4769 requests by machine accounts, Sysmon 3 connections — and from the asset
/// inventory. Addresses move (DHCP), so each address keeps its last few bindings with the time they
/// were first seen, and a lookup picks the binding valid at the event's time.
/// </summary>
public sealed class HostIdentity
{
    private const int MaxBindingsPerIp = 4;
    private readonly Dictionary<string, List<Binding>> _byIp = new(StringComparer.Ordinal);
    private readonly HashSet<string> _domainControllers = new(StringComparer.OrdinalIgnoreCase);
    private readonly AssetInventory _assets;

    private sealed class Binding(string host, DateTime since)
    {
        public string Host = host;
        public DateTime Since = since;
        public DateTime LastSeen = since;
    }

    public HostIdentity(AssetInventory? assets, IEnumerable<string>? domainControllers = null)
    {
        _assets = assets ?? AssetInventory.Empty;
        foreach (var dc in domainControllers ?? Array.Empty<string>())
            if (HostNames.Canonical(dc) is { } h) _domainControllers.Add(h);
        foreach (var a in _assets.Assets)
            if (a.Role == AssetRole.Dc) _domainControllers.Add(a.Host);
    }

    public int Count => _byIp.Count;

    /// <summary>Records that <paramref name="ip"/> belonged to <paramref name="host"/> at <paramref name="time"/>.</summary>
    public void Bind(string? ip, string? host, DateTime time)
    {
        if (ip is null || host is null || Ips.IsLoopback(ip) || Ips.IsAddress(host)) return;
        if (!_byIp.TryGetValue(ip, out var list) || list.Count == 0)
        {
            _byIp[ip] = new List<Binding>(1) { new(host, time) };
            return;
        }
        var last = list[^1];
        if (string.Equals(last.Host, host, StringComparison.Ordinal))
        {
            if (time > last.LastSeen) last.LastSeen = time;
            if (time < last.Since) last.Since = time;
            return;
        }
        foreach (var b in list)
            if (string.Equals(b.Host, host, StringComparison.Ordinal))
            {
                if (time > b.LastSeen) b.LastSeen = time;
                if (time < b.Since) b.Since = time;
                list.Sort((x, y) => x.Since.CompareTo(y.Since));
                return;
            }
        list.Add(new Binding(host, time));
        list.Sort((x, y) => x.Since.CompareTo(y.Since));
        if (list.Count > MaxBindingsPerIp) list.RemoveAt(0);
    }

    /// <summary>Host name for an address at a time: evidence first, then the asset inventory; null when unknown.</summary>
    public string? Resolve(string? ip, DateTime time)
    {
        if (ip is null) return null;
        if (_byIp.TryGetValue(ip, out var list))
        {
            Binding? best = null;
            foreach (var b in list)
                if (b.Since <= time.AddMinutes(5)) best = b; // sorted by Since: the latest one already valid
            return (best ?? list[0]).Host;
        }
        return _assets.ByIp(ip)?.Host;
    }

    /// <summary>The best name for the other end of a connection: a resolved host, else the address itself.</summary>
    public string? NameOf(string? hostName, string? ip, DateTime time, string? observingHost)
    {
        if (ip is not null && Ips.IsLoopback(ip)) return observingHost;
        var h = HostNames.Canonical(hostName);
        if (h is not null && !Ips.IsAddress(h)) return h;
        return Resolve(ip, time) ?? ip ?? h;
    }

    public void MarkDomainController(string? host)
    {
        if (host is not null) _domainControllers.Add(host);
    }

    public bool IsDomainController(string? host) => host is not null && _domainControllers.Contains(host);

    /// <summary>Learns bindings from one event.</summary>
    public void Observe(LogEvent e, string? host)
    {
        switch (e.Kind)
        {
            case EventKind.Logon:
            case EventKind.FailedLogon:
            {
                var ip = EventView.SourceIp(e);
                var ws = EventView.SourceHostName(e);
                if (ip is not null && ws is not null && !Ips.IsAddress(ws)) Bind(ip, ws, e.Time);
                break;
            }
            case EventKind.KerberosTgt:
            case EventKind.KerberosService:
            {
                MarkDomainController(host);
                // A machine account asking for its own tickets names the client host exactly.
                var u = e.UserName;
                var ip = EventView.SourceIp(e);
                if (ip is not null && u is not null && u.Contains('$'))
                    Bind(ip, HostNames.Canonical(Names.User(u)), e.Time);
                break;
            }
            case EventKind.NetworkConnection:
            {
                if (Connection.From(e, host) is not { } c) break;
                Bind(c.LocalIp, host, e.Time);
                if (c.RemoteName is not null && !Ips.IsAddress(c.RemoteName)) Bind(c.RemoteIp, c.RemoteName, e.Time);
                break;
            }
        }
    }

    /// <summary>Drops bindings not seen for a long time (bounded memory on long runs).</summary>
    public void Expire(DateTime olderThan)
    {
        List<string>? dead = null;
        foreach (var (ip, list) in _byIp)
        {
            // Keep the latest binding while it is fresh; drop stale older ones.
            var newest = list[^1];
            if (newest.LastSeen < olderThan) { (dead ??= new()).Add(ip); continue; }
            if (list.Count > 1) list.RemoveAll(b => !ReferenceEquals(b, newest) && b.LastSeen < olderThan);
        }
        if (dead is not null) foreach (var ip in dead) _byIp.Remove(ip);
    }
}
