using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Scoring;

namespace Hopwatch.Tests.Scoring;

/// <summary>
/// Builds constructed scenarios: normalised events (fed to a <see cref="TriageBaseline"/>) and the
/// alerts the Sigma engine and analytics would raise on them, shaped by the alert contract.
/// </summary>
internal sealed class Scenario
{
    private long _record = 1;
    private int _logonId = 0x1000;
    public List<LogEvent> Events { get; } = new();
    public List<Alert> Alerts { get; } = new();
    public Dictionary<string, string> Roles { get; } = new(StringComparer.OrdinalIgnoreCase);

    public LogEvent Logon(DateTime t, string host, string user, string? srcHost, string? srcIp, int logonType, string auth = "Kerberos", string domain = "CORP")
    {
        var e = Event(t, host, 4624, "Security", EventKind.Logon);
        e.UserName = user; e.UserDomain = domain; e.SourceHost = srcHost; e.SourceIp = srcIp; e.LogonType = logonType;
        e.AuthPackage = auth; e.LogonId = "0x" + (_logonId++).ToString("x");
        return e;
    }

    public LogEvent Failure(DateTime t, string host, string user, string? srcHost, string? srcIp)
    {
        var e = Event(t, host, 4625, "Security", EventKind.FailedLogon);
        e.UserName = user; e.SourceHost = srcHost; e.SourceIp = srcIp; e.LogonType = 3; e.Status = "0xc000006d"; e.SubStatus = "0xc000006a";
        return e;
    }

    public LogEvent LsassAccess(DateTime t, string host, string sourceImage)
    {
        var e = Event(t, host, 10, "Microsoft-Windows-Sysmon/Operational", EventKind.ProcessAccess);
        e.ProcessImage = sourceImage; e.TargetImage = @"C:\Windows\system32\lsass.exe"; e.AccessMask = "0x1010";
        return e;
    }

    public LogEvent ServiceInstall(DateTime t, string host, string name, string image)
    {
        var e = Event(t, host, 7045, "System", EventKind.ServiceInstall);
        e.ServiceName = name; e.ServiceImage = image;
        return e;
    }

    public LogEvent ProcessStart(DateTime t, string host, string user, string image, string commandLine, string parent, string? logonId = null)
    {
        var e = Event(t, host, 1, "Microsoft-Windows-Sysmon/Operational", EventKind.ProcessStart);
        e.UserName = user; e.ProcessImage = image; e.CommandLine = commandLine; e.ParentImage = parent; e.LogonId = logonId;
        return e;
    }

    public LogEvent Event(DateTime t, string host, int eventId, string channel, EventKind kind)
    {
        var e = new LogEvent
        {
            File = "scenario/" + host + ".evtx", RecordId = _record++, Time = t, EventId = eventId, Channel = channel,
            Computer = host.ToUpperInvariant() + ".corp.local", Host = host + ".corp.local", HostShort = host, Kind = kind,
        };
        Events.Add(e);
        return e;
    }

    public Alert Alert(string analytic, string ruleId, string title, Severity severity, string[] techniques,
        IEnumerable<LogEvent> evidence, Dictionary<string, object?>? details = null, string description = "")
    {
        var ev = evidence.ToList();
        var a = new Alert
        {
            Analytic = analytic, RuleId = ruleId, Title = title, Severity = severity, Techniques = techniques.ToList(),
            TimeFirst = ev.Min(e => e.Time), TimeLast = ev.Max(e => e.Time), Description = description, Details = details,
        };
        foreach (var e in ev) { a.Entities.AddFrom(e); a.Evidence.Add(AlertEvidence.From(e)); }
        a.Id = AlertIds.For(analytic, ruleId, a.Evidence);
        Alerts.Add(a);
        return a;
    }

    public TriageBaseline Baseline()
    {
        var b = new TriageBaseline(h => Roles.TryGetValue(h, out var r) ? r : null);
        foreach (var e in Events.OrderBy(e => e.Time)) b.Process(e, _ => throw new InvalidOperationException("the baseline must not alert"));
        b.Complete(_ => throw new InvalidOperationException("the baseline must not alert"));
        return b;
    }

    public IncidentAnalysisResult Analyse(ScoringOptions? options = null) =>
        IncidentAnalysis.Run(Alerts, Baseline(), options ?? new ScoringOptions());

    public HuntResult Hunt() => new()
    {
        Alerts = Alerts.OrderBy(a => a.TimeFirst).ThenBy(a => a.Id, StringComparer.Ordinal).ToList(),
        Diagnostics = new ReadDiagnostics(),
        EventCount = Events.Count,
        Elapsed = TimeSpan.FromSeconds(1.5),
    };

    // ---- the scenarios ----

    /// <summary>The 8 hosts of reference 000's first example alert, in hop order, ending at a domain controller.</summary>
    public static readonly string[] ChainHosts = ["ws-fin-012", "srv-app01", "fs01", "fs02", "srv-sql01", "fs03", "srv-file04", "dc01"];
    public const string ChainUser = "da_svc_backup";
    public static readonly DateTime ChainStart = new(2024, 3, 14, 2, 10, 0, DateTimeKind.Utc);

    /// <summary>
    /// Reference 000, alert 1: "account DA_svc_backup used RDP to connect sequentially to 8 systems
    /// over 35 minutes … started from initial compromised host, moved to file servers, then domain
    /// controller. Each hop occurred within 3-5 minutes". Mimikatz touches LSASS on the first host
    /// before the first hop. The account's normal life (earlier days: from bkp01, at 22h) is in the baseline.
    /// </summary>
    public static Scenario RdpChain()
    {
        var s = new Scenario();
        s.Roles["dc01"] = "dc";
        s.Roles["bkp01"] = "backup";
        // Normal history: the backup account logs on from the backup server to file servers at 22:00 on earlier days.
        for (int day = 1; day <= 5; day++)
            foreach (var fs in new[] { "fs01", "fs02", "fs03" })
                s.Logon(ChainStart.Date.AddDays(-day).AddHours(22), fs, ChainUser, "bkp01", "10.0.9.5", 3);
        s.LsassAccess(ChainStart.AddMinutes(-12), "ws-fin-012", @"C:\Users\Public\mimikatz.exe");

        int[] gaps = [5, 6, 6, 6, 6, 6]; // 7 hops over 35 minutes
        var t = ChainStart;
        var hopLogons = new List<LogEvent>();
        for (int i = 1; i < ChainHosts.Length; i++)
        {
            var src = ChainHosts[i - 1];
            var logon = s.Logon(t, ChainHosts[i], ChainUser, src, "10.0.1." + (10 + i), 10);
            hopLogons.Add(logon);
            s.Alert("sigma", "rdp-logon-type-10", $"RDP logon to {ChainHosts[i]} from {src}", Severity.Medium, ["T1021.001"], [logon],
                description: $"{ChainUser} logged on to {ChainHosts[i]} over RDP from {src}");
            if (i < ChainHosts.Length - 1) t = t.AddMinutes(gaps[i - 1]);
        }
        s.Alert("rdp-chain", "hopwatch-rdp-chain", "RDP lateral movement chain", Severity.Critical, ["T1021.001"], hopLogons,
            new Dictionary<string, object?> { ["path"] = ChainHosts.ToList(), ["hops"] = ChainHosts.Length - 1 },
            $"{ChainUser} moved over RDP through {ChainHosts.Length} hosts in 35 minutes ending at dc01");
        s.ServiceInstall(t.AddMinutes(2), "dc01", "PSEXESVC", @"%SystemRoot%\PSEXESVC.exe");
        return s;
    }

    /// <summary>
    /// The known backup server bkp01 (asset role "backup") reaches 15 file servers over SMB as
    /// svc_backup in 8 minutes at 23:00, as it did on the previous nights: a fan-out alert that
    /// the tuning list of reference 003 says is benign.
    /// </summary>
    public static Scenario BackupFanOut(bool withRole = true, bool lsassOnSource = false, int previousNights = 5)
    {
        var s = new Scenario();
        if (withRole) s.Roles["bkp01"] = "backup";
        var start = new DateTime(2024, 3, 14, 23, 0, 0, DateTimeKind.Utc);
        var targets = Enumerable.Range(1, 15).Select(i => $"srv-files{i:00}").ToList();
        for (int night = 1; night <= previousNights; night++)
            for (int i = 0; i < targets.Count; i++)
                s.Logon(start.AddDays(-night).AddSeconds(30 * i), targets[i], "svc_backup", "bkp01", "10.0.9.5", 3);
        var logons = new List<LogEvent>();
        for (int i = 0; i < targets.Count; i++)
            logons.Add(s.Logon(start.AddSeconds(32 * i), targets[i], "svc_backup", "bkp01", "10.0.9.5", 3));
        if (lsassOnSource) s.LsassAccess(start.AddMinutes(-30), "bkp01", @"C:\Windows\Temp\procdump64.exe");
        s.Alert("fan-out", "hopwatch-fan-out", "One source reached 15 hosts over SMB in 8 minutes", Severity.High, ["T1021.002"], logons,
            new Dictionary<string, object?> { ["targets"] = targets.Count, ["window_minutes"] = 8 });
        return s;
    }
}
