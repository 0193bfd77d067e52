using Hopwatch.Analytics;
using Hopwatch.Events;

namespace Hopwatch.Tests.Analytics;

public class FanOutAndCredentialTests
{
    private static List<LogEvent> TwelveServers(string sourceIp, int hour = 14, bool ntlmLocal = false, bool adminShare = false)
    {
        var events = new List<LogEvent>();
        for (int i = 0; i < 12; i++)
        {
            var t = Ev.At(hour, i * 0.6);
            var server = "srv" + i.ToString("00");
            var id = "0x" + (0xa000 + i).ToString("x");
            events.Add(ntlmLocal ? Ev.NtlmLogon(t, server, "local_admin", sourceIp, server, id) : Ev.Logon(t, server, "jdoe", sourceIp, 3, logonId: id));
            if (adminShare) events.Add(Ev.Share(t.AddSeconds(1), server, "local_admin", sourceIp, "C$", @"\", id));
        }
        return events;
    }

    [Fact]
    public void TwelveServersInEightMinutesIsOneFanOut()
    {
        var (alerts, _) = Ev.Run(TwelveServers("10.2.0.50"));
        var f = Assert.Single(alerts, a => a.Analytic == "fan-out");
        Assert.Equal(12, f.Entities.TargetHosts.Count);
        Assert.Equal(12, f.Details!["target_count"]);
        Assert.Contains("T1021.002", f.Techniques);
        Assert.Contains("10.2.0.50", f.Entities.SourceIps);
        Assert.Equal(Severity.High, f.Severity);
    }

    [Fact]
    public void SameFanOutFromAnAllowlistedScannerIsSuppressedWithReason()
    {
        var config = AnalyticsConfig.Load(null);
        config.Allowlist.Scanners.Hosts.Add("10.2.0.0/24");
        var (alerts, suite) = Ev.Run(TwelveServers("10.2.0.50"), config);
        Assert.DoesNotContain(alerts, a => a.Analytic == "fan-out");
        var s = Assert.Single(suite.Suppressed, x => x.Alert.Analytic == "fan-out");
        Assert.Contains("scanners", s.Reason);
        Assert.Equal(1, suite.SuppressedCount);
    }

    [Fact]
    public void ScannerRoleFromTheAssetInventorySuppressesToo()
    {
        var (alerts, suite) = Ev.Run(TwelveServers("10.2.0.50"), assets: Ev.Assets("host,ip,role\nnessus01,10.2.0.50,scanner\n"));
        Assert.DoesNotContain(alerts, a => a.Analytic == "fan-out");
        Assert.Contains(suite.Suppressed, x => x.Alert.Analytic == "fan-out" && x.Reason.Contains("scanner"));
    }

    [Fact]
    public void SameTargetsOverAnHourAreNoFanOut()
    {
        var events = TwelveServers("10.2.0.50");
        for (int i = 0; i < events.Count; i++) events[i].Time = Ev.At(14, i * 6);
        var (alerts, _) = Ev.Run(events);
        Assert.DoesNotContain(alerts, a => a.Analytic == "fan-out");
    }

    [Fact]
    public void OffHoursRaisesSeverityButALoneOffHoursLogonDoesNotFire()
    {
        var (day, _) = Ev.Run(TwelveServers("10.2.0.50", hour: 14));
        var (night, _) = Ev.Run(TwelveServers("10.2.0.50", hour: 2));
        Assert.Equal(Severity.High, day.Single(a => a.Analytic == "fan-out").Severity);
        var n = night.Single(a => a.Analytic == "fan-out");
        Assert.Equal(Severity.Critical, n.Severity);
        Assert.Contains((List<string>)n.Details!["severity_raised_by"]!, r => r.Contains("off-hours"));

        var (lone, _) = Ev.Run(new[] { Ev.Logon(Ev.At(3), "srv01", "administrator", "10.2.0.9", 10, "ws9") });
        Assert.DoesNotContain(lone, a => a.Analytic != "ssh-lateral");
    }

    /// <summary>Reference 000, alert 3: NTLM to C$ on 12 servers from one workstation in 8 minutes as local_admin.</summary>
    [Fact]
    public void LocalAdminNtlmToAdminSharesOnTwelveServersIsCriticalPassTheHash()
    {
        var (alerts, _) = Ev.Run(TwelveServers("10.2.0.77", ntlmLocal: true, adminShare: true));
        var p = Assert.Single(alerts, a => a.Analytic == "pass-the-hash");
        Assert.Equal("hopwatch.pass-the-hash", p.RuleId);
        Assert.Contains("T1550.002", p.Techniques);
        Assert.Equal(Severity.Critical, p.Severity);
        Assert.Equal(12, p.Details!["target_count"]);
        Assert.Contains("C$", (List<string>)p.Details["shares"]!);
        Assert.Contains("local_admin", p.Description);
    }

    [Fact]
    public void KerberosLogonsOfADomainAccountAreNoPassTheHash()
    {
        var (alerts, _) = Ev.Run(TwelveServers("10.2.0.77"));
        Assert.DoesNotContain(alerts, a => a.Analytic == "pass-the-hash");
    }

    [Fact]
    public void NtlmWhereTheAccountHadKerberosTicketsIsNoPassTheHash()
    {
        var events = new List<LogEvent>
        {
            Ev.Kerberos(Ev.At(9), "dc01", "alice", "10.3.0.5", tgt: true),
            Ev.NtlmLogon(Ev.At(10), "srv01", "alice", "10.3.0.5", "corp"),
        };
        var (alerts, _) = Ev.Run(events);
        Assert.DoesNotContain(alerts, a => a.Analytic == "pass-the-hash");
        // Same NTLM logon by an account the DCs never issued a ticket to, while Kerberos is in use.
        events.Add(Ev.NtlmLogon(Ev.At(10, 1), "srv01", "bob", "10.3.0.6", "corp"));
        var (alerts2, _) = Ev.Run(events);
        var p = Assert.Single(alerts2, a => a.Analytic == "pass-the-hash");
        Assert.Equal(new[] { "bob" }, p.Entities.Users);
    }

    [Fact]
    public void SeclogoLogonTypeNineIsPassTheHashTooling()
    {
        var e = Ev.Logon(Ev.At(11), "pc01", "user01", "::1", 9, auth: "Negotiate", logonProcess: "seclogo");
        var (alerts, _) = Ev.Run(new[] { e });
        var p = Assert.Single(alerts, a => a.Analytic == "pass-the-hash");
        Assert.Equal(Severity.High, p.Severity);
        var (none, _) = Ev.Run(new[] { Ev.Logon(Ev.At(11), "pc01", "user01", "::1", 9, auth: "Negotiate", logonProcess: "Advapi") });
        Assert.DoesNotContain(none, a => a.Analytic == "pass-the-hash");
    }

    [Fact]
    public void TicketUsedFromAHostThatNeverRequestedItIsPassTheTicket()
    {
        var events = new List<LogEvent>
        {
            Ev.Kerberos(Ev.At(0), "dc01", "krbuser", "10.4.0.1", tgt: true),   // DC logs start
            Ev.Kerberos(Ev.At(1), "dc01", "alice", "10.4.0.5", tgt: true),
            Ev.Kerberos(Ev.At(11), "dc01", "alice", "10.4.0.5", tgt: false, "cifs/fs01"),
        };
        var (clean, _) = Ev.Run(events);
        Assert.DoesNotContain(clean, a => a.Analytic == "pass-the-ticket");
        events.Add(Ev.Kerberos(Ev.At(11, 5), "dc01", "alice", "10.4.0.99", tgt: false, "cifs/fs02"));
        var (alerts, _) = Ev.Run(events);
        var p = Assert.Single(alerts, a => a.Analytic == "pass-the-ticket");
        Assert.Contains("T1550.003", p.Techniques);
        Assert.Contains("10.4.0.99", p.Entities.SourceIps);
        Assert.Equal(new[] { "10.4.0.5" }, (List<string>)p.Details!["tgt_requested_from"]!);
    }

    [Fact]
    public void FailuresThenSuccessIsBruteForceAndFewFailuresAreNot()
    {
        var events = Enumerable.Range(0, 6).Select(i => Ev.Failed(Ev.At(9, i * 0.5), "srv01", "jdoe", "10.5.0.5")).ToList();
        events.Add(Ev.Logon(Ev.At(9, 4), "srv01", "jdoe", "10.5.0.5", 10, "ws5"));
        var (alerts, _) = Ev.Run(events);
        var b = Assert.Single(alerts, a => a.Analytic == "bruteforce-then-success");
        Assert.Contains("T1110", b.Techniques);
        Assert.Contains("T1021.001", b.Techniques);
        Assert.Equal(7, b.Evidence.Count);

        var few = events.Skip(3).ToList();
        var (none, _) = Ev.Run(few);
        Assert.DoesNotContain(none, a => a.Analytic == "bruteforce-then-success");
    }
}
