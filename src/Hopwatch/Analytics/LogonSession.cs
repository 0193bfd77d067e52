namespace Hopwatch.Analytics;

/// <summary>
/// One logon session on one host (4624 .. 4634/4647), with what joined it: special privileges
/// (4672), the RDP session it belongs to, when it was last active. Processes, share accesses and
/// explicit-credential use on the host find their account, source and logon type through it.
/// </summary>
public sealed class LogonSession
{
    public required string Host { get; init; }
    public required string LogonId { get; init; }
    public string? User { get; set; }
    public string? Domain { get; set; }
    public string? SourceIp { get; set; }
    /// <summary>Resolved name of the source host (or the address when unknown).</summary>
    public string? Source { get; set; }
    public int LogonType { get; set; }
    public string? AuthPackage { get; set; }
    public DateTime Start { get; set; }
    public DateTime LastSeen { get; set; }
    public DateTime? End { get; set; }
    /// <summary>4672 special privileges were assigned to this logon.</summary>
    public bool Privileged { get; set; }
    public bool IsRemote => LogonType is 3 or 10 or 12 || (SourceIp is not null && !Ips.IsLoopback(SourceIp));
    public bool IsRdp => LogonType is 10 or 12;
}
