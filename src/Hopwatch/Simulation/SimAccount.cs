namespace Hopwatch.Simulation;

/// <summary>Who an account belongs to; drives what it does.</summary>
public enum AccountKind
{
    User,
    Admin,
    Helpdesk,
    Service,
    LocalAdmin,
    Linux,
}

/// <summary>One account of the simulated organisation.</summary>
public sealed class SimAccount
{
    public required string Name { get; init; }
    /// <summary>NetBIOS domain (CORP), or empty for local accounts (their domain is the host name).</summary>
    public required string Domain { get; init; }
    public required string Sid { get; init; }
    public required AccountKind Kind { get; init; }
    public required string Department { get; init; }
    public string FullName { get; init; } = "";
    /// <summary>Linux uid, for auth.log session lines.</summary>
    public int Uid { get; init; }
    /// <summary>For users: their workstation.</summary>
    public SimHost? Workstation { get; set; }

    public bool IsPrivileged => Kind is AccountKind.Admin or AccountKind.LocalAdmin || Name.StartsWith("DA_", StringComparison.Ordinal);
    public override string ToString() => Domain.Length > 0 ? Domain + "\\" + Name : Name;
}
