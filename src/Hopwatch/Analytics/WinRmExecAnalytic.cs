using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// winrm-exec (T1021.006): WinRM / PowerShell remoting — processes started by wsmprovhost.exe or
/// winrshost.exe, WinRM operational 91 (shell created) / 169 (user authenticated) / 6 (client session),
/// script blocks run inside a remoting host, connections to 5985/5986 — grouped per source (the
/// account's logon session gives it). A source whose inventory role is not an admin role (reference
/// 000, alert 2: an HR workstation running commands on 6 servers) or many targets raise severity.
/// </summary>
public sealed class WinRmExecAnalytic : Analytic
{
    private sealed class WinRmBurst : Burst
    {
        public string? Source, SourceIp;
        public readonly CappedSet Targets = new(StringComparer.Ordinal, 1000);
        public readonly CappedSet Users = new(StringComparer.Ordinal);
        public readonly CappedSet Commands = new(StringComparer.Ordinal);
        public readonly CappedSet Signals = new(StringComparer.Ordinal);
        public bool Executed, Privileged;
    }

    private readonly BurstTable<string, WinRmBurst> _bursts;

    public WinRmExecAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _bursts = new(TimeSpan.FromMinutes(Config.WinrmExec.WindowMinutes), Close, StringComparer.Ordinal);
    }

    public override string Name => AnalyticNames.WinRmExec;
    public override int StateSize => _bursts.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        var host = scope.Host;
        if (host is null) return;
        switch (e.Kind)
        {
            case EventKind.ProcessStart:
            {
                var parent = EventView.ImageName(e.ParentImage);
                var image = EventView.ImageName(e.ProcessImage);
                bool child = parent is "wsmprovhost.exe" or "winrshost.exe";
                bool hostStart = image is "wsmprovhost.exe" or "winrshost.exe";
                if (!child && !hostStart) return;
                var b = TargetSide(e, scope, host);
                if (child)
                {
                    b.Executed = true;
                    b.Commands.Add(Truncate(string.IsNullOrEmpty(e.CommandLine) ? image : e.CommandLine!, 200));
                    b.Signals.Add($"{image} started by {parent}");
                }
                else b.Signals.Add($"remoting host {image} started");
                b.Evidence.Add(e);
                break;
            }
            case EventKind.WinRm:
            {
                if (e.EventId is 91 or 169 or 81 or 142 || e.EventId == 6)
                {
                    if (e.EventId == 6)
                    {
                        // Client side: this host opens a WSMan session to the "connection" target.
                        var conn = EventView.Raw(e, "connection") ?? e.DestinationHost ?? e.TargetServer;
                        var target = HostNames.Canonical(conn?.Split('/')[0]);
                        var ob = _bursts.Get(host, e.Time);
                        ob.Source = host;
                        if (target is not null && target != host && target != "localhost") ob.Targets.Add(target);
                        ob.Signals.Add("WSMan session created by the client (WinRM 6)");
                        ob.Evidence.Add(e);
                        return;
                    }
                    var b = TargetSide(e, scope, host);
                    var user = Names.User(EventView.Raw(e, "username")) ?? EventView.User(e);
                    if (user is not null) b.Users.Add(user);
                    b.Signals.Add(e.EventId switch
                    {
                        91 => "WSMan shell created (WinRM 91)",
                        169 => $"user authenticated over WinRM (169, {EventView.Raw(e, "authenticationMechanism") ?? e.AuthPackage ?? "?"})",
                        _ => $"WinRM event {e.EventId}",
                    });
                    b.Evidence.Add(e);
                }
                break;
            }
            case EventKind.PowerShell:
            {
                // Script blocks inside a remoting session name the remoting host in their context.
                var text = e.Message ?? EventView.Raw(e, "ContextInfo") ?? "";
                if (!EventView.ContainsCi(text, "wsmprovhost") && !EventView.ContainsCi(text, "ServerRemoteHost")) return;
                var b = TargetSide(e, scope, host);
                b.Executed = true;
                b.Signals.Add($"PowerShell {e.EventId} inside a remoting session");
                if (b.Evidence.Total < 24) b.Evidence.Add(e);
                break;
            }
            case EventKind.NetworkConnection:
            {
                if (Connection.From(e, host) is not { Inbound: false, RemotePort: 5985 or 5986 } c) return;
                var dstIp = c.RemoteIp;
                if (dstIp is null || Ips.IsLoopback(dstIp)) return;
                var target = Ctx.Identity.NameOf(c.RemoteName, dstIp, e.Time, host);
                var b = _bursts.Get(host, e.Time);
                b.Source = host;
                b.SourceIp ??= c.LocalIp;
                if (target is not null && target != host) b.Targets.Add(target);
                if (EventView.User(e) is { } u && !EventView.IsSystemAccount(u)) b.Users.Add(u);
                b.Signals.Add($"connection to WinRM port {c.RemotePort}");
                if (b.Evidence.Total < 24) b.Evidence.Add(e);
                break;
            }
        }
    }

    private WinRmBurst TargetSide(LogEvent e, EventScope scope, string host)
    {
        var s = scope.Session;
        string? source = s?.Source is { } src && src != host ? src : null;
        var b = _bursts.Get(source ?? ("?" + host), e.Time);
        b.Source = source;
        b.SourceIp ??= s?.SourceIp;
        b.Targets.Add(host);
        var user = s?.User ?? EventView.User(e);
        if (user is not null && !EventView.IsSystemAccount(user)) b.Users.Add(user);
        b.Privileged |= s?.Privileged == true;
        return b;
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";

    public override void Advance(DateTime watermark) => _bursts.Flush(watermark);

    private void Close(string key, WinRmBurst b)
    {
        if (b.Targets.Count == 0 && b.Signals.Count == 0) return;
        var d = new AlertDraft(AnalyticNames.WinRmExec,
            b.Source is not null ? $"WinRM remote execution from {b.Source} on {b.Targets.Count} host(s)" : $"WinRM remote execution on {Fmt.List(b.Targets, 3)}",
            b.Executed ? Severity.Medium : Severity.Low, "T1021.006");
        var role = Ctx.RoleOf(b.Source);
        var asset = Ctx.Assets.Find(b.Source);
        bool nonAdminSource = b.Source is not null && role != AssetRole.Unknown
            && !Config.WinrmExec.AdminRoles.Contains(role == AssetRole.ConfigMgmt ? "config-mgmt" : role.ToString().ToLowerInvariant(), StringComparer.OrdinalIgnoreCase);
        if (nonAdminSource) d.Raise($"source role is {role.ToString().ToLowerInvariant()}{(asset?.Department is { } dep ? " (" + dep + ")" : "")}, not an admin role");
        if (b.Targets.Count >= Config.WinrmExec.MinTargetsRaise) d.Raise($"{b.Targets.Count} targets");
        d.SourceHost(b.Source);
        d.SourceIp(b.SourceIp);
        foreach (var t in b.Targets) d.TargetHost(t);
        foreach (var u in b.Users) d.User(u);
        d.PrivilegedSession = b.Privileged;
        d.AddEvidence(b.Evidence.Items);
        d.Details["source"] = b.Source;
        d.Details["targets"] = b.Targets.ToList();
        d.Details["target_count"] = b.Targets.Count;
        d.Details["commands"] = b.Commands.Take(20).ToList();
        d.Details["signals"] = b.Signals.ToList();
        d.Details["source_role"] = role == AssetRole.Unknown ? null : role.ToString().ToLowerInvariant();
        d.Description =
            $"{(b.Users.Count > 0 ? Fmt.List(b.Users) : "An unknown account")} used WinRM/PowerShell remoting " +
            (b.Source is not null ? $"from {Ctx.Describe(b.Source)} " : "") +
            $"on {Fmt.List(b.Targets.Select(Ctx.Describe))} between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}: {string.Join("; ", b.Signals)}" +
            (b.Commands.Count > 0 ? $". Commands: {Fmt.List(b.Commands, 5)}" : "") +
            (nonAdminSource ? ". The source is not an administration host, so it has no routine reason to run commands remotely" : "") +
            $". Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
