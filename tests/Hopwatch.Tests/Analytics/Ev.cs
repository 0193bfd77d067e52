using Hopwatch.Analytics;
using Hopwatch.Events;

namespace Hopwatch.Tests.Analytics;

/// <summary>Builds normalised events the way the readers fill the typed view, for constructed sequences.</summary>
internal static class Ev
{
    private static long _record;
    public static readonly DateTime Day = new(2024, 3, 12, 0, 0, 0, DateTimeKind.Utc);

    public static DateTime At(int hour, double minute = 0, int day = 0) => Day.AddDays(day).AddHours(hour).AddMinutes(minute);

    public static LogEvent Base(DateTime t, string host, EventKind kind, int eventId, string channel = "Security")
    {
        var e = new LogEvent
        {
            File = "constructed.evtx", RecordId = Interlocked.Increment(ref _record), Time = t, EventId = eventId,
            Channel = channel, Computer = host.ToUpperInvariant() + ".corp.local", Kind = kind,
        };
        e.Host = host + ".corp.local";
        e.HostShort = host;
        return e;
    }

    public static LogEvent Logon(DateTime t, string host, string user, string? ip, int type = 3, string? ws = null,
        string auth = "Kerberos", string? logonId = null, string? domain = "corp", int? keyLength = null, string logonProcess = "Kerberos")
    {
        var e = Base(t, host, EventKind.Logon, 4624);
        e.UserName = user; e.UserDomain = domain; e.SourceIp = ip; e.SourceHost = ws; e.LogonType = type;
        e.AuthPackage = auth; e.LogonProcess = logonProcess; e.KeyLength = keyLength;
        e.LogonId = logonId ?? "0x" + (e.RecordId + 0x10000).ToString("x");
        return e;
    }

    public static LogEvent NtlmLogon(DateTime t, string host, string user, string ip, string? domain, string? logonId = null)
        => Logon(t, host, user, ip, 3, null, "NTLM", logonId, domain, 0, "NtLmSsp");

    public static LogEvent Rdp1149(DateTime t, string host, string user, string ip)
    {
        var e = Base(t, host, EventKind.RdpAuthSucceeded, 1149, "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational");
        e.UserName = user; e.SourceIp = ip;
        return e;
    }

    public static LogEvent Failed(DateTime t, string host, string user, string ip)
    {
        var e = Base(t, host, EventKind.FailedLogon, 4625);
        e.UserName = user; e.SourceIp = ip; e.LogonType = 3; e.Status = "0xc000006d";
        return e;
    }

    public static LogEvent Share(DateTime t, string host, string user, string ip, string share, string rel, string? logonId = null)
    {
        var e = Base(t, host, EventKind.ShareAccess, 5145);
        e.SubjectUserName = user; e.SourceIp = ip; e.ShareName = @"\\*\" + share; e.RelativeTargetName = rel; e.LogonId = logonId;
        return e;
    }

    public static LogEvent Service(DateTime t, string host, string name, string image)
    {
        var e = Base(t, host, EventKind.ServiceInstall, 7045, "System");
        e.ServiceName = name; e.ServiceImage = image;
        return e;
    }

    public static LogEvent Process(DateTime t, string host, string image, string parent, string cmd, string? user = null, string? logonId = null)
    {
        var e = Base(t, host, EventKind.ProcessStart, 1, "Microsoft-Windows-Sysmon/Operational");
        e.ProcessImage = image; e.ParentImage = parent; e.CommandLine = cmd; e.UserName = user; e.LogonId = logonId;
        return e;
    }

    public static LogEvent Kerberos(DateTime t, string dc, string user, string ip, bool tgt, string? service = null)
    {
        var e = Base(t, dc, tgt ? EventKind.KerberosTgt : EventKind.KerberosService, tgt ? 4768 : 4769);
        e.UserName = user; e.SourceIp = ip; e.Status = "0x0"; e.ServiceName = service;
        return e;
    }

    public static LogEvent Connection(DateTime t, string host, string srcIp, string dstIp, int dstPort, bool initiated, string image = @"C:\Windows\System32\mstsc.exe", string? user = null)
    {
        var e = Base(t, host, EventKind.NetworkConnection, 3, "Microsoft-Windows-Sysmon/Operational");
        e.SourceIp = srcIp; e.DestinationIp = dstIp; e.DestinationPort = dstPort; e.SourcePort = 50000; e.ProcessImage = image; e.UserName = user;
        e.Fields.Add("Initiated", initiated ? "true" : "false");
        return e;
    }

    public static LogEvent Ssh(DateTime t, string host, string user, string ip, string method = "publickey")
    {
        var e = Base(t, host, EventKind.SshLogin, 0, "auth.log");
        e.UserName = user; e.SourceIp = ip;
        e.Message = $"Accepted {method} for {user} from {ip} port 50022 ssh2: RSA SHA256:abcdef";
        return e;
    }

    /// <summary>Runs the suite over events (sorted by time) and returns emitted alerts.</summary>
    public static (List<Alert> Alerts, AnalyticsSuite Suite) Run(IEnumerable<LogEvent> events, AnalyticsConfig? config = null, AssetInventory? assets = null, string? state = null)
    {
        var suite = AnalyticsSuite.Create(config ?? AnalyticsConfig.Load(null), assets, state);
        var alerts = new List<Alert>();
        foreach (var e in events.OrderBy(e => e.Time))
            foreach (var d in suite.Detectors) d.Process(e, alerts.Add);
        foreach (var d in suite.Detectors) d.Complete(alerts.Add);
        return (alerts, suite);
    }

    public static AssetInventory Assets(string csv) => AssetInventory.Parse(new StringReader(csv), "test.csv");
}
