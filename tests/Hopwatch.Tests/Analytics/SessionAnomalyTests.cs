using Hopwatch.Analytics;
using Hopwatch.Events;

namespace Hopwatch.Tests.Analytics;

public class SessionAnomalyTests
{
    [Fact]
    public void RdpFromInsideAnRdpSessionIsNesting()
    {
        var events = new List<LogEvent>
        {
            Ev.Logon(Ev.At(10), "b", "alice", "10.8.0.1", 10, "a"),
            Ev.Logon(Ev.At(10, 20), "c", "alice", "10.8.0.2", 10, "b"),
        };
        var (alerts, _) = Ev.Run(events);
        var n = Assert.Single(alerts, x => x.Analytic == "rdp-nesting");
        Assert.Contains("T1021.001", n.Techniques);
        Assert.Equal("nested", n.Details!["kind"]);
        Assert.Contains("c", n.Entities.TargetHosts);
    }

    [Fact]
    public void TwoRdpSessionsFromTheSameWorkstationAreNotNested()
    {
        var events = new List<LogEvent>
        {
            Ev.Logon(Ev.At(10), "b", "alice", "10.8.0.1", 10, "a"),
            Ev.Logon(Ev.At(10, 20), "c", "alice", "10.8.0.1", 10, "a"),
        };
        var (alerts, _) = Ev.Run(events);
        Assert.DoesNotContain(alerts, x => x.Analytic == "rdp-nesting");
    }

    [Fact]
    public void NestingOnAnAllowlistedJumpHostIsSuppressed()
    {
        var config = AnalyticsConfig.Load(null);
        config.Allowlist.JumpHosts.Hosts.Add("b");
        var events = new List<LogEvent>
        {
            Ev.Logon(Ev.At(10), "b", "alice", "10.8.0.1", 10, "a"),
            Ev.Logon(Ev.At(10, 20), "c", "alice", "10.8.0.2", 10, "b"),
        };
        var (alerts, suite) = Ev.Run(events, config);
        Assert.DoesNotContain(alerts, x => x.Analytic == "rdp-nesting");
        Assert.Contains(suite.Suppressed, s => s.Alert.Analytic == "rdp-nesting" && s.Reason.Contains("jump_hosts"));
    }

    [Fact]
    public void RdpFromLoopbackIsATunnel()
    {
        var (alerts, _) = Ev.Run(new[] { Ev.Rdp1149(Ev.At(12), "srv30", "bob", "127.0.0.1") });
        var n = Assert.Single(alerts, x => x.Analytic == "rdp-nesting");
        Assert.Equal("loopback", n.Details!["kind"]);
        Assert.Equal(Severity.High, n.Severity);
    }

    [Fact]
    public void RdpFromOutsideAdminSubnetsIsReportedOnlyWhenSubnetsAreConfigured()
    {
        var e = Ev.Logon(Ev.At(12), "srv31", "bob", "10.9.9.9", 10, "ws99");
        var (none, _) = Ev.Run(new[] { e });
        Assert.DoesNotContain(none, x => x.Analytic == "rdp-nesting");
        var config = AnalyticsConfig.Load(null);
        config.RdpNesting.AdminSubnets.Add("10.1.0.0/16");
        var (alerts, _) = Ev.Run(new[] { e }, config);
        Assert.Single(alerts, x => x.Analytic == "rdp-nesting" && (string)x.Details!["kind"]! == "outside-admin-subnets");
        config.RdpNesting.AdminSubnets[0] = "10.9.0.0/16";
        var (inside, _) = Ev.Run(new[] { e }, config);
        Assert.DoesNotContain(inside, x => x.Analytic == "rdp-nesting");
    }

    [Fact]
    public void InternalSshIsLateralAndInternetSshIsNot()
    {
        var (alerts, _) = Ev.Run(new[] { Ev.Ssh(Ev.At(13), "web01", "deploy", "10.10.0.4") });
        var s = Assert.Single(alerts, x => x.Analytic == "ssh-lateral");
        Assert.Contains("T1021.004", s.Techniques);
        Assert.Equal("RSA SHA256:abcdef", s.Details!["key"]);
        var (none, _) = Ev.Run(new[] { Ev.Ssh(Ev.At(13), "web01", "deploy", "203.0.113.4") });
        Assert.DoesNotContain(none, x => x.Analytic == "ssh-lateral");
        var config = AnalyticsConfig.Load(null);
        config.SshLateral.UsualAccounts.Add("deploy");
        var (usual, _) = Ev.Run(new[] { Ev.Ssh(Ev.At(13), "web01", "deploy", "10.10.0.4") }, config);
        Assert.DoesNotContain(usual, x => x.Analytic == "ssh-lateral");
    }

    [Fact]
    public void VncPortConnectionIsVncAndOtherPortsAreNot()
    {
        var (alerts, _) = Ev.Run(new[] { Ev.Connection(Ev.At(14), "ws40", "10.11.0.40", "10.11.0.41", 5900, true, @"C:\Tools\tvnviewer.exe") });
        var v = Assert.Single(alerts, x => x.Analytic == "vnc");
        Assert.Contains("T1021.005", v.Techniques);
        Assert.Contains("ws40", v.Entities.SourceHosts);
        var (none, _) = Ev.Run(new[] { Ev.Connection(Ev.At(14), "ws40", "10.11.0.40", "10.11.0.41", 5000, true) });
        Assert.DoesNotContain(none, x => x.Analytic == "vnc");
    }

    [Fact]
    public void RarePathAlertsOnlyAfterLearningAndOnlyOnNewPaths()
    {
        var config = AnalyticsConfig.Load(null);
        config.RarePath.LearningDays = 1;
        var events = new List<LogEvent>
        {
            Ev.Logon(Ev.At(9, 0, 0), "srv50", "alice", "10.12.0.1", 3, "ws50"),  // learning
            Ev.Logon(Ev.At(9, 0, 2), "srv50", "alice", "10.12.0.1", 3, "ws50"),  // usual
            Ev.Logon(Ev.At(9, 30, 2), "srv51", "mallory", "10.12.0.1", 3, "ws50"), // new pair, new account on host, new hour
        };
        var (alerts, _) = Ev.Run(events, config);
        var r = Assert.Single(alerts, x => x.Analytic == "rare-path");
        Assert.Equal(new[] { "mallory" }, r.Entities.Users);
        Assert.Equal(3, ((List<string>)r.Details!["novelties"]!).Count);
    }

    [Fact]
    public void RarePathBaselinePersistsInTheStateFile()
    {
        var dir = Directory.CreateTempSubdirectory("hopwatch-state-");
        try
        {
            var state = Path.Combine(dir.FullName, "baseline.sqlite");
            var config = AnalyticsConfig.Load(null);
            config.RarePath.LearningDays = 1;
            // Build: a week of usual activity.
            using (var builder = AnalyticsSuite.CreateBaselineBuilder(config, null, state))
            {
                var sink = new List<Alert>();
                for (int d = 0; d < 7; d++)
                    builder.Detectors[0].Process(Ev.Logon(Ev.At(9, 0, d), "srv60", "alice", "10.13.0.1", 3, "ws60"), sink.Add);
                builder.Detectors[0].Complete(sink.Add);
                builder.SaveState();
                Assert.DoesNotContain(sink, a => a.Analytic == "rare-path");
            }
            // Hunt later: the usual path is quiet, a new one alerts at once (the state covers the learning period).
            var later = new List<LogEvent>
            {
                Ev.Logon(Ev.At(9, 5, 10), "srv60", "alice", "10.13.0.1", 3, "ws60"),
                Ev.Logon(Ev.At(9, 10, 10), "srv61", "alice", "10.13.0.1", 3, "ws60"),
            };
            var (alerts, suite) = Ev.Run(later, config, state: state);
            suite.Dispose();
            var r = Assert.Single(alerts, x => x.Analytic == "rare-path");
            Assert.Equal(new[] { "srv61" }, r.Entities.TargetHosts);
        }
        finally { dir.Delete(true); }
    }
}
