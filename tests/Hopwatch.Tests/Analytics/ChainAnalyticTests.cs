using Hopwatch.Analytics;
using Hopwatch.Events;

namespace Hopwatch.Tests.Analytics;

public class ChainAnalyticTests
{
    private static readonly string[] Hosts = { "ws01", "fs01", "fs02", "app01", "app02", "sql01", "fs03", "mgmt01", "dc01" };
    private static string Ip(string host) => "10.1.0." + (Array.IndexOf(Hosts, host) + 10);

    /// <summary>Reference 000, alert 1: a service account RDPs through 8 systems in 35 min, ending at a DC.</summary>
    private static List<LogEvent> Chain(double gapMinutes, int startHour = 13)
    {
        var events = new List<LogEvent>();
        for (int i = 1; i < Hosts.Length; i++)
        {
            var t = Ev.At(startHour, (i - 1) * gapMinutes);
            var src = Hosts[i - 1];
            var dst = Hosts[i];
            events.Add(Ev.Logon(t, dst, "da_svc_backup", Ip(src), 3, src));          // NLA network logon
            events.Add(Ev.Logon(t.AddSeconds(2), dst, "da_svc_backup", Ip(src), 10, src));
            events.Add(Ev.Rdp1149(t.AddSeconds(1), dst, "da_svc_backup", Ip(src)));
        }
        return events;
    }

    private const string AssetCsv = "host,ip,role,owner,department\ndc01,10.1.0.18,dc,it,IT\nws01,10.1.0.10,workstation,bob,Finance\n";

    [Fact]
    public void EightHopRdpChainEndingAtDcIsOneCriticalAlertWithThePath()
    {
        var (alerts, _) = Ev.Run(Chain(5), assets: Ev.Assets(AssetCsv));
        var chain = Assert.Single(alerts, a => a.Analytic == "rdp-chain");
        Assert.Equal("hopwatch.rdp-chain", chain.RuleId);
        Assert.Contains("T1021.001", chain.Techniques);
        Assert.Equal(Severity.Critical, chain.Severity);
        Assert.Equal(Hosts, (List<string>)chain.Details!["path"]!);
        Assert.Equal(8, chain.Details["hop_count"]);
        Assert.Equal(35.0, (double)chain.Details["duration_minutes"]!, 0);
        Assert.True((bool)chain.Details["ends_at_domain_controller"]!);
        Assert.Equal(new[] { "da_svc_backup" }, chain.Entities.Users);
        Assert.Contains("dc01", chain.Description);
        Assert.Contains("ws01", chain.Description);
        Assert.Equal(24, chain.Evidence.Count);
        Assert.Equal(32, chain.Id.Length);
        Assert.DoesNotContain(alerts, a => a.Analytic == "logon-chain");
    }

    [Fact]
    public void SameHopsHoursApartAreNoChain()
    {
        var (alerts, _) = Ev.Run(Chain(180), assets: Ev.Assets(AssetCsv));
        Assert.DoesNotContain(alerts, a => a.Analytic is "rdp-chain" or "logon-chain");
    }

    [Fact]
    public void TwoHopsAreBelowTheThreshold()
    {
        var events = Chain(5).Where(e => e.HostShort is "fs01" or "fs02").ToList();
        var (alerts, _) = Ev.Run(events);
        Assert.DoesNotContain(alerts, a => a.Analytic is "rdp-chain" or "logon-chain");
    }

    [Fact]
    public void ChainMayContinueWithAnAccountFirstSeenOnThePreviousHop()
    {
        var events = new List<LogEvent>
        {
            Ev.Logon(Ev.At(10), "b", "alice", "10.0.0.1", 3, "a"),
            Ev.Logon(Ev.At(10, 3), "c", "alice", "10.0.0.2", 3, "b"),
            // On c, bob's credentials show up (explicit credentials), then bob moves on from c.
            Ev.Logon(Ev.At(10, 5), "c", "bob", null, 2),
            Ev.Logon(Ev.At(10, 8), "d", "bob", "10.0.0.3", 3, "c"),
        };
        var (alerts, _) = Ev.Run(events);
        var chain = Assert.Single(alerts, a => a.Analytic == "logon-chain");
        Assert.Equal(new[] { "a", "b", "c", "d" }, (List<string>)chain.Details!["path"]!);
        Assert.Equal(new[] { "alice", "bob" }, chain.Entities.Users);
    }

    [Fact]
    public void ChainFromAnAllowlistedJumpHostIsSuppressedWithReason()
    {
        var config = AnalyticsConfig.Load(null);
        config.Allowlist.JumpHosts.Hosts.Add("ws01");
        var (alerts, suite) = Ev.Run(Chain(5), config);
        Assert.DoesNotContain(alerts, a => a.Analytic == "rdp-chain");
        var s = Assert.Single(suite.Suppressed, x => x.Alert.Analytic == "rdp-chain");
        Assert.Contains("jump_hosts", s.Reason);
    }
}
