using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Reading.ReadingTestSupport;

namespace Hopwatch.Tests.Reading;

/// <summary>Each reader on small inputs in the shape each source writes, including damage.</summary>
public class FormatReadingTests
{
    [Fact]
    public void AuthLogYearIsInferredAcrossNewYear()
    {
        // The file was last written in January 2024: December lines are 2023, January lines 2024.
        const string log = """
            Dec 31 23:59:58 bastion sshd[811]: Accepted publickey for alice from 10.0.0.5 port 51234 ssh2: ED25519 SHA256:abc
            Dec 31 23:59:59 bastion sudo:    alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/usr/bin/systemctl restart sshd
            Jan  1 00:00:01 bastion sshd[812]: Failed password for invalid user bob from ::ffff:10.0.0.9 port 4242 ssh2
            Jan  1 00:00:02 bastion sshd[812]: Invalid user bob from 10.0.0.9 port 4242
            Jan  1 00:00:03 bastion sshd[811]: Disconnected from user alice 10.0.0.5 port 51234
            """;
        var (events, diag) = ReadText(log, "auth.log", new EvidenceReadOptions { SyslogReferenceTime = new DateTime(2024, 1, 15, 0, 0, 0, DateTimeKind.Utc) });
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        Assert.Equal(5, events.Count);
        Assert.Equal(new DateTime(2023, 12, 31, 23, 59, 58, DateTimeKind.Utc), events[0].Time);
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 1, DateTimeKind.Utc), events[2].Time);
        Assert.All(events, e => Assert.Equal(SourceFormat.AuthLog, e.Format));
        Assert.Equal(new long[] { 1, 2, 3, 4, 5 }, events.Select(e => e.RecordId));

        var login = events[0];
        Assert.Equal((EventKind.SshLogin, "alice", "10.0.0.5", (int?)51234, "publickey", "bastion"), (login.Kind, login.UserName, login.SourceIp, login.SourcePort, login.AuthPackage, login.Host));
        var sudo = events[1];
        Assert.Equal((EventKind.Sudo, "alice", "/usr/bin/systemctl restart sshd"), (sudo.Kind, sudo.UserName, sudo.CommandLine));
        var failed = events[2];
        Assert.Equal((EventKind.SshFailedLogin, "bob", "10.0.0.9", "invalid user"), (failed.Kind, failed.UserName, failed.SourceIp, failed.FailureReason));
        Assert.Equal(EventKind.SshFailedLogin, events[3].Kind);
        Assert.Equal((EventKind.SshDisconnect, "alice"), (events[4].Kind, events[4].UserName));
    }

    [Fact]
    public void AuthLogYearFollowsTheReferenceWhenNoTurnOfYear()
    {
        var (events, _) = ReadText("Mar  3 10:00:00 web01 sshd[1]: Accepted password for root from 192.0.2.1 port 22 ssh2\n", "secure",
            new EvidenceReadOptions { SyslogReferenceTime = new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc) });
        Assert.Equal(new DateTime(2025, 3, 3, 10, 0, 0, DateTimeKind.Utc), Assert.Single(events).Time);
        // Referenced in February, a March line must be from the year before.
        (events, _) = ReadText("Mar  3 10:00:00 web01 sshd[1]: Accepted password for root from 192.0.2.1 port 22 ssh2\n", "secure",
            new EvidenceReadOptions { SyslogReferenceTime = new DateTime(2025, 2, 1, 0, 0, 0, DateTimeKind.Utc) });
        Assert.Equal(2024, Assert.Single(events).Time.Year);
    }

    [Fact]
    public void IsoAndRfc5424SyslogLinesKeepTheirZone()
    {
        const string log = """
            2024-03-05T10:11:12.345678+01:00 web01 sshd[22]: Accepted password for carol from 198.51.100.7 port 60000 ssh2
            <38>1 2024-03-05T09:11:13.000Z web01 sshd 22 - - Failed publickey for carol from 198.51.100.7 port 60001 ssh2
            """;
        var (events, diag) = ReadText(log);
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        Assert.Equal(new DateTime(2024, 3, 5, 9, 11, 12, 345, DateTimeKind.Utc).AddTicks(6780), events[0].Time);
        Assert.Equal(EventKind.SshLogin, events[0].Kind);
        Assert.Equal(SourceFormat.Syslog, events[1].Format);
        Assert.Equal((EventKind.SshFailedLogin, "carol", "web01"), (events[1].Kind, events[1].UserName, events[1].Host));
    }

    [Fact]
    public void JournalctlJsonReadsSshd()
    {
        const string journal = """
            {"__CURSOR":"s=1;i=2","__REALTIME_TIMESTAMP":"1709633472345678","_HOSTNAME":"web01","SYSLOG_IDENTIFIER":"sshd","_PID":"991","PRIORITY":"6","MESSAGE":"Accepted publickey for dave from 203.0.113.4 port 50022 ssh2: RSA SHA256:x"}
            {"__CURSOR":"s=1;i=3","__REALTIME_TIMESTAMP":"1709633473000000","_HOSTNAME":"web01","SYSLOG_IDENTIFIER":"systemd","_PID":"1","MESSAGE":"Started Session 4 of user dave."}
            """;
        var (events, diag) = ReadText(journal);
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        Assert.Equal(2, events.Count);
        var e = events[0];
        Assert.Equal(SourceFormat.Journald, e.Format);
        Assert.Equal(DateTime.UnixEpoch.AddTicks(1709633472345678 * 10), e.Time);
        Assert.Equal(("sshd", "web01", "journal"), (e.Provider, e.Computer, e.Channel));
        Assert.Equal((EventKind.SshLogin, "dave", "203.0.113.4", (long?)991), (e.Kind, e.UserName, e.SourceIp, e.ProcessId));
        Assert.Equal(EventKind.Other, events[1].Kind);
    }

    [Fact]
    public void DefenderJsonArrayNetworkEventsKeepDirection()
    {
        const string rows = """
            [
              {"Timestamp":"2024-05-01T10:00:00Z","DeviceName":"srv01.corp.local","ActionType":"InboundConnectionAccepted","RemoteIP":"::ffff:10.1.1.5","RemotePort":50123,"LocalIP":"10.1.1.9","LocalPort":3389,"Protocol":"Tcp","InitiatingProcessFolderPath":"c:\\windows\\system32\\svchost.exe","InitiatingProcessId":1200},
              {"Timestamp":"2024-05-01T10:00:01Z","DeviceName":"ws07.corp.local","ActionType":"ConnectionSuccess","RemoteIP":"10.1.1.9","RemotePort":445,"LocalIP":"10.1.1.5","LocalPort":50200,"Protocol":"Tcp","InitiatingProcessFolderPath":"c:\\tools\\psexec.exe","InitiatingProcessAccountName":"eve","InitiatingProcessAccountDomain":"corp"}
            ]
            """;
        var (events, diag) = ReadText(rows);
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        var inbound = events[0];
        Assert.Equal((SourceFormat.JsonDefender, "DeviceNetworkEvents", EventKind.NetworkConnection), (inbound.Format, inbound.Channel, inbound.Kind));
        Assert.Equal(("10.1.1.5", (int?)50123, "10.1.1.9", (int?)3389, "srv01.corp.local"), (inbound.SourceIp, inbound.SourcePort, inbound.DestinationIp, inbound.DestinationPort, inbound.DestinationHost));
        var outbound = events[1];
        Assert.Equal(("10.1.1.5", "10.1.1.9", (int?)445, "ws07.corp.local"), (outbound.SourceIp, outbound.DestinationIp, outbound.DestinationPort, outbound.SourceHost));
        Assert.Equal((@"c:\tools\psexec.exe", "eve", "corp"), (outbound.ProcessImage, outbound.UserName, outbound.UserDomain));
        Assert.Equal("10.1.1.9", outbound.Fields.Get("DestinationIp")); // Sysmon name added for Sigma
    }

    [Fact]
    public void DefenderProcessEventsMapToProcessStart()
    {
        const string line = """{"Timestamp":"2024-05-01T10:00:02Z","DeviceName":"srv01","ActionType":"ProcessCreated","FileName":"cmd.exe","FolderPath":"C:\\Windows\\System32\\cmd.exe","ProcessCommandLine":"cmd.exe /c whoami","ProcessId":4242,"AccountDomain":"corp","AccountName":"eve","InitiatingProcessFolderPath":"c:\\windows\\psexesvc.exe","InitiatingProcessCommandLine":"PSEXESVC.exe","InitiatingProcessId":4000}""";
        var (events, diag) = ReadText(line + "\n");
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        var e = Assert.Single(events);
        Assert.Equal((EventKind.ProcessStart, 4688, "DeviceProcessEvents"), (e.Kind, e.EventId, e.Channel));
        Assert.Equal((@"C:\Windows\System32\cmd.exe", "cmd.exe /c whoami", @"c:\windows\psexesvc.exe", (long?)4242, (long?)4000), (e.ProcessImage, e.CommandLine, e.ParentImage, e.ProcessId, e.ParentProcessId));
        Assert.Equal(("eve", "corp"), (e.UserName, e.UserDomain));
        Assert.Equal(@"C:\Windows\System32\cmd.exe", e.Fields.Get("Image"));
    }

    [Fact]
    public void SentinelWindowsEventExpandsItsEventDataObject()
    {
        const string line = """{"TimeGenerated":"2024-05-01T10:00:00Z","Computer":"dc01.corp.local","EventID":4769,"Channel":"Security","Provider":"Microsoft-Windows-Security-Auditing","EventData":{"TargetUserName":"eve@CORP.LOCAL","ServiceName":"cifs/srv01","IpAddress":"::ffff:10.1.1.5","IpPort":"50555","Status":"0x0","TicketEncryptionType":"0x17"},"Type":"WindowsEvent"}""";
        var (events, diag) = ReadText(line + "\n");
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        var e = Assert.Single(events);
        Assert.Equal((SourceFormat.JsonSentinel, EventKind.KerberosService), (e.Format, e.Kind));
        Assert.Equal(("eve", "corp.local", "10.1.1.5", "cifs/srv01", "Kerberos"), (e.UserName, e.UserDomain, e.SourceIp, e.ServiceName, e.AuthPackage));
        Assert.Equal("0x17", e.Fields.Get("TicketEncryptionType"));
    }

    [Fact]
    public void MalformedJsonLinesAreCountedWithTheirLineAndReadingGoesOn()
    {
        var good = File.ReadAllText(Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures", "logon.flat.jsonl")).Trim();
        var text = good + "\n{\"EventID\": 4624, \"Channel\": \"Security\", broken\n" + good + "\n[1,2]\n{\"no\":\"event\"}\n" + good + "\n";
        var (events, diag) = ReadText(text, "ship.jsonl");
        Assert.Equal(3, events.Count);
        Assert.Equal(3, diag.WarningCount);
        var w = diag.Warnings.ToList();
        Assert.Equal(("ship.jsonl", "line 2"), (w[0].File, w[0].Location));
        Assert.Contains("malformed JSON", w[0].Message);
        Assert.Equal("line 4", w[1].Location);
        Assert.Equal("line 5", w[2].Location);
        Assert.Contains("not a known event layout", w[2].Message);
    }

    [Fact]
    public void MalformedXmlEventIsSkippedWithItsLine()
    {
        var good = File.ReadAllText(Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures", "logon.xml"));
        int at = good.IndexOf("<Event ", StringComparison.Ordinal);
        int end = good.IndexOf("</Events>", StringComparison.Ordinal);
        var one = good[at..end].Trim();
        var broken = one.Replace("<EventID>4624</EventID>", "<EventID>4624</EventId>");
        var text = "<Events>\n" + one + "\n" + broken + "\n" + one + "\n</Events>\n";
        var (events, diag) = ReadText(text, "export.xml");
        Assert.Equal(2, events.Count);
        var w = Assert.Single(diag.Warnings);
        Assert.Equal("line 3", w.Location);
        Assert.Contains("malformed event XML", w.Message);
    }

    [Fact]
    public void MalformedCsvRowAndSyslogLineAreCounted()
    {
        var (events, diag) = ReadText("Jan  1 00:00:01 h sshd[1]: Accepted password for a from 10.0.0.1 port 2 ssh2\nthis is not syslog\n", "auth.log",
            new EvidenceReadOptions { SyslogReferenceTime = new DateTime(2024, 2, 1) });
        Assert.Single(events);
        Assert.Equal("line 2", Assert.Single(diag.Warnings).Location);

        const string csv = "Timestamp,DeviceName,ActionType,LogonType,AccountName,RemoteIP\n2024-01-01T00:00:00Z,h1,LogonSuccess,Network,a,10.0.0.1\n2024-01-01T00:00:01Z,h1,LogonSuccess\n2024-01-01T00:00:02Z,h1,LogonFailed,Network,b,10.0.0.2\n";
        (events, diag) = ReadText(csv, "logons.csv");
        Assert.Equal(3, events.Count);
        Assert.Equal("line 3", Assert.Single(diag.Warnings).Location);
        Assert.Equal(EventKind.FailedLogon, events[2].Kind);
    }

    [Fact]
    public void UnrecognisedFileIsReportedOnce()
    {
        var (events, diag) = ReadText("hello world\nthis is a note, not a log\n", "notes.txt");
        Assert.Empty(events);
        Assert.Equal(1, diag.UnrecognisedFileCount);
        var w = Assert.Single(diag.Warnings);
        Assert.Equal("notes.txt", w.File);
        Assert.Contains("not recognised", w.Message);
    }

    [Fact]
    public void FormatIsDetectedByContentNotName()
    {
        var xml = File.ReadAllBytes(Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures", "logon.xml"));
        var (events, diag) = ReadBytes(xml, "misleading.json");
        Assert.Equal(SourceFormat.WindowsXml, Assert.Single(events).Format);
        Assert.Equal(0, diag.WarningCount);
        // UTF-16 (PowerShell's default redirection) is transcoded.
        (events, diag) = ReadBytes(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(xml))).ToArray(), "utf16.xml");
        Assert.Equal(4624, Assert.Single(events).EventId);
    }

    [Fact]
    public void ForcedFormatOverridesDetection()
    {
        // Without --input-format this line is a syslog line; forced to JSON it is a malformed JSON line.
        var (events, diag) = ReadText("Jan  1 00:00:01 h sshd[1]: hello\n", "x", new EvidenceReadOptions { Format = SourceFormat.JsonFlat });
        Assert.Empty(events);
        Assert.Equal(1, diag.WarningCount);
        Assert.Equal(SourceFormat.JsonFlat, InputFormats.Parse("jsonl"));
        Assert.Equal(SourceFormat.JsonEcs, InputFormats.Parse("JsonEcs"));
        Assert.Null(InputFormats.Parse("nonsense"));
    }
}

/// <summary>Older shipper layouts still reach the canonical names.</summary>
public class LegacyLayoutTests
{
    [Fact]
    public void Winlogbeat6FlatLayoutMapsEventData()
    {
        const string line = """{"@timestamp":"2019-05-18T20:19:22.000Z","beat":{"name":"wec"},"event_id":4625,"log_name":"Security","computer_name":"WS01.corp.local","source_name":"Microsoft-Windows-Security-Auditing","record_number":"9912","event_data":{"TargetUserName":"admin","TargetDomainName":"CORP","LogonType":"3","IpAddress":"10.9.9.9","IpPort":"50000","Status":"0xc000006d","SubStatus":"0xc000006a","FailureReason":"%%2313","AuthenticationPackageName":"NTLM","WorkstationName":"KALI"}}""";
        var (events, diag) = ReadText(line + "\n");
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        var e = Assert.Single(events);
        Assert.Equal((SourceFormat.JsonFlat, 4625, "Security", 9912L), (e.Format, e.EventId, e.Channel, e.RecordId));
        Assert.Equal((EventKind.FailedLogon, "admin", "corp", "10.9.9.9", "kali", "NTLM", "0xc000006a"),
            (e.Kind, e.UserName, e.UserDomain, e.SourceIp, e.SourceHost, e.AuthPackage, e.SubStatus));
        Assert.Equal("ws01", e.HostShort);
    }
}
