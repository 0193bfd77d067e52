using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// fan-out: one source reaching many distinct targets over SMB/RDP/WinRM (remote logons on the
/// targets, or the source's own outbound connections to 445/3389/5985/5986/135/22) within a short
/// window — reference 000, alert 3: 12 servers in 8 minutes. One alert per burst, listing every target.
/// </summary>
public sealed class FanOutAnalytic : Analytic
{
    private sealed class SourceBurst : Burst
    {
        public readonly Dictionary<string, (DateTime First, string Via)> Targets = new(StringComparer.Ordinal);
        public readonly HashSet<string> Users = new(StringComparer.Ordinal);
        public readonly HashSet<string> Protocols = new(StringComparer.Ordinal);
        public string? Ip;
        public bool Privileged;
        public int MaxInWindow;
    }

    private const int MaxTargets = 1000;
    private readonly BurstTable<string, SourceBurst> _bursts;
    private readonly TimeSpan _window;
    private readonly HashSet<int> _ports;

    public FanOutAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _window = TimeSpan.FromMinutes(Config.FanOut.WindowMinutes);
        _bursts = new(_window, Close, StringComparer.Ordinal);
        _ports = new HashSet<int>(Config.FanOut.Ports);
    }

    public override string Name => AnalyticNames.FanOut;
    public override int StateSize => _bursts.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        if (scope.Access is { } a)
        {
            if (a.Source is null || a.SourceIsLoopback || a.Source == a.Target) return;
            if (a.Protocol == RemoteProtocol.Network && a.LogonType != 3) return;
            Add(a.Source, a.SourceIp, a.Target, a.User, a.Protocol switch
            {
                RemoteProtocol.Rdp => "rdp", RemoteProtocol.Ssh => "ssh", _ => "network-logon",
            }, e, a.Time, scope.Session?.Privileged == true);
            return;
        }
        if (Connection.From(e, scope.Host) is { Inbound: false } c && c.RemotePort is int port && _ports.Contains(port))
        {
            var dstIp = c.RemoteIp;
            if (dstIp is null || Ips.IsLoopback(dstIp)) return;
            var target = Ctx.Identity.NameOf(c.RemoteName, dstIp, e.Time, scope.Host);
            if (target is null || target == scope.Host) return;
            var image = EventView.ImageName(e.ProcessImage);
            // svchost/lsass/dfsrs talking to DCs and file servers is the OS, not a person moving.
            if (image is "lsass.exe" or "svchost.exe" or "dfsrs.exe" && port != 3389) return;
            Add(scope.Host!, c.LocalIp, target, EventView.User(e), port switch
            {
                445 => "smb", 3389 => "rdp", 5985 or 5986 => "winrm", 135 => "rpc", 22 => "ssh", _ => "tcp/" + port,
            }, e, e.Time, false);
        }
    }

    private void Add(string source, string? ip, string target, string? user, string via, LogEvent e, DateTime t, bool privileged)
    {
        var b = _bursts.Get(source, t);
        b.Ip ??= ip;
        bool isNew = false;
        if (!b.Targets.ContainsKey(target) && b.Targets.Count < MaxTargets) { b.Targets[target] = (t, via); isNew = true; }
        if (user is not null && !EventView.IsMachineAccount(user) && !EventView.IsSystemAccount(user) && b.Users.Count < 32) b.Users.Add(user);
        b.Protocols.Add(via);
        b.Privileged |= privileged;
        if (isNew) b.Evidence.Add(e);
        if (!isNew) return;
        // Distinct targets first reached within one window (sliding), the figure the threshold is on.
        int inWindow = 0;
        foreach (var (_, v) in b.Targets) if (v.First > t - _window) inWindow++;
        if (inWindow > b.MaxInWindow) b.MaxInWindow = inWindow;
    }

    public override void Advance(DateTime watermark) => _bursts.Flush(watermark);

    private void Close(string source, SourceBurst b)
    {
        if (b.MaxInWindow < Config.FanOut.MinTargets) return;
        var targets = b.Targets.OrderBy(kv => kv.Value.First).ThenBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var d = new AlertDraft(AnalyticNames.FanOut, $"Fan-out: {source} reached {targets.Count} hosts", Severity.High, "T1021");
        foreach (var p in b.Protocols)
            switch (p)
            {
                case "rdp": d.AddTechnique("T1021.001"); break;
                case "smb" or "network-logon": d.AddTechnique("T1021.002"); break;
                case "winrm": d.AddTechnique("T1021.006"); break;
                case "ssh": d.AddTechnique("T1021.004"); break;
                case "rpc": d.AddTechnique("T1021.003"); break;
            }
        d.SourceHost(source);
        d.SourceIp(b.Ip);
        foreach (var u in b.Users.Order(StringComparer.Ordinal)) d.User(u);
        foreach (var t in targets) d.TargetHost(t.Key);
        d.AddEvidence(b.Evidence.Items);
        d.PrivilegedSession = b.Privileged;
        if (b.MaxInWindow >= 2 * Config.FanOut.MinTargets) d.Raise($"{b.MaxInWindow} targets in one window");
        var span = targets[^1].Value.First - targets[0].Value.First;
        d.Details["source"] = source;
        d.Details["target_count"] = targets.Count;
        d.Details["max_targets_in_window"] = b.MaxInWindow;
        d.Details["window_minutes"] = Config.FanOut.WindowMinutes;
        d.Details["targets"] = targets.Select(t => new Dictionary<string, object?> { ["host"] = t.Key, ["first"] = t.Value.First, ["via"] = t.Value.Via }).ToList();
        d.Details["protocols"] = b.Protocols.Order(StringComparer.Ordinal).ToList();
        d.Description =
            $"{Ctx.Describe(source)}{(b.Ip is not null && b.Ip != source ? " (" + b.Ip + ")" : "")} reached {targets.Count} distinct hosts " +
            $"over {string.Join("/", b.Protocols.Order(StringComparer.Ordinal))} in {Fmt.Span(span)} from {Fmt.Time(targets[0].Value.First)} " +
            $"(up to {b.MaxInWindow} within {Config.FanOut.WindowMinutes} min; threshold {Config.FanOut.MinTargets})" +
            (b.Users.Count > 0 ? $" as {Fmt.List(b.Users.Order(StringComparer.Ordinal))}" : "") +
            $": {Fmt.List(targets.Select(t => t.Key))}. Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
