using System.Diagnostics.CodeAnalysis;
using System.Reflection;

namespace Hopwatch.Analytics;

/// <summary>
/// Thresholds and allowlists of the stateful analytics. The documented defaults live in
/// config/analytics.yml, embedded in the assembly; a user file overrides the keys it names.
/// </summary>
public sealed class AnalyticsConfig
{
    public List<string> Disabled { get; set; } = new();
    public ContextConfig Context { get; set; } = new();
    public StateConfig State { get; set; } = new();
    public RdpChainConfig RdpChain { get; set; } = new();
    public FanOutConfig FanOut { get; set; } = new();
    public PassTheHashConfig PassTheHash { get; set; } = new();
    public PassTheTicketConfig PassTheTicket { get; set; } = new();
    public AdminShareExecConfig AdminShareExec { get; set; } = new();
    public WinRmExecConfig WinrmExec { get; set; } = new();
    public DcomExecConfig DcomExec { get; set; } = new();
    public BruteforceConfig BruteforceThenSuccess { get; set; } = new();
    public RarePathConfig RarePath { get; set; } = new();
    public RdpNestingConfig RdpNesting { get; set; } = new();
    public RdpExecConfig RdpExec { get; set; } = new();
    public SshLateralConfig SshLateral { get; set; } = new();
    public VncConfig Vnc { get; set; } = new();
    public AllowlistConfig Allowlist { get; set; } = new();

    internal const string ResourceName = "Hopwatch.Analytics.analytics.yml";

    /// <summary>The embedded defaults (config/analytics.yml) as text.</summary>
    public static string DefaultYaml()
    {
        using var s = typeof(AnalyticsConfig).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException("embedded " + ResourceName + " missing");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    /// <summary>
    /// The embedded defaults, overridden by the file at <paramref name="path"/> when given.
    /// A missing file or bad YAML is an <see cref="AnalyticsConfigException"/> naming the problem.
    /// </summary>
    public static AnalyticsConfig Load(string? path)
    {
        var config = Parse(DefaultYaml(), "embedded analytics.yml");
        if (path is null) return config;
        if (!File.Exists(path)) throw new AnalyticsConfigException($"analytics config '{path}' not found");
        var user = Parse(File.ReadAllText(path), path);
        return user; // keys the user left out already carry the defaults (property initialisers mirror the yml)
    }

    // The binder sets properties by reflection: keep them in trimmed (native) builds.
    // ConfigYamlBinderTests checks that every config class reachable from AnalyticsConfig is listed.
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AnalyticsConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(ContextConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(StateConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RdpChainConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(FanOutConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(PassTheHashConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(PassTheTicketConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AdminShareExecConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(WinRmExecConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(DcomExecConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(BruteforceConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RarePathConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RdpNestingConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(RdpExecConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(SshLateralConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(VncConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AllowlistConfig))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(HostAllowlist))]
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicProperties, typeof(AccountAllowlist))]
    public static AnalyticsConfig Parse(string yaml, string displayName)
    {
        var c = new AnalyticsConfig();
        ConfigYamlBinder.Bind(yaml, c, displayName);
        c.Allowlist.FillDefaults();
        c.Validate(displayName);
        return c;
    }

    private void Validate(string displayName)
    {
        void Positive(double v, string name)
        {
            if (!(v > 0)) throw new AnalyticsConfigException($"{displayName}: {name} must be > 0 (got {v})");
        }
        Positive(RdpChain.MaxHopGapMinutes, "rdp_chain.max_hop_gap_minutes");
        Positive(RdpChain.MinHops, "rdp_chain.min_hops");
        Positive(FanOut.WindowMinutes, "fan_out.window_minutes");
        Positive(FanOut.MinTargets, "fan_out.min_targets");
        Positive(BruteforceThenSuccess.MinFailures, "bruteforce_then_success.min_failures");
        Positive(State.SessionIdleHours, "state.session_idle_hours");
        if (Context.OffHoursStart is < 0 or > 23 || Context.OffHoursEnd is < 0 or > 23)
            throw new AnalyticsConfigException($"{displayName}: context.off_hours_start/end must be hours 0-23");
        foreach (var cidr in RdpNesting.AdminSubnets)
            if (!cidr.Contains('/') && !Ips.IsAddress(cidr))
                throw new AnalyticsConfigException($"{displayName}: rdp_nesting.admin_subnets: '{cidr}' is not a CIDR block");
        foreach (var d in Disabled)
            if (!AnalyticNames.All.Contains(d))
                throw new AnalyticsConfigException($"{displayName}: disabled: unknown analytic '{d}' (known: {string.Join(", ", AnalyticNames.All)})");
    }

    public bool IsEnabled(string analytic) => !Disabled.Contains(analytic, StringComparer.OrdinalIgnoreCase);
}

/// <summary>Bad analytics configuration (user error, reported with the file and key).</summary>
public sealed class AnalyticsConfigException(string message) : Exception(message);

public sealed class ContextConfig
{
    public int OffHoursStart { get; set; } = 0;
    public int OffHoursEnd { get; set; } = 5;
    public double UtcOffsetHours { get; set; } = 0;
    public List<string> PrivilegedNamePatterns { get; set; } = new() { "*admin*", "*svc-*", "*svc_*", "*service*", "*backup*", "da_*", "*-da" };
    public List<string> DomainControllers { get; set; } = new();
}

public sealed class StateConfig
{
    public double SessionIdleHours { get; set; } = 12;
    public double ReorderToleranceSeconds { get; set; } = 120;
}

public sealed class RdpChainConfig
{
    public double MaxHopGapMinutes { get; set; } = 15;
    public int MinHops { get; set; } = 3;
    public double HopMergeSeconds { get; set; } = 120;
    public bool IncludeNetworkLogons { get; set; } = true;
}

public sealed class FanOutConfig
{
    public double WindowMinutes { get; set; } = 10;
    public int MinTargets { get; set; } = 8;
    public List<int> Ports { get; set; } = new() { 445, 3389, 5985, 5986, 135, 22 };
}

public sealed class PassTheHashConfig
{
    public double WindowMinutes { get; set; } = 10;
    public double KerberosLookbackHours { get; set; } = 10;
    public bool FlagLocalAccounts { get; set; } = true;
    public int MinHostsLocalAdmin { get; set; } = 2;
}

public sealed class PassTheTicketConfig
{
    public double WindowMinutes { get; set; } = 10;
    public double KerberosHistoryHours { get; set; } = 10;
}

public sealed class AdminShareExecConfig
{
    public double WindowMinutes { get; set; } = 10;
    public List<string> RemoteExecNames { get; set; } = new() { "psexesvc", "remcomsvc", "paexec", "csexec", "csexecsvc", "winexesvc", "btobto", "smbexec" };
}

public sealed class WinRmExecConfig
{
    public double WindowMinutes { get; set; } = 15;
    public List<string> AdminRoles { get; set; } = new() { "jump", "config-mgmt", "server", "dc" };
    public int MinTargetsRaise { get; set; } = 3;
}

public sealed class DcomExecConfig
{
    public double WindowMinutes { get; set; } = 10;
    public List<string> DcomHosts { get; set; } = new() { "mmc.exe", "excel.exe", "winword.exe", "outlook.exe", "mshta.exe", "explorer.exe", "visio.exe" };
}

public sealed class BruteforceConfig
{
    public double WindowMinutes { get; set; } = 30;
    public int MinFailures { get; set; } = 5;
}

public sealed class RarePathConfig
{
    public double LearningDays { get; set; } = 7;
    public int MinNovelties { get; set; } = 2;
    public bool UpdateState { get; set; } = false;
    public int MaxEntries { get; set; } = 5_000_000;
}

public sealed class RdpNestingConfig
{
    public List<string> AdminSubnets { get; set; } = new();
    public double WindowMinutes { get; set; } = 30;
    public double SessionMaxHours { get; set; } = 12;
}

public sealed class RdpExecConfig
{
    public double WindowMinutes { get; set; } = 10;
    public int MinAutomatedConnections { get; set; } = 5;
    public List<string> RdpClientImages { get; set; } = new() { "mstsc.exe", "rdcman.exe", "msrdc.exe", "remotedesktopmanager.exe", "mremoteng.exe", "royalts.exe" };
}

public sealed class SshLateralConfig
{
    public double WindowMinutes { get; set; } = 30;
    public List<string> UsualAccounts { get; set; } = new();
}

public sealed class VncConfig
{
    public double WindowMinutes { get; set; } = 30;
    public int PortMin { get; set; } = 5900;
    public int PortMax { get; set; } = 5910;
}

public sealed class AllowlistConfig
{
    public HostAllowlist JumpHosts { get; set; } = new() { Analytics = Default("jump_hosts") };
    public HostAllowlist Scanners { get; set; } = new() { Analytics = Default("scanners") };
    public HostAllowlist BackupServers { get; set; } = new() { Analytics = Default("backup_servers") };
    public HostAllowlist ConfigMgmtServers { get; set; } = new() { Analytics = Default("config_mgmt_servers") };
    public AccountAllowlist HelpdeskAccounts { get; set; } = new() { Analytics = Default("helpdesk_accounts") };
    public AccountAllowlist ServiceAccounts { get; set; } = new() { Analytics = Default("service_accounts") };

    private static List<string> Default(string list) => DefaultAnalytics[list].ToList();

    /// <summary>Gives lists the user named without `analytics` their documented default.</summary>
    internal void FillDefaults()
    {
        JumpHosts.Analytics ??= Default("jump_hosts");
        Scanners.Analytics ??= Default("scanners");
        BackupServers.Analytics ??= Default("backup_servers");
        ConfigMgmtServers.Analytics ??= Default("config_mgmt_servers");
        HelpdeskAccounts.Analytics ??= Default("helpdesk_accounts");
        ServiceAccounts.Analytics ??= Default("service_accounts");
    }

    /// <summary>Which analytics each list silences when the config does not say (mirrors analytics.yml).</summary>
    internal static readonly IReadOnlyDictionary<string, string[]> DefaultAnalytics = new Dictionary<string, string[]>
    {
        ["jump_hosts"] = new[] { "rdp-chain", "logon-chain", "fan-out", "rare-path", "rdp-nesting", "winrm-exec" },
        ["scanners"] = new[] { "fan-out", "bruteforce-then-success", "rare-path", "logon-chain", "pass-the-hash", "ssh-lateral", "vnc" },
        ["backup_servers"] = new[] { "fan-out", "rare-path", "logon-chain", "admin-share-exec", "pass-the-hash", "ssh-lateral" },
        ["config_mgmt_servers"] = new[] { "fan-out", "rare-path", "logon-chain", "admin-share-exec", "winrm-exec", "ssh-lateral" },
        ["helpdesk_accounts"] = new[] { "rdp-chain", "fan-out", "rare-path", "rdp-nesting" },
        ["service_accounts"] = new[] { "fan-out", "rare-path", "logon-chain", "winrm-exec", "ssh-lateral" },
    };
}

public sealed class HostAllowlist
{
    public List<string> Hosts { get; set; } = new();
    /// <summary>Analytics this list silences; null = the documented default for the list.</summary>
    public List<string>? Analytics { get; set; }
}

public sealed class AccountAllowlist
{
    public List<string> Accounts { get; set; } = new();
    /// <summary>Analytics this list silences; null = the documented default for the list.</summary>
    public List<string>? Analytics { get; set; }
}
