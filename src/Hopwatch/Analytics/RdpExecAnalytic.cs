using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// rdp-exec (T1021.001): commands run through an RDP session rather than by a person at it —
/// SharpRDP-style: an inbound RDP connection followed by Run-dialog (RunMRU) entries or a program
/// started from the client's redirected drive (\\tsclient\); many short automated RDP connections
/// from one client (RdpCoreTS 131, tiny 200x200 monitors in 168); the RDP ActiveX client (mstscax.dll)
/// loaded by a program that is not an RDP client; mstsc.exe writing into a Startup folder (payload
/// planted on the client through drive redirection).
/// </summary>
public sealed class RdpExecAnalytic : Analytic
{
    private sealed class ExecBurst : Burst
    {
        public string? Host, Source, SourceIp, User;
        public int Connections, TinyMonitors;
        public bool RunMru, Tsclient, StartupWrite, ActiveX, Inbound;
        public readonly CappedSet Signals = new(StringComparer.Ordinal);
        public readonly CappedSet Commands = new(StringComparer.Ordinal);
    }

    private readonly BurstTable<string, ExecBurst> _bursts;
    private readonly HashSet<string> _clients;

    public RdpExecAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _bursts = new(TimeSpan.FromMinutes(Config.RdpExec.WindowMinutes), Close, StringComparer.Ordinal);
        _clients = new HashSet<string>(Config.RdpExec.RdpClientImages, StringComparer.OrdinalIgnoreCase);
    }

    public override string Name => AnalyticNames.RdpExec;
    public override int StateSize => _bursts.Count;

    private ExecBurst Burst(string host, DateTime t)
    {
        var b = _bursts.Get(host, t);
        b.Host = host;
        return b;
    }

    public override void Observe(LogEvent e, EventScope scope)
    {
        var host = scope.Host;
        if (host is null) return;
        if (scope.Access is { Protocol: RemoteProtocol.Rdp } a)
        {
            if (!_bursts.TryGetOpen(host, e.Time, out var existing)) return; // only enriches bursts something else opened
            existing.Touch(e.Time);
            existing.Source ??= a.Source; existing.SourceIp ??= a.SourceIp; existing.User ??= a.User; existing.Inbound = true;
            return;
        }
        switch (e.Kind)
        {
            case EventKind.NetworkConnection:
            {
                if (Connection.From(e, host) is not { Inbound: true, LocalPort: 3389 } c || c.RemoteIp is null || Ips.IsLoopback(c.RemoteIp)) return;
                var b = Burst(host, e.Time);
                b.Inbound = true;
                b.SourceIp ??= c.RemoteIp;
                b.Source ??= Ctx.Identity.NameOf(c.RemoteName, c.RemoteIp, e.Time, host);
                if (b.Evidence.Total < 4) b.Evidence.Add(e);
                break;
            }
            case EventKind.RegistryChange:
            {
                var obj = EventView.Raw(e, "TargetObject");
                if (obj is null || !EventView.ContainsCi(obj, @"\Explorer\RunMRU\") || EventView.ContainsCi(obj, "MRUList")) return;
                var b = Burst(host, e.Time);
                b.RunMru = true;
                var cmd = EventView.Raw(e, "Details") ?? "";
                if (cmd.EndsWith(@"\1")) cmd = cmd[..^2];
                b.Commands.Add(cmd);
                b.Signals.Add($"command typed into the Run dialog: {cmd}");
                b.Evidence.Add(e);
                break;
            }
            case EventKind.ProcessStart:
            {
                if (!EventView.ContainsCi(e.ProcessImage, @"\\tsclient\") && !EventView.ContainsCi(e.CommandLine, @"\\tsclient\")) return;
                var b = Burst(host, e.Time);
                b.Tsclient = true;
                b.User ??= EventView.User(e);
                b.Commands.Add(e.CommandLine ?? e.ProcessImage ?? "");
                b.Signals.Add($"program started from the RDP client's drive: {e.ProcessImage}");
                b.Evidence.Add(e);
                break;
            }
            case EventKind.FileCreate:
            {
                var file = EventView.Raw(e, "TargetFilename") ?? e.TargetImage;
                if (EventView.ImageName(e.ProcessImage) != "mstsc.exe" || !EventView.ContainsCi(file, @"\Start Menu\Programs\Startup\")) return;
                var b = Burst(host, e.Time);
                b.StartupWrite = true;
                b.Signals.Add($"mstsc.exe wrote {file} into a Startup folder (payload pushed back through RDP drive redirection)");
                b.Evidence.Add(e);
                break;
            }
            case EventKind.ImageLoad:
            {
                var loaded = EventView.Raw(e, "ImageLoaded") ?? e.TargetImage;
                var dll = EventView.ImageName(loaded);
                if (dll is not ("mstscax.dll" or "axinterop.mstsclib.dll" or "mstsclib.dll")) return;
                var image = EventView.ImageName(e.ProcessImage);
                if (_clients.Contains(image)) return;
                var b = Burst(host, e.Time);
                b.ActiveX = true;
                b.User ??= EventView.User(e);
                b.Signals.Add($"{image} loaded the RDP client control {dll}: a program driving RDP by itself (SharpRDP)");
                b.Evidence.Add(e);
                break;
            }
            default:
                if (e.EventId == 131 && EventView.ContainsCi(e.Channel, "RdpCoreTS"))
                {
                    var ip = EventView.SourceIp(e);
                    if (ip is null || Ips.IsLoopback(ip)) return;
                    var b = Burst(host, e.Time);
                    b.Inbound = true;
                    b.Connections++;
                    b.SourceIp ??= ip;
                    b.Source ??= Ctx.Identity.NameOf(null, ip, e.Time, host);
                    if (b.Evidence.Total < 12) b.Evidence.Add(e);
                }
                else if (e.EventId == 168 && EventView.ContainsCi(e.Channel, "RdpCoreTS")
                    && int.TryParse(EventView.Raw(e, "MonitorWidth"), out int w) && w > 0 && w <= 320)
                {
                    var b = Burst(host, e.Time);
                    b.TinyMonitors++;
                    if (b.TinyMonitors == 1) b.Evidence.Add(e);
                }
                break;
        }
    }

    public override void Advance(DateTime watermark) => _bursts.Flush(watermark);

    private void Close(string key, ExecBurst b)
    {
        bool automated = b.Connections >= Config.RdpExec.MinAutomatedConnections;
        bool viaSession = (b.RunMru || b.Tsclient) && b.Inbound;
        if (!viaSession && !b.Tsclient && !b.StartupWrite && !b.ActiveX && !automated) return;
        if (automated) b.Signals.Add($"{b.Connections} RDP connections from {b.SourceIp} within {Config.RdpExec.WindowMinutes} min" + (b.TinyMonitors > 0 ? $", {b.TinyMonitors} with a tiny (≤320 px) monitor" : ""));
        var d = new AlertDraft(AnalyticNames.RdpExec, $"Command execution through RDP on {b.Host}",
            viaSession || b.StartupWrite ? Severity.High : Severity.Medium, "T1021.001");
        if (automated && b.TinyMonitors > 0) d.Raise("headless RDP client (tiny monitor)");
        d.TargetHost(b.ActiveX || b.StartupWrite ? null : b.Host);
        if (b.ActiveX || b.StartupWrite) d.SourceHost(b.Host); // the logging host is the RDP client here
        else { d.SourceHost(b.Source); d.SourceIp(b.SourceIp); }
        d.User(b.User);
        d.AddEvidence(b.Evidence.Items);
        d.Details["host"] = b.Host;
        d.Details["source"] = b.Source;
        d.Details["signals"] = b.Signals.ToList();
        d.Details["commands"] = b.Commands.Take(10).ToList();
        d.Details["rdp_connections"] = b.Connections;
        d.Description =
            $"On {Ctx.Describe(b.Host)} between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}" +
            (b.Source is not null && !b.ActiveX && !b.StartupWrite ? $", with RDP from {Ctx.Describe(b.Source)}" : "") +
            (b.User is not null ? $" ({b.User})" : "") + $": {Fmt.List(b.Signals, 8)}. " +
            "Tools such as SharpRDP run commands on a target by scripting an RDP session (Run dialog, redirected drives) instead of a person using it. " +
            $"Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
