using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// rdp-nesting (T1021.001): an RDP session opened from inside another RDP session (A→B by RDP, then
/// B→C by RDP — outbound seen as a logon on C, an mstsc.exe start or a 3389 connection on B, while
/// B's inbound session is still open); RDP from loopback (127.0.0.1/::1: a tunnel such as plink or
/// ngrok forwarding 3389); RDP from outside the configured admin subnets.
/// </summary>
public sealed class RdpNestingAnalytic : Analytic
{
    private sealed class Inbound
    {
        public string? User, Source;
        public DateTime Start, LastSeen;
        public AlertEvidence? Evidence;
    }

    private sealed class NestBurst : Burst
    {
        public string? Host, Kind, Source, User;
        public readonly CappedSet Targets = new(StringComparer.Ordinal, 1000);
        public readonly CappedSet Signals = new(StringComparer.Ordinal);
        public readonly CappedSet Users = new(StringComparer.Ordinal);
    }

    private readonly Dictionary<string, List<Inbound>> _inbound = new(StringComparer.Ordinal);
    private readonly BurstTable<string, NestBurst> _bursts;
    private readonly TimeSpan _sessionMax, _window;

    public RdpNestingAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _bursts = new(TimeSpan.FromMinutes(Config.RdpNesting.WindowMinutes), Close, StringComparer.Ordinal);
        _sessionMax = TimeSpan.FromHours(Config.RdpNesting.SessionMaxHours);
        _window = TimeSpan.FromMinutes(Config.RdpNesting.WindowMinutes);
    }

    public override string Name => AnalyticNames.RdpNesting;
    public override int StateSize => _inbound.Count + _bursts.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        var host = scope.Host;
        if (host is null) return;
        if (scope.Access is { Protocol: RemoteProtocol.Rdp } a)
        {
            if (a.SourceIsLoopback)
            {
                var b = Burst("loop|" + host, host, "loopback", e.Time);
                b.User ??= a.User; b.Users.Add(a.User);
                b.Signals.Add($"RDP logon of {a.User} on {host} from {a.SourceIp}: RDP tunnelled through a local port forward");
                b.Evidence.Add(e);
                return;
            }
            if (Config.RdpNesting.AdminSubnets.Count > 0 && a.SourceIp is { } ip && !Config.RdpNesting.AdminSubnets.Any(c => Ips.InCidr(ip, c)))
            {
                var b = Burst("subnet|" + ip, host, "outside-admin-subnets", e.Time);
                b.Source = a.Source; b.Users.Add(a.User); b.Targets.Add(host);
                b.Signals.Add($"RDP from {ip}, outside the admin subnets {string.Join(", ", Config.RdpNesting.AdminSubnets)}");
                b.Evidence.Add(e);
            }
            // Outbound from the source: is the source itself inside an inbound RDP session?
            if (a.Source is { } src && src != host) Outbound(src, host, a.User, e);
            // Remember this inbound session on the target.
            if (!_inbound.TryGetValue(host, out var list)) _inbound[host] = list = new(1);
            foreach (var s in list) if (s.User == a.User && s.Source == a.Source) { s.LastSeen = e.Time; return; }
            list.Add(new Inbound { User = a.User, Source = a.Source, Start = e.Time, LastSeen = e.Time, Evidence = AlertEvidence.From(e) });
            if (list.Count > 16) list.RemoveAt(0);
            return;
        }
        if (e.Kind is EventKind.RdpSessionLogoff && _inbound.TryGetValue(host, out var l2))
        {
            var u = EventView.User(e);
            l2.RemoveAll(s => s.User == u);
            return;
        }
        if (e.Kind == EventKind.ProcessStart && EventView.ImageName(e.ProcessImage) == "mstsc.exe")
        {
            var target = HostNames.Canonical(ArgAfter(e.CommandLine, "/v:"));
            Outbound(host, target, EventView.User(e), e);
            return;
        }
        if (Connection.From(e, host) is { Inbound: false, RemotePort: 3389 } c && c.RemoteIp is { } rip && !Ips.IsLoopback(rip))
            Outbound(host, Ctx.Identity.NameOf(c.RemoteName, rip, e.Time, host), EventView.User(e), e);
    }

    private void Outbound(string from, string? to, string? user, LogEvent e)
    {
        if (!_inbound.TryGetValue(from, out var sessions)) return;
        foreach (var s in sessions)
        {
            if (s.Start > e.Time || e.Time - s.LastSeen > _sessionMax) continue;
            // Without a logoff in the logs a session is assumed open for session_max_hours; that is
            // safe for the same account, but another account's outbound RDP is only tied to an
            // inbound session that started within the window.
            if (user is not null && s.User != user && e.Time - s.Start > _window) continue;
            if (to is not null && to == s.Source) continue; // going back where you came from is not nesting
            var b = Burst("nest|" + from, from, "nested", e.Time);
            b.Source = s.Source;
            if (s.User is not null) b.Users.Add(s.User);
            if (user is not null && !EventView.IsSystemAccount(user)) b.Users.Add(user);
            if (to is not null) b.Targets.Add(to);
            b.Signals.Add($"{s.Source} → {from} by RDP ({s.User}, {Fmt.Clock(s.Start)}), then {from} → {to ?? "?"} by RDP ({user ?? "?"}, {Fmt.Clock(e.Time)})");
            if (s.Evidence is not null && b.Evidence.Total == 0) b.Evidence.Add(s.Evidence);
            b.Evidence.Add(e);
            return;
        }
    }

    private NestBurst Burst(string key, string host, string kind, DateTime t)
    {
        var b = _bursts.Get(key, t);
        b.Host = host; b.Kind = kind;
        return b;
    }

    private static string? ArgAfter(string? cmd, string flag)
    {
        if (cmd is null) return null;
        int i = cmd.IndexOf(flag, StringComparison.OrdinalIgnoreCase);
        if (i < 0) return null;
        var rest = cmd[(i + flag.Length)..].TrimStart('"');
        int end = rest.IndexOfAny(new[] { ' ', '"', ':' });
        return end > 0 ? rest[..end] : rest;
    }

    public override void Advance(DateTime watermark)
    {
        _bursts.Flush(watermark);
        List<string>? dead = null;
        foreach (var (h, list) in _inbound)
        {
            list.RemoveAll(s => s.LastSeen + _sessionMax < watermark);
            if (list.Count == 0) (dead ??= new()).Add(h);
        }
        if (dead is not null) foreach (var h in dead) _inbound.Remove(h);
    }

    private void Close(string key, NestBurst b)
    {
        var (title, sev) = b.Kind switch
        {
            "loopback" => ($"RDP over a loopback tunnel on {b.Host}", Severity.High),
            "outside-admin-subnets" => ($"RDP from outside the admin subnets to {Fmt.List(b.Targets, 3)}", Severity.Medium),
            _ => ($"Nested RDP: session opened from inside an RDP session on {b.Host}", Severity.Medium),
        };
        var d = new AlertDraft(AnalyticNames.RdpNesting, title, sev, "T1021.001");
        if (b.Kind == "loopback") d.AddTechnique("T1572");
        foreach (var u in b.Users) d.User(u);
        d.SourceHost(b.Source);
        d.TargetHost(b.Host);
        foreach (var t in b.Targets) d.TargetHost(t);
        d.AddEvidence(b.Evidence.Items);
        // For nesting, the host the nested session leaves from is the actor (jump hosts do this daily).
        d.Actors = b.Kind == "nested" ? new List<string> { b.Host! } : null;
        d.Details["kind"] = b.Kind;
        d.Details["host"] = b.Host;
        d.Details["signals"] = b.Signals.ToList();
        d.Details["targets"] = b.Targets.ToList();
        d.Description = $"{title} between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}: {Fmt.List(b.Signals, 6)}. " +
            (b.Kind == "nested" ? "Hopping on from inside an RDP session is how an intruder walks deeper while staying interactive; outside a jump host it is rare. " : "") +
            $"Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
