namespace Hopwatch.Events;

/// <summary>The semantic view of an event that analytics reason about, whatever its source.</summary>
public enum EventKind
{
    Other = 0,
    Logon,
    FailedLogon,
    Logoff,
    SpecialPrivileges,
    ExplicitCredentials,
    KerberosTgt,
    KerberosService,
    KerberosPreauthFailed,
    NtlmValidation,
    RdpSessionLogon,
    RdpSessionReconnect,
    RdpSessionDisconnect,
    RdpSessionLogoff,
    RdpAuthSucceeded,
    RdpConnectionAttempt,
    RdpDenied,
    NetworkConnection,
    FirewallBlock,
    ShareAccess,
    ShareChange,
    ObjectAccess,
    ServiceInstall,
    ScheduledTask,
    ProcessStart,
    ProcessAccess,
    ImageLoad,
    FileCreate,
    RegistryChange,
    PipeEvent,
    PowerShell,
    WinRm,
    SshLogin,
    SshFailedLogin,
    SshDisconnect,
    Sudo,
    // Added by the readers issue (additive): finer views of catalogue events.
    /// <summary>Security 4964: special groups assigned to a new logon.</summary>
    SpecialGroups,
    /// <summary>Security 4674: an operation was attempted on a privileged object.</summary>
    PrivilegedObjectOperation,
    /// <summary>Security 4770: a Kerberos service ticket was renewed.</summary>
    KerberosServiceRenewal,
    /// <summary>Security 5154: an application was permitted to listen on a port.</summary>
    NetworkListen,
    /// <summary>Security 5158: an application was permitted to bind a local port.</summary>
    NetworkBind,
    /// <summary>Sysmon 2: a process changed a file creation time (timestomping).</summary>
    FileTimeChange,
    /// <summary>TerminalServices-LocalSessionManager 22: shell start of an RDP session.</summary>
    RdpShellStart,
}
