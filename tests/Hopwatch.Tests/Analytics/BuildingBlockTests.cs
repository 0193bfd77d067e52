using Hopwatch.Analytics;
using Hopwatch.Events;
using Hopwatch.Pipeline;

namespace Hopwatch.Tests.Analytics;

public class BuildingBlockTests
{
    [Fact]
    public void EmbeddedConfigMatchesTheCodeDefaults()
    {
        var fromYaml = AnalyticsConfig.Load(null);
        var fromCode = new AnalyticsConfig();
        var json = (AnalyticsConfig c) => System.Text.Json.JsonSerializer.Serialize(c);
        Assert.Equal(json(fromCode), json(fromYaml));
        var yml = File.ReadAllText(Path.Combine(Support.SharedData.RepoRoot, "config", "analytics.yml"));
        Assert.Equal(yml, AnalyticsConfig.DefaultYaml());
    }

    [Fact]
    public void ConfigOverridesKeysAndRejectsUnknownOnes()
    {
        var c = AnalyticsConfig.Parse("fan_out:\n  min_targets: 3\nallowlist:\n  scanners:\n    hosts: [nessus01]\n", "t.yml");
        Assert.Equal(3, c.FanOut.MinTargets);
        Assert.Equal(10, c.FanOut.WindowMinutes);
        Assert.Equal(new[] { "nessus01" }, c.Allowlist.Scanners.Hosts);
        var e = Assert.Throws<AnalyticsConfigException>(() => AnalyticsConfig.Parse("fan_out:\n  min_targetz: 3\n", "t.yml"));
        Assert.Contains("t.yml", e.Message);
        Assert.Throws<AnalyticsConfigException>(() => AnalyticsConfig.Parse("disabled: [no-such]\n", "t.yml"));
        Assert.Throws<AnalyticsConfigException>(() => AnalyticsConfig.Load("/nonexistent/analytics.yml"));
    }

    [Fact]
    public void DisabledAnalyticDoesNotFire()
    {
        var c = AnalyticsConfig.Parse("disabled: [vnc]\n", "t.yml");
        var (alerts, _) = Ev.Run(new[] { Ev.Connection(Ev.At(14), "ws40", "10.11.0.40", "10.11.0.41", 5900, true) }, c);
        Assert.DoesNotContain(alerts, a => a.Analytic == "vnc");
    }

    [Fact]
    public void AssetInventoryParsesRolesAndWarnsOnBadRows()
    {
        var inv = Ev.Assets("Host,IP,Role,Owner,Department\nWS-HR-007.corp.local,10.0.0.7,workstation,carol,HR\njump1,10.0.0.8,Jump Host,,IT\nbad,999.1.1.1,spaceship,,\n");
        Assert.Equal(AssetRole.Workstation, inv.RoleOf("ws-hr-007"));
        Assert.Equal("HR", inv.ByIp("10.0.0.7")!.Department);
        Assert.Equal(AssetRole.Jump, inv.RoleOf("10.0.0.8"));
        Assert.Equal(2, inv.Warnings.Count);
        Assert.Throws<FormatException>(() => Ev.Assets("name,ip\nx,1.2.3.4\n"));
        Assert.Throws<FileNotFoundException>(() => AssetInventory.Load("/nonexistent/assets.csv"));
    }

    [Fact]
    public void HostIdentityFollowsAddressesOverTime()
    {
        var id = new HostIdentity(null);
        id.Bind("10.0.0.5", "pc1", Ev.At(8));
        id.Bind("10.0.0.5", "pc2", Ev.At(14));
        Assert.Equal("pc1", id.Resolve("10.0.0.5", Ev.At(10)));
        Assert.Equal("pc2", id.Resolve("10.0.0.5", Ev.At(15)));
        Assert.Null(id.Resolve("10.0.0.6", Ev.At(15)));
        // A machine account's TGT request names its address.
        var k = Ev.Kerberos(Ev.At(9), "dc01", "PC9$", "10.0.0.9", tgt: true);
        id.Observe(k, "dc01");
        Assert.Equal("pc9", id.Resolve("10.0.0.9", Ev.At(9)));
        Assert.True(id.IsDomainController("dc01"));
    }

    [Fact]
    public void StateExpiresAcrossLargeTimeJumps()
    {
        // Evidence from different years in one run: every table expires and rebinds without failing.
        var events = new List<LogEvent>();
        for (int y = 0; y < 3; y++)
            for (int i = 0; i < 50; i++)
            {
                var t = Ev.At(10, i, y * 400);
                events.Add(Ev.Logon(t, "srv" + (i % 5), "u" + i, "10.20.0." + (i % 7), 3, "ws" + (i % 7)));
                events.Add(Ev.Connection(t, "ws" + (i % 7), "10.20.0." + (i % 7), "10.20.1.1", 445, true, @"C:\x.exe"));
                events.Add(Ev.Kerberos(t, "dc01", "ws" + (i % 7) + "$", "10.20.0." + (i % 7), tgt: true));
            }
        var (alerts, suite) = Ev.Run(events);
        Assert.True(suite.StateSize < 200, "state should have expired between years: " + suite.StateSize);
    }

    [Fact]
    public void SessionsJoinPrivilegesAndProcessesByLogonId()
    {
        var t = new LogonSessionTracker(TimeSpan.FromHours(1));
        var id = new HostIdentity(null);
        var logon = Ev.Logon(Ev.At(10), "srv1", "bob", "10.0.0.2", 3, "ws2", logonId: "0x00000000000ABC");
        t.Observe(logon, "srv1", id);
        var priv = Ev.Base(Ev.At(10), "srv1", EventKind.SpecialPrivileges, 4672);
        priv.LogonId = "0xabc";
        t.Observe(priv, "srv1", id);
        var s = t.Find("srv1", "0xABC");
        Assert.NotNull(s);
        Assert.True(s!.Privileged);
        Assert.Equal("ws2", s.Source);
        t.Expire(Ev.At(12));
        Assert.Null(t.Find("srv1", "0xabc"));
    }

    [Fact]
    public void TimeOrderedMergeOrdersStreamsAndToleratesSkew()
    {
        LogEvent E(int minute) => Ev.Base(Ev.At(10, minute), "h", EventKind.Other, 1);
        var a = new[] { E(0), E(3), E(2), E(9) };          // one event 1 min out of order
        var b = new[] { E(1), E(4), E(5) };
        var merge = new TimeOrderedMerge(TimeSpan.FromMinutes(2));
        var times = merge.Merge(new[] { a, b }).Select(e => e.Time.Minute).ToList();
        Assert.Equal(new[] { 0, 1, 2, 3, 4, 5, 9 }, times);
        Assert.Equal(0, merge.LateEvents);
        var late = new TimeOrderedMerge(TimeSpan.FromMinutes(1));
        var out2 = late.Reorder(new[] { E(0), E(5), E(6), E(1) }).Select(e => e.Time.Minute).ToList();
        Assert.Equal(new[] { 0, 5, 1, 6 }, out2);
        Assert.Equal(1, late.LateEvents);
    }

    [Fact]
    public void SameEvidenceGivesTheSameAlertIds()
    {
        List<LogEvent> Make() => Enumerable.Range(0, 10).Select(i => Ev.Logon(Ev.At(14, i * 0.5), "srv" + i, "jdoe", "10.2.0.50", 3)).ToList();
        var events = Make();
        var (a1, _) = Ev.Run(events);
        var (a2, _) = Ev.Run(events);
        Assert.NotEmpty(a1);
        Assert.Equal(a1.Select(a => a.Id), a2.Select(a => a.Id));
    }

    [Fact]
    public void IpsCleanPortsAndClassify()
    {
        Assert.Equal("10.0.2.16", Ips.Clean("[10.0.2.16]:59407"));
        Assert.Equal("10.0.2.16", Ips.Clean("10.0.2.16:52202"));
        Assert.Equal("10.0.0.1", Ips.Clean("::ffff:10.0.0.1"));
        Assert.Null(Ips.Clean("-"));
        Assert.Null(Ips.Clean("LOCAL"));
        Assert.True(Ips.InCidr("10.1.2.3", "10.1.0.0/16"));
        Assert.False(Ips.InCidr("10.2.2.3", "10.1.0.0/16"));
        Assert.True(Ips.IsInternal("192.168.1.1"));
        Assert.False(Ips.IsInternal("8.8.8.8"));
    }
}
