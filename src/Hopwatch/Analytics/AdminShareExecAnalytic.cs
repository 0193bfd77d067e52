using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// admin-share-exec (T1021.002 + T1569.002): on one target, SMB admin-share activity (5140/5145 to
/// ADMIN$/C$/IPC$, svcctl, inbound 445) followed by remote execution — a service install (7045/4697,
/// or services.exe writing a service ImagePath), a process started by services.exe, PsExec-style
/// stdin/stdout/stderr pipes, a dropped binary run as a service, or output redirected to
/// \\127.0.0.1\ADMIN$ (impacket). PsExec clones and renamed copies are caught by behaviour, not name.
/// </summary>
public sealed class AdminShareExecAnalytic : Analytic
{
    private sealed class TargetBurst : Burst
    {
        public string? Host, SourceIp, Source, User;
        public bool AdminShare, Svcctl, InboundSmb, Pipes, ServiceInstall, ServiceProcess, LoopbackRedirect, KnownTool;
        public readonly CappedSet Dropped = new(StringComparer.OrdinalIgnoreCase);
        public readonly CappedSet Services = new(StringComparer.OrdinalIgnoreCase);
        public readonly CappedSet Commands = new(StringComparer.Ordinal);
        public readonly CappedSet Signals = new(StringComparer.Ordinal);
    }

    private static readonly string[] ExecExtensions = { ".exe", ".dll", ".bat", ".cmd", ".ps1", ".vbs", ".scr", ".sys" };
    private static readonly string[] ShellImages = { "cmd.exe", "powershell.exe", "pwsh.exe", "rundll32.exe", "regsvr32.exe", "mshta.exe", "wscript.exe", "cscript.exe", "calc.exe" };
    private readonly BurstTable<string, TargetBurst> _bursts;

    public AdminShareExecAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _bursts = new(TimeSpan.FromMinutes(Config.AdminShareExec.WindowMinutes), Close, StringComparer.Ordinal);
    }

    public override string Name => AnalyticNames.AdminShareExec;
    public override int StateSize => _bursts.Count;

    private bool IsKnownTool(string? name)
    {
        var n = EventView.ImageName(name);
        foreach (var t in Config.AdminShareExec.RemoteExecNames) if (n.StartsWith(t, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private TargetBurst Burst(string host, DateTime t)
    {
        var b = _bursts.Get(host, t);
        b.Host = host;
        return b;
    }

    public override void Observe(LogEvent e, EventScope scope)
    {
        var host = scope.Host;
        if (host is null) return;
        switch (e.Kind)
        {
            case EventKind.ShareAccess when e.ShareName is { } shareRaw:
            {
                var share = ShareNames.Short(shareRaw);
                var rel = e.RelativeTargetName ?? "";
                var ip = EventView.SourceIp(e);
                bool admin = share is "admin$" or "c$" || (share.Length == 2 && share[1] == '$');
                bool pipeShare = share == "ipc$";
                if (!admin && !pipeShare) return;
                bool svcctl = pipeShare && rel.Equals("svcctl", StringComparison.OrdinalIgnoreCase);
                bool execPipe = pipeShare && IsExecPipe(rel);
                bool dropped = admin && ExecExtensions.Any(x => rel.EndsWith(x, StringComparison.OrdinalIgnoreCase));
                if (!admin && !svcctl && !execPipe) return; // other IPC$ pipes (srvsvc, lsarpc) are everyday SMB
                if (ip is not null && Ips.IsLoopback(ip) && !execPipe) return; // impacket output read-back is judged from the process
                var b = Burst(host, e.Time);
                b.SourceIp ??= ip;
                b.Source ??= Ctx.Identity.NameOf(null, ip, e.Time, host);
                b.User ??= EventView.User(e);
                if (admin) { b.AdminShare = true; b.Signals.Add($"{share.ToUpperInvariant()} accessed"); }
                if (svcctl) { b.Svcctl = true; b.Signals.Add("remote service control (IPC$\\svcctl)"); }
                if (execPipe) { b.Pipes = true; b.Signals.Add($"remote-execution pipe {rel}"); }
                if (dropped) { b.Dropped.Add(EventView.ImageName(rel)); b.Signals.Add($"binary written to {share.ToUpperInvariant()}: {rel}"); }
                if (IsKnownTool(rel)) b.KnownTool = true;
                if (b.Evidence.Total < 8 || svcctl || execPipe || dropped) b.Evidence.Add(e);
                break;
            }
            case EventKind.NetworkConnection:
            {
                // Sysmon 3 on the SMB server: inbound to local port 445.
                if (Connection.From(e, host) is not { Inbound: true, LocalPort: 445 } c) return;
                var remote = c.RemoteIp;
                if (remote is null || Ips.IsLoopback(remote)) return;
                var b = Burst(host, e.Time);
                b.InboundSmb = true;
                b.SourceIp ??= remote;
                b.Source ??= Ctx.Identity.NameOf(null, remote, e.Time, host);
                if (b.Evidence.Total < 4) b.Evidence.Add(e);
                break;
            }
            case EventKind.ServiceInstall:
            {
                var b = Burst(host, e.Time);
                b.ServiceInstall = true;
                var img = e.ServiceImage ?? "";
                b.Services.Add((e.ServiceName ?? "?") + " = " + img);
                b.Signals.Add($"service installed: {e.ServiceName} ({img})");
                if (IsKnownTool(e.ServiceName) || IsKnownTool(FirstToken(img))) b.KnownTool = true;
                if (b.Dropped.Contains(EventView.ImageName(FirstToken(img)))) b.Signals.Add("the service runs the binary written over SMB");
                if (SuspiciousServiceImage(img)) b.Signals.Add("service command is a shell/LOLBin");
                b.Evidence.Add(e);
                break;
            }
            case EventKind.RegistryChange:
            {
                var obj = EventView.Raw(e, "TargetObject");
                if (obj is null || !EventView.ContainsCi(obj, @"\services\") || !obj.EndsWith(@"\ImagePath", StringComparison.OrdinalIgnoreCase)) return;
                if (EventView.ImageName(e.ProcessImage) != "services.exe") return;
                var img = EventView.Raw(e, "Details") ?? "";
                var b = Burst(host, e.Time);
                b.ServiceInstall = true;
                var svcName = obj.Split('\\')[^2];
                b.Services.Add(svcName + " = " + img);
                b.Signals.Add($"service created: {svcName} ({Truncate(img, 120)})");
                if (SuspiciousServiceImage(img)) b.Signals.Add("service command is a shell/LOLBin");
                b.Evidence.Add(e);
                break;
            }
            case EventKind.ProcessStart:
            {
                var parent = EventView.ImageName(e.ParentImage);
                var image = EventView.ImageName(e.ProcessImage);
                var cmd = e.CommandLine ?? "";
                bool redirect = EventView.ContainsCi(cmd, @"\\127.0.0.1\admin$") || EventView.ContainsCi(cmd, @"\\127.0.0.1\c$");
                bool underServices = parent == "services.exe" && (ShellImages.Contains(image) || IsKnownTool(image) || IsWindowsRootBinary(e.ProcessImage));
                bool known = IsKnownTool(image) || IsKnownTool(parent);
                if (!redirect && !underServices && !known) return;
                var b = Burst(host, e.Time);
                if (redirect) { b.LoopbackRedirect = true; b.Signals.Add(@"command output redirected to \\127.0.0.1\ADMIN$ or C$ (impacket smbexec/wmiexec/dcomexec)"); }
                if (underServices || known) { b.ServiceProcess = true; b.Signals.Add($"process {image} started by {parent}"); }
                if (known) b.KnownTool = true;
                if (b.Dropped.Contains(image)) b.Signals.Add("the process is the binary written over SMB");
                b.Commands.Add(Truncate(cmd.Length > 0 ? cmd : image, 200));
                b.Evidence.Add(e);
                break;
            }
            case EventKind.PipeEvent:
            {
                var pipe = EventView.Raw(e, "PipeName");
                if (pipe is null || !IsExecPipe(pipe.TrimStart('\\'))) return;
                var b = Burst(host, e.Time);
                b.Pipes = true;
                b.Signals.Add($"remote-execution pipe {pipe}");
                b.Evidence.Add(e);
                break;
            }
        }
    }

    /// <summary>PsExec "&lt;name&gt;-&lt;host&gt;-&lt;pid&gt;-stdin" (any service name: renamed copies too), RemCom, PAExec, csexec pipes.</summary>
    private static bool IsExecPipe(string pipe)
    {
        var p = pipe.ToLowerInvariant();
        if (p.EndsWith("-stdin") || p.EndsWith("-stdout") || p.EndsWith("-stderr")) return true;
        return p.StartsWith("psexesvc") || p.StartsWith("remcom_") || p.StartsWith("paexec") || p.StartsWith("csexecsvc");
    }

    private static bool SuspiciousServiceImage(string img)
    {
        var first = EventView.ImageName(FirstToken(img));
        return ShellImages.Contains(first) || img.Contains("%COMSPEC%", StringComparison.OrdinalIgnoreCase)
            || EventView.ContainsCi(img, @"\\127.0.0.1\") || EventView.ContainsCi(img, "admin$")
            || (!img.Contains('\\') && !img.Contains('/') && first.EndsWith(".exe"));
    }

    private static bool IsWindowsRootBinary(string? path) =>
        path is not null && path.Count(c => c == '\\') == 2 && path.StartsWith(@"C:\Windows\", StringComparison.OrdinalIgnoreCase)
        && path.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) && !path.EndsWith("explorer.exe", StringComparison.OrdinalIgnoreCase);

    private static string FirstToken(string s)
    {
        s = s.Trim();
        if (s.StartsWith('"')) { int q = s.IndexOf('"', 1); return q > 0 ? s[1..q] : s.Trim('"'); }
        int sp = s.IndexOf(' ');
        return sp > 0 ? s[..sp] : s;
    }

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n] + "…";

    public override void Advance(DateTime watermark) => _bursts.Flush(watermark);

    private void Close(string key, TargetBurst b)
    {
        bool access = b.AdminShare || b.Svcctl || b.InboundSmb;
        bool exec = b.ServiceInstall || b.ServiceProcess || b.Pipes || b.LoopbackRedirect;
        bool strongAlone = b.Pipes || b.KnownTool || b.LoopbackRedirect || b.Svcctl
            || (b.ServiceInstall && b.Signals.Contains("service command is a shell/LOLBin"));
        if (!(access && exec) && !strongAlone) return;
        if (!access && !exec) return;

        var d = new AlertDraft(AnalyticNames.AdminShareExec,
            access && exec ? $"Remote service execution over SMB admin shares on {b.Host}" : $"PsExec-style remote execution trace on {b.Host}",
            access && exec ? Severity.High : Severity.Medium, "T1021.002");
        if (b.ServiceInstall || b.ServiceProcess || b.Svcctl) d.AddTechnique("T1569.002");
        if (b.KnownTool) d.Raise("known remote-execution tool");
        d.TargetHost(b.Host);
        d.SourceHost(b.Source);
        d.SourceIp(b.SourceIp);
        d.User(b.User);
        d.AddEvidence(b.Evidence.Items);
        var session = b.User is null ? null : b.User;
        d.Details["target"] = b.Host;
        d.Details["source"] = b.Source;
        d.Details["signals"] = b.Signals.ToList();
        d.Details["services"] = b.Services.ToList();
        d.Details["dropped_files"] = b.Dropped.ToList();
        d.Details["commands"] = b.Commands.Take(10).ToList();
        d.Description =
            $"On {Ctx.Describe(b.Host)} between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}" +
            (b.Source is not null ? $", from {Ctx.Describe(b.Source)}{(b.SourceIp is not null && b.SourceIp != b.Source ? " (" + b.SourceIp + ")" : "")}" : "") +
            (session is not null ? $" as {session}" : "") +
            $": {string.Join("; ", b.Signals)}. " +
            (access && exec ? "Admin-share access followed by service execution is how PsExec and its clones (RemCom, PAExec, impacket) run code remotely. "
                            : "This trace on its own is typical of PsExec-style remote execution; the share access may not have been logged. ") +
            $"Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
