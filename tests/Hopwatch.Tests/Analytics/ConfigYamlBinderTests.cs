using Hopwatch.Analytics;

namespace Hopwatch.Tests.Analytics;

/// <summary>The analytics config file binds every value type it uses, and names the line of a mistake.</summary>
public class ConfigYamlBinderTests
{
    [Fact]
    public void EveryValueKindOverridesItsDefault()
    {
        var c = AnalyticsConfig.Parse("""
            disabled: [vnc, rare-path]
            context:
              off_hours_start: 22
              utc_offset_hours: -5.5
              domain_controllers: [dc01, "dc02"]
            rdp_chain:
              include_network_logons: false
              max_hop_gap_minutes: 7.25
            fan_out:
              ports: [22, 3389]
            winrm_exec:
              min_targets_raise: 9
            bruteforce_then_success:
              min_failures: 12
            allowlist:
              jump_hosts:
                hosts: [jump1, 10.0.0.0/24]
                analytics: [fan-out]
              service_accounts:
                accounts: ["svc_*"]
            """, "t.yml");
        Assert.Equal(new[] { "vnc", "rare-path" }, c.Disabled);
        Assert.Equal(22, c.Context.OffHoursStart);
        Assert.Equal(5, c.Context.OffHoursEnd); // left out: default
        Assert.Equal(-5.5, c.Context.UtcOffsetHours);
        Assert.Equal(new[] { "dc01", "dc02" }, c.Context.DomainControllers);
        Assert.Contains("*admin*", c.Context.PrivilegedNamePatterns);
        Assert.False(c.RdpChain.IncludeNetworkLogons);
        Assert.Equal(7.25, c.RdpChain.MaxHopGapMinutes);
        Assert.Equal(3, c.RdpChain.MinHops);
        Assert.Equal(new[] { 22, 3389 }, c.FanOut.Ports);
        Assert.Equal(9, c.WinrmExec.MinTargetsRaise);
        Assert.Equal(12, c.BruteforceThenSuccess.MinFailures);
        Assert.Equal(new[] { "jump1", "10.0.0.0/24" }, c.Allowlist.JumpHosts.Hosts);
        Assert.Equal(new[] { "fan-out" }, c.Allowlist.JumpHosts.Analytics);
        Assert.Equal(new[] { "svc_*" }, c.Allowlist.ServiceAccounts.Accounts);
        // a list named without `analytics` silences its documented default analytics
        Assert.Contains("winrm-exec", c.Allowlist.ServiceAccounts.Analytics!);
        Assert.False(c.IsEnabled("vnc"));
        Assert.True(c.IsEnabled("fan-out"));
    }

    [Fact]
    public void EmptyAndNullSectionsKeepTheDefaults()
    {
        var empty = AnalyticsConfig.Parse("", "t.yml");
        var nulls = AnalyticsConfig.Parse("context:\nallowlist: ~\ndisabled:\n", "t.yml");
        var json = (AnalyticsConfig c) => System.Text.Json.JsonSerializer.Serialize(c);
        Assert.Equal(json(new AnalyticsConfig()), json(empty));
        Assert.Equal(json(empty), json(nulls));
    }

    [Theory]
    [InlineData("fan_out:\n  min_targetz: 3\n", 2, "fan_out.min_targetz")]
    [InlineData("rdp_chainz:\n  min_hops: 3\n", 1, "rdp_chainz")]
    [InlineData("state:\n  session_idle_hours: soon\n", 2, "state.session_idle_hours")]
    [InlineData("fan_out:\n  min_targets: 2.5\n", 2, "fan_out.min_targets")]
    [InlineData("rdp_chain:\n  include_network_logons: maybe\n", 2, "rdp_chain.include_network_logons")]
    [InlineData("fan_out:\n  ports: 445\n", 2, "fan_out.ports")]
    [InlineData("fan_out: 3\n", 1, "fan_out")]
    [InlineData("context:\n  domain_controllers: [[dc1]]\n", 2, "context.domain_controllers")]
    public void MistakesNameTheFileLineAndKey(string yaml, int line, string key)
    {
        var e = Assert.Throws<AnalyticsConfigException>(() => AnalyticsConfig.Parse(yaml, "t.yml"));
        Assert.StartsWith($"t.yml: line {line}: ", e.Message);
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void BrokenYamlIsAConfigError()
    {
        var e = Assert.Throws<AnalyticsConfigException>(() => AnalyticsConfig.Parse("fan_out:\n  ports: [445\n", "t.yml"));
        Assert.StartsWith("t.yml: line ", e.Message);
        Assert.Throws<AnalyticsConfigException>(() => AnalyticsConfig.Parse("- a\n- b\n", "t.yml"));
    }

    [Theory]
    [InlineData("MaxHopGapMinutes", "max_hop_gap_minutes")]
    [InlineData("WinrmExec", "winrm_exec")]
    [InlineData("Vnc", "vnc")]
    public void PropertyNamesBecomeSnakeCaseKeys(string name, string key) => Assert.Equal(key, ConfigYamlBinder.SnakeCase(name));
}

/// <summary>Trimmed (native) builds keep only the config properties <see cref="AnalyticsConfig.Parse"/> names.</summary>
public class ConfigTrimmingTests
{
    [Fact]
    public void EveryConfigClassIsKeptForTheBinder()
    {
        var reachable = new HashSet<Type>();
        void Walk(Type t)
        {
            if (!reachable.Add(t)) return;
            foreach (var p in t.GetProperties())
                if (p.PropertyType.IsClass && p.PropertyType.Namespace == typeof(AnalyticsConfig).Namespace)
                    Walk(p.PropertyType);
        }
        Walk(typeof(AnalyticsConfig));
        var kept = typeof(AnalyticsConfig).GetMethod(nameof(AnalyticsConfig.Parse))!
            .GetCustomAttributes(typeof(System.Diagnostics.CodeAnalysis.DynamicDependencyAttribute), false)
            .Cast<System.Diagnostics.CodeAnalysis.DynamicDependencyAttribute>()
            .Select(a => a.Type!)
            .ToHashSet();
        Assert.True(reachable.Count > 10);
        Assert.Empty(reachable.Except(kept).Select(t => t.Name));
    }
}
