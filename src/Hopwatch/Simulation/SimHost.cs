namespace Hopwatch.Simulation;

/// <summary>What a machine is for; drives its benign traffic and the asset CSV.</summary>
public enum HostRole
{
    DomainController,
    FileServer,
    AppServer,
    SqlServer,
    Workstation,
    JumpHost,
    BackupServer,
    ConfigManagement,
    VulnScanner,
    LinuxServer,
    LinuxAutomation,
}

/// <summary>One machine of the simulated organisation.</summary>
public sealed class SimHost
{
    public required int Index { get; init; }
    /// <summary>NetBIOS-style name as Windows writes it in EventData (WS-HR-007), or the Linux hostname.</summary>
    public required string Name { get; init; }
    public required string Ip { get; init; }
    public required HostRole Role { get; init; }
    public required string Department { get; init; }
    /// <summary>Primary user of a workstation, or the owning team for servers.</summary>
    public required string Owner { get; set; }
    public required string DomainFqdn { get; init; }

    public bool IsLinux => Role is HostRole.LinuxServer or HostRole.LinuxAutomation;
    public bool IsWindowsServer => !IsLinux && Role != HostRole.Workstation;
    /// <summary>Computer as Windows writes it in the System block: the FQDN.</summary>
    public string Fqdn => IsLinux ? Name : Name + "." + DomainFqdn;
    /// <summary>The machine account (NAME$).</summary>
    public string MachineAccount => Name + "$";

    /// <summary>The process id that logs this provider's events on this host (stable per host).</summary>
    public uint LoggerPid(int providerSalt) => (uint)(400 + ((Index * 131 + providerSalt * 977) % 3000) * 4);

    public override string ToString() => Name;
}
