using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// dcom-exec (T1021.003): DCOM objects abused for remote execution — MMC20.Application,
/// ShellWindows, ShellBrowserWindow, Excel DDE, LethalHTA. Signals on the target: a COM server
/// (mmc.exe, mshta.exe, excel.exe ...) launched with -Embedding by DcomLaunch; a shell spawned by
/// one of them; explorer.exe/mmc.exe accepting inbound TCP on a high port from another host; DCOM
/// 10016 "Remote Launch" denials naming those classes (failed attempts). On the source: RPC/135 to a
/// host followed by a high-port connection to it from the same process.
/// </summary>
public sealed class DcomExecAnalytic : Analytic
{
    private static readonly Dictionary<string, string> LateralClsids = new(StringComparer.OrdinalIgnoreCase)
    {
        ["{49B2791A-B1AE-4C90-9B8E-E860BA07F889}"] = "MMC20.Application",
        ["{9BA05972-F6A8-11CF-A442-00A0C90A8F39}"] = "ShellWindows",
        ["{C08AFD90-F2A1-11D1-8455-00A0C91F3880}"] = "ShellBrowserWindow",
        ["{00024500-0000-0000-C000-000000000046}"] = "Excel.Application",
        ["{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}"] = "htafile (LethalHTA)",
    };
    private static readonly HashSet<string> Shells = new(StringComparer.OrdinalIgnoreCase)
    { "cmd.exe", "powershell.exe", "pwsh.exe", "rundll32.exe", "regsvr32.exe", "mshta.exe", "wscript.exe", "cscript.exe", "certutil.exe", "bitsadmin.exe" };

    private sealed class DcomBurst : Burst
    {
        public string? Host, Source, SourceIp, User;
        public bool Executed, Failed;
        public readonly CappedSet Signals = new(StringComparer.Ordinal);
        public readonly CappedSet Commands = new(StringComparer.Ordinal);
    }

    private readonly BurstTable<string, DcomBurst> _bursts;
    private readonly Dictionary<(string Host, string Image, string Dst), DateTime> _rpc = new();
    private readonly HashSet<string> _dcomHosts;
    private readonly TimeSpan _window;

    public DcomExecAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _window = TimeSpan.FromMinutes(Config.DcomExec.WindowMinutes);
        _bursts = new(_window, Close, StringComparer.Ordinal);
        _dcomHosts = new HashSet<string>(Config.DcomExec.DcomHosts, StringComparer.OrdinalIgnoreCase);
    }

    public override string Name => AnalyticNames.DcomExec;
    public override int StateSize => _bursts.Count + _rpc.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        var host = scope.Host;
        if (host is null) return;
        switch (e.Kind)
        {
            case EventKind.ProcessStart:
            {
                var image = EventView.ImageName(e.ProcessImage);
                var parent = EventView.ImageName(e.ParentImage);
                var cmd = e.CommandLine ?? "";
                bool embedded = _dcomHosts.Contains(image) && image != "explorer.exe" && EventView.ContainsCi(cmd, "-embedding")
                    && (parent == "svchost.exe" || parent.Length == 0);
                bool shellFromCom = Shells.Contains(image) && _dcomHosts.Contains(parent) && parent != "explorer.exe"
                    || (Shells.Contains(image) && parent == "explorer.exe" && scope.Session is { LogonType: 3 });
                bool shellWindowsFactory = image == "explorer.exe" && EventView.ContainsCi(cmd, "/factory,{75dff2b7-6936-4c06-a8bb-676a7b00b24b}");
                if (!embedded && !shellFromCom && !shellWindowsFactory) return;
                var b = Get(host, scope, e.Time);
                if (embedded) b.Signals.Add($"COM server {image} launched by DcomLaunch ({Truncate(cmd, 80)})");
                if (shellWindowsFactory) b.Signals.Add("explorer.exe started as ShellWindows/ShellBrowserWindow factory");
                if (shellFromCom) { b.Executed = true; b.Signals.Add($"{image} spawned by {parent}"); b.Commands.Add(Truncate(cmd.Length > 0 ? cmd : image, 200)); }
                b.Evidence.Add(e);
                break;
            }
            case EventKind.NetworkConnection:
            {
                var image = EventView.ImageName(e.ProcessImage);
                if (Connection.From(e, host) is not { } c) return;
                if (c.Inbound && image is "mmc.exe" or "explorer.exe" or "mshta.exe" or "excel.exe")
                {
                    // Inbound: the logging host is the one serving the COM object.
                    var remote = c.RemoteIp;
                    if (remote is null || Ips.IsLoopback(remote)) return;
                    var b = Get(host, scope, e.Time);
                    b.SourceIp ??= remote;
                    b.Source ??= Ctx.Identity.NameOf(null, remote, e.Time, host);
                    b.Signals.Add($"{image} accepted an inbound TCP connection from {remote} (DCOM object served remotely)");
                    if (b.Evidence.Total < 12) b.Evidence.Add(e);
                    return;
                }
                if (!c.Inbound && c.RemotePort is int port)
                {
                    var dst = c.RemoteIp;
                    if (dst is null || Ips.IsLoopback(dst)) return;
                    var key = (host, image, dst);
                    if (port == 135) { _rpc[key] = e.Time; return; }
                    if (port >= 49152 && _rpc.TryGetValue(key, out var t135) && e.Time - t135 <= TimeSpan.FromMinutes(1)
                        && image is not ("svchost.exe" or "lsass.exe" or "services.exe" or "wmiprvse.exe" or "system" or ""))
                    {
                        // Source side: endpoint mapper, then the object's dynamic port, from one process.
                        var target = Ctx.Identity.NameOf(c.RemoteName, dst, e.Time, host) ?? dst;
                        var b = _bursts.Get("src|" + host + "|" + target, e.Time);
                        b.Host = target; b.Source = host; b.SourceIp ??= c.LocalIp;
                        b.User ??= EventView.User(e);
                        b.Signals.Add($"{image} on {host} called RPC/135 then port {port} on {target}");
                        if (b.Evidence.Total < 12) b.Evidence.Add(e);
                        _rpc.Remove(key);
                    }
                }
                break;
            }
            default:
                if (e.EventId == 10016 && EventView.ContainsCi(e.Provider, "DistributedCOM"))
                {
                    // "The application-specific permission settings do not grant Remote Launch ..."
                    var where = EventView.Raw(e, "param2");
                    var clsid = EventView.Raw(e, "param4") ?? EventView.Raw(e, "param5");
                    if (!EventView.ContainsCi(where, "remote") || clsid is null || !LateralClsids.TryGetValue(clsid, out var cls)) return;
                    var b = Get(host, scope, e.Time);
                    b.Failed = true;
                    b.User ??= Names.User(EventView.Raw(e, "param7"));
                    var ip = Ips.Clean(EventView.Raw(e, "param9"));
                    b.SourceIp ??= ip;
                    b.Source ??= Ctx.Identity.NameOf(null, ip, e.Time, host);
                    b.Signals.Add($"remote launch of {cls} denied (DCOM 10016)");
                    b.Evidence.Add(e);
                }
                break;
        }
    }

    private DcomBurst Get(string host, EventScope scope, DateTime t)
    {
        var b = _bursts.Get(host, t);
        b.Host = host;
        if (scope.Session is { } s && s.IsRemote)
        {
            b.Source ??= s.Source;
            b.SourceIp ??= s.SourceIp;
            b.User ??= s.User;
        }
        return b;
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";

    public override void Advance(DateTime watermark)
    {
        _bursts.Flush(watermark);
        if (_rpc.Count > 0)
        {
            List<(string, string, string)>? dead = null;
            foreach (var (k, t) in _rpc) if (watermark == DateTime.MaxValue || t + TimeSpan.FromMinutes(1) < watermark) (dead ??= new()).Add(k);
            if (dead is not null) foreach (var k in dead) _rpc.Remove(k);
        }
    }

    private void Close(string key, DcomBurst b)
    {
        if (b.Signals.Count == 0) return;
        var d = new AlertDraft(AnalyticNames.DcomExec,
            b.Failed && !b.Executed ? $"Failed DCOM lateral movement attempt on {b.Host}" : $"DCOM remote execution on {b.Host}",
            b.Executed ? Severity.High : Severity.Medium, "T1021.003");
        if (b.Executed && b.Signals.Count > 1) d.Raise("COM server activation followed by a shell");
        d.TargetHost(b.Host);
        d.SourceHost(b.Source);
        d.SourceIp(b.SourceIp);
        d.User(b.User);
        d.AddEvidence(b.Evidence.Items);
        d.Details["target"] = b.Host;
        d.Details["source"] = b.Source;
        d.Details["signals"] = b.Signals.ToList();
        d.Details["commands"] = b.Commands.Take(10).ToList();
        d.Description =
            $"On {Ctx.Describe(b.Host)} between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}" +
            (b.Source is not null ? $", from {Ctx.Describe(b.Source)}" : "") + (b.User is not null ? $" as {b.User}" : "") +
            $": {string.Join("; ", b.Signals)}" + (b.Commands.Count > 0 ? $". Commands: {Fmt.List(b.Commands, 5)}" : "") +
            ". MMC20.Application, ShellWindows, ShellBrowserWindow and Office objects let a remote caller run commands through DCOM" +
            (b.Failed && !b.Executed ? "; here the launch was refused, which still shows the attempt" : "") +
            $". Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
