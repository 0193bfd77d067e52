using Hopwatch.Simulation.Evtx;

namespace Hopwatch.Simulation;

/// <summary>
/// The events the simulator writes, with field names and order as Windows, Sysmon and the
/// Terminal Services / WinRM / PowerShell providers write them (reference 002's catalogue).
/// SIDs are typed SIDs and LogonType an unsigned integer in EVTX, as Windows stores them;
/// other values are strings.
/// </summary>
public static class EventSchemas
{
    public const string SecurityChannel = "Security";
    public const string SystemChannel = "System";
    public const string SysmonChannel = "Microsoft-Windows-Sysmon/Operational";
    public const string LsmChannel = "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational";
    public const string RcmChannel = "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational";
    public const string WinRmChannel = "Microsoft-Windows-WinRM/Operational";
    public const string PowerShellChannel = "Microsoft-Windows-PowerShell/Operational";
    public const string AuthLogChannel = "auth.log";

    private static readonly Guid SecurityGuid = Guid.Parse("54849625-5478-4994-A5BA-3E3B0328C30D");
    private static readonly Guid ScmGuid = Guid.Parse("555908D1-A6D7-4695-8E1E-26931D2012F4");
    private static readonly Guid SysmonGuid = Guid.Parse("5770385F-C22A-43E0-BF4C-06F5698FFBD9");
    private static readonly Guid LsmGuid = Guid.Parse("5D896912-022D-40AA-A3A8-4FA5515C76D7");
    private static readonly Guid RcmGuid = Guid.Parse("C76BAA63-AE81-421C-B425-340B4B24157F");
    private static readonly Guid WinRmGuid = Guid.Parse("A7975C8F-AC13-49F1-87DA-5A984A4AB417");
    private static readonly Guid PowerShellGuid = Guid.Parse("A0C1853B-5C40-4B15-8766-3CF1C58F985A");

    private const ulong AuditSuccess = 0x8020000000000000;
    private const ulong AuditFailure = 0x8010000000000000;

    private static readonly string[] LogonFields =
    [
        "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "TargetUserSid", "TargetUserName",
        "TargetDomainName", "TargetLogonId", "LogonType", "LogonProcessName", "AuthenticationPackageName",
        "WorkstationName", "LogonGuid", "TransmittedServices", "LmPackageName", "KeyLength", "ProcessId", "ProcessName",
        "IpAddress", "IpPort", "ImpersonationLevel", "RestrictedAdminMode", "TargetOutboundUserName",
        "TargetOutboundDomainName", "VirtualAccount", "TargetLinkedLogonId", "ElevatedToken",
    ];

    public static readonly EventSchema Logon4624 = Security(4624, 2, 12544, "Logon", "logged-in", AuditSuccess, LogonFields);

    public static readonly EventSchema FailedLogon4625 = Security(4625, 0, 12544, "Logon", "logon-failed", AuditFailure,
    [
        "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "TargetUserSid", "TargetUserName",
        "TargetDomainName", "Status", "FailureReason", "SubStatus", "LogonType", "LogonProcessName",
        "AuthenticationPackageName", "WorkstationName", "TransmittedServices", "LmPackageName", "KeyLength", "ProcessId",
        "ProcessName", "IpAddress", "IpPort",
    ]);

    public static readonly EventSchema Logoff4634 = Security(4634, 0, 12545, "Logoff", "logged-out", AuditSuccess,
        ["TargetUserSid", "TargetUserName", "TargetDomainName", "TargetLogonId", "LogonType"]);

    public static readonly EventSchema ExplicitCredentials4648 = Security(4648, 0, 12544, "Logon", "logged-in-explicit", AuditSuccess,
    [
        "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "LogonGuid", "TargetUserName",
        "TargetDomainName", "TargetLogonGuid", "TargetServerName", "TargetInfo", "ProcessId", "ProcessName", "IpAddress", "IpPort",
    ]);

    public static readonly EventSchema SpecialPrivileges4672 = Security(4672, 0, 12548, "Special Logon", "logged-in-special", AuditSuccess,
        ["SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "PrivilegeList"]);

    public static readonly EventSchema ProcessCreate4688 = Security(4688, 2, 13312, "Process Creation", "created-process", AuditSuccess,
    [
        "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "NewProcessId", "NewProcessName",
        "TokenElevationType", "ProcessId", "CommandLine", "TargetUserSid", "TargetUserName", "TargetDomainName",
        "TargetLogonId", "ParentProcessName", "MandatoryLabel",
    ]);

    public static readonly EventSchema ServiceInstalled4697 = Security(4697, 0, 12289, "Security System Extension", "service-installed", AuditSuccess,
    [
        "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "ServiceName", "ServiceFileName",
        "ServiceType", "ServiceStartType", "ServiceAccount",
    ]);

    public static readonly EventSchema TaskCreated4698 = Security(4698, 0, 12804, "Other Object Access Events", "scheduled-task-created", AuditSuccess,
        ["SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "TaskName", "TaskContent"]);

    public static readonly EventSchema Tgt4768 = Security(4768, 0, 14339, "Kerberos Authentication Service", "kerberos-authentication-ticket-requested", AuditSuccess,
    [
        "TargetUserName", "TargetDomainName", "TargetSid", "ServiceName", "ServiceSid", "TicketOptions", "Status",
        "TicketEncryptionType", "PreAuthType", "IpAddress", "IpPort", "CertIssuerName", "CertSerialNumber", "CertThumbprint",
    ]);

    public static readonly EventSchema Tgs4769 = Security(4769, 0, 14337, "Kerberos Service Ticket Operations", "kerberos-service-ticket-requested", AuditSuccess,
    [
        "TargetUserName", "TargetDomainName", "ServiceName", "ServiceSid", "TicketOptions", "TicketEncryptionType",
        "IpAddress", "IpPort", "Status", "LogonGuid", "TransmittedServices",
    ]);

    public static readonly EventSchema PreauthFailed4771 = Security(4771, 0, 14339, "Kerberos Authentication Service", "kerberos-preauth-failed", AuditFailure,
    [
        "TargetUserName", "TargetSid", "ServiceName", "TicketOptions", "Status", "PreAuthType", "IpAddress", "IpPort",
        "CertIssuerName", "CertSerialNumber", "CertThumbprint",
    ]);

    public static readonly EventSchema CredentialValidation4776 = Security(4776, 0, 14336, "Credential Validation", "credential-validated", AuditSuccess,
        ["PackageName", "TargetUserName", "Workstation", "Status"]);

    public static readonly EventSchema CredentialValidationFailed4776 = Security(4776, 0, 14336, "Credential Validation", "credential-validated", AuditFailure,
        ["PackageName", "TargetUserName", "Workstation", "Status"]);

    public static readonly EventSchema SessionReconnected4778 = Security(4778, 0, 12551, "Other Logon/Logoff Events", "session-reconnected", AuditSuccess,
        ["AccountName", "AccountDomain", "LogonID", "SessionName", "ClientName", "ClientAddress"]);

    public static readonly EventSchema SessionDisconnected4779 = Security(4779, 0, 12551, "Other Logon/Logoff Events", "session-disconnected", AuditSuccess,
        ["AccountName", "AccountDomain", "LogonID", "SessionName", "ClientName", "ClientAddress"]);

    public static readonly EventSchema ShareAccess5140 = Security(5140, 1, 12808, "File Share", "network-share-object-accessed", AuditSuccess,
    [
        "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "ObjectType", "IpAddress", "IpPort",
        "ShareName", "ShareLocalPath", "AccessMask", "AccessList",
    ]);

    public static readonly EventSchema ShareCheck5145 = Security(5145, 0, 12811, "Detailed File Share", "network-share-object-access-checked", AuditSuccess,
    [
        "SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "ObjectType", "IpAddress", "IpPort",
        "ShareName", "ShareLocalPath", "RelativeTargetName", "AccessMask", "AccessList", "AccessReason",
    ]);

    public static readonly EventSchema ServiceInstalled7045 = Make("Service Control Manager", ScmGuid, SystemChannel, 7045, 0, 4, 0, 0,
        0x8080000000000000, "None", "service-installed", ["ServiceName", "ImagePath", "ServiceType", "StartType", "AccountName"]);

    public static readonly EventSchema SysmonProcessCreate = Make("Microsoft-Windows-Sysmon", SysmonGuid, SysmonChannel, 1, 5, 4, 1, 0,
        0x8000000000000000, "Process Create (rule: ProcessCreate)", "Process Create (rule: ProcessCreate)",
    [
        "RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "FileVersion", "Description", "Product", "Company",
        "OriginalFileName", "CommandLine", "CurrentDirectory", "User", "LogonGuid", "LogonId", "TerminalSessionId",
        "IntegrityLevel", "Hashes", "ParentProcessGuid", "ParentProcessId", "ParentImage", "ParentCommandLine", "ParentUser",
    ]);

    public static readonly EventSchema SysmonNetworkConnect = Make("Microsoft-Windows-Sysmon", SysmonGuid, SysmonChannel, 3, 5, 4, 3, 0,
        0x8000000000000000, "Network connection detected (rule: NetworkConnect)", "Network connection detected (rule: NetworkConnect)",
    [
        "RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "User", "Protocol", "Initiated", "SourceIsIpv6",
        "SourceIp", "SourceHostname", "SourcePort", "SourcePortName", "DestinationIsIpv6", "DestinationIp",
        "DestinationHostname", "DestinationPort", "DestinationPortName",
    ]);

    public static readonly EventSchema SysmonPipeCreated = Make("Microsoft-Windows-Sysmon", SysmonGuid, SysmonChannel, 17, 1, 4, 17, 0,
        0x8000000000000000, "Pipe Created (rule: PipeEvent)", "Pipe Created (rule: PipeEvent)",
        ["RuleName", "EventType", "UtcTime", "ProcessGuid", "ProcessId", "PipeName", "Image", "User"]);

    public static readonly EventSchema RdpSessionLogon21 = UserData("Microsoft-Windows-TerminalServices-LocalSessionManager", LsmGuid, LsmChannel, 21,
        "Remote Desktop Services: Session logon succeeded", ["User", "SessionID", "Address"]);

    public static readonly EventSchema RdpShellStart22 = UserData("Microsoft-Windows-TerminalServices-LocalSessionManager", LsmGuid, LsmChannel, 22,
        "Remote Desktop Services: Shell start notification received", ["User", "SessionID", "Address"]);

    public static readonly EventSchema RdpSessionDisconnected24 = UserData("Microsoft-Windows-TerminalServices-LocalSessionManager", LsmGuid, LsmChannel, 24,
        "Remote Desktop Services: Session has been disconnected", ["User", "SessionID", "Address"]);

    public static readonly EventSchema RdpSessionReconnected25 = UserData("Microsoft-Windows-TerminalServices-LocalSessionManager", LsmGuid, LsmChannel, 25,
        "Remote Desktop Services: Session reconnection succeeded", ["User", "SessionID", "Address"]);

    public static readonly EventSchema RdpAuthSucceeded1149 = UserData("Microsoft-Windows-TerminalServices-RemoteConnectionManager", RcmGuid, RcmChannel, 1149,
        "Remote Desktop Services: User authentication succeeded", ["Param1", "Param2", "Param3"]);

    public static readonly EventSchema WinRmClientSession6 = Make("Microsoft-Windows-WinRM", WinRmGuid, WinRmChannel, 6, 0, 4, 3, 1,
        0x4000000000000002, "WSMan Session initialize", "Creating WSMan Session", ["connection"]);

    public static readonly EventSchema WinRmShellCreated91 = Make("Microsoft-Windows-WinRM", WinRmGuid, WinRmChannel, 91, 0, 4, 9, 0,
        0x4000000000000004, "Request handling", "Creating WSMan shell", ["resourceUri", "shellId"]);

    public static readonly EventSchema WinRmUserAuthenticated169 = Make("Microsoft-Windows-WinRM", WinRmGuid, WinRmChannel, 169, 0, 4, 9, 0,
        0x4000000000000004, "Request handling", "User authenticated successfully", ["username", "authenticationMechanism"]);

    public static readonly EventSchema ScriptBlock4104 = Make("Microsoft-Windows-PowerShell", PowerShellGuid, PowerShellChannel, 4104, 1, 5, 2, 15,
        0x0, "Execute a Remote Command", "Execute a Remote Command",
        ["MessageNumber", "MessageTotal", "ScriptBlockText", "ScriptBlockId", "Path"]);

    /// <summary>A Linux syslog line (auth.log / secure).</summary>
    public static readonly EventSchema AuthLogLine = new()
    {
        Provider = "syslog",
        Channel = AuthLogChannel,
        Fields = ["program", "pid", "message"],
        IsLinuxLine = true,
    };

    private static EventSchema Security(int id, byte version, ushort task, string taskName, string action, ulong keywords, string[] fields)
        => Make("Microsoft-Windows-Security-Auditing", SecurityGuid, SecurityChannel, id, version, 0, task, 0, keywords, taskName, action, fields,
            keywords == AuditFailure ? "-failure" : "");

    private static EventSchema Make(string provider, Guid guid, string channel, int id, byte version, byte level, ushort task, byte opcode,
        ulong keywords, string taskName, string action, string[] fields, string keySuffix = "")
        => new()
        {
            Provider = provider,
            ProviderGuid = guid,
            Channel = channel,
            EventId = id,
            Version = version,
            Level = level,
            Task = task,
            Opcode = opcode,
            Keywords = keywords,
            TaskName = taskName,
            Action = action,
            Fields = fields,
            Shape = new EvtxTemplateShape($"{channel}/{id}{keySuffix}", fields, fields.Select(TypeOf).ToArray()),
        };

    private static EventSchema UserData(string provider, Guid guid, string channel, int id, string action, string[] fields)
        => new()
        {
            Provider = provider,
            ProviderGuid = guid,
            Channel = channel,
            EventId = id,
            Level = 4,
            Keywords = 0x1000000000000000,
            TaskName = "None",
            Action = action,
            Fields = fields,
            Shape = new EvtxTemplateShape($"{channel}/{id}", fields, fields.Select(_ => EvtxValueType.String).ToArray(), "EventXML", "Event_NS"),
        };

    private static EvtxValueType TypeOf(string field) =>
        field is "LogonType" ? EvtxValueType.UInt32
        : field.EndsWith("Sid", StringComparison.Ordinal) && field != "ServiceSid" ? EvtxValueType.Sid
        : field == "ServiceSid" ? EvtxValueType.Sid
        : EvtxValueType.String;
}
