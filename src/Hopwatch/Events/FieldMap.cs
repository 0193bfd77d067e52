namespace Hopwatch.Events;

/// <summary>
/// THE field-mapping table. Every vendor's name for a field is listed here next to the canonical
/// Windows name Hopwatch (and Sigma rules written for Windows) use. Readers keep the vendor's
/// original field and add the canonical one beside it (never overwriting a field the event already
/// carries), so `IpAddress` is there whether the source said `IpAddress`, `source.ip`, `RemoteIP`
/// or `SourceNetworkAddress`. The normaliser then reads only canonical names (see
/// <see cref="Normaliser"/> for which canonical field fills which typed property, per event type).
/// docs/formats.md explains each format; this table is the reference.
/// </summary>
public static class FieldMap
{
    /// <summary>How a value changes on its way to the canonical field.</summary>
    public enum Transform
    {
        None,
        /// <summary>"Network" → "3", "RemoteInteractive" → "10", ... (ECS, Defender).</summary>
        LogonTypeNumber,
        /// <summary>"{GUID}" ← "GUID": EVTX renders provider GUIDs in braces.</summary>
        BracedGuid,
    }

    /// <param name="Format">Source format the alias applies to.</param>
    /// <param name="From">Vendor field name (JSON keys flattened with '.'; CSV header; ...).</param>
    /// <param name="To">Canonical Windows field name.</param>
    /// <param name="When">Only when the event's table/ActionType condition holds ("DeviceLogonEvents", "Inbound"...); null: always.</param>
    public sealed record Alias(SourceFormat Format, string From, string To, Transform How = Transform.None, string? When = null);

    // Canonical System names (as the EVTX reader writes them).
    public const string EventID = "EventID", Version = "Version", Level = "Level", Task = "Task", Opcode = "Opcode",
        Keywords = "Keywords", TimeCreated = "TimeCreated", EventRecordID = "EventRecordID",
        Correlation_ActivityID = "Correlation_ActivityID", Execution_ProcessID = "Execution_ProcessID",
        Execution_ThreadID = "Execution_ThreadID", Channel = "Channel", Computer = "Computer",
        Security_UserID = "Security_UserID", Provider_Name = "Provider_Name", Provider_Guid = "Provider_Guid";

    // Canonical EventData names (Security auditing, Sysmon, System, TerminalServices...).
    public const string TargetUserName = "TargetUserName", TargetDomainName = "TargetDomainName", TargetUserSid = "TargetUserSid",
        TargetSid = "TargetSid", TargetLogonId = "TargetLogonId", TargetServerName = "TargetServerName", TargetInfo = "TargetInfo",
        SubjectUserName = "SubjectUserName", SubjectDomainName = "SubjectDomainName", SubjectUserSid = "SubjectUserSid",
        SubjectLogonId = "SubjectLogonId", LogonType = "LogonType", LogonProcessName = "LogonProcessName",
        AuthenticationPackageName = "AuthenticationPackageName", LmPackageName = "LmPackageName", PackageName = "PackageName",
        KeyLength = "KeyLength", ElevatedToken = "ElevatedToken", WorkstationName = "WorkstationName", Workstation = "Workstation",
        IpAddress = "IpAddress", IpPort = "IpPort", ProcessName = "ProcessName", ProcessId = "ProcessId",
        Status = "Status", SubStatus = "SubStatus", FailureReason = "FailureReason", FailureCode = "FailureCode",
        NewProcessName = "NewProcessName", NewProcessId = "NewProcessId", ParentProcessName = "ParentProcessName",
        CommandLine = "CommandLine", Image = "Image", ParentImage = "ParentImage", ParentCommandLine = "ParentCommandLine",
        ParentProcessId = "ParentProcessId", User = "User", LogonId = "LogonId", OriginalFileName = "OriginalFileName",
        SourceIp = "SourceIp", SourcePort = "SourcePort", SourceHostname = "SourceHostname",
        DestinationIp = "DestinationIp", DestinationPort = "DestinationPort", DestinationHostname = "DestinationHostname",
        Initiated = "Initiated", Protocol = "Protocol",
        SourceAddress = "SourceAddress", DestAddress = "DestAddress", DestPort = "DestPort", Direction = "Direction", Application = "Application",
        SourceImage = "SourceImage", TargetImage = "TargetImage", ImageLoaded = "ImageLoaded", TargetFilename = "TargetFilename",
        TargetObject = "TargetObject", PipeName = "PipeName", GrantedAccess = "GrantedAccess",
        SourceProcessId = "SourceProcessId", TargetProcessId = "TargetProcessId",
        ShareName = "ShareName", ShareLocalPath = "ShareLocalPath", RelativeTargetName = "RelativeTargetName", AccessMask = "AccessMask",
        ObjectName = "ObjectName", ServiceName = "ServiceName", ServiceFileName = "ServiceFileName", ImagePath = "ImagePath",
        AccountName = "AccountName", AccountDomain = "AccountDomain", TaskName = "TaskName", TaskContent = "TaskContent",
        SessionName = "SessionName", ClientName = "ClientName", ClientAddress = "ClientAddress", LogonID = "LogonID",
        SessionID = "SessionID", Address = "Address", Param1 = "Param1", Param2 = "Param2", Param3 = "Param3",
        ClientIP = "ClientIP", ConnType = "ConnType", ScriptBlockText = "ScriptBlockText", Payload = "Payload",
        ContextInfo = "ContextInfo", HostApplication = "HostApplication", Data = "Data", Message = "Message",
        ServerName = "ServerName", UserName = "UserName", ClientMachine = "ClientMachine",
        TicketEncryptionType = "TicketEncryptionType", PreAuthType = "PreAuthType", Hashes = "Hashes",
        Connection = "connection", ResourceUri = "resourceUri", AuthenticationMechanism = "authenticationMechanism",
        SshPayload = "payload", SshProcess = "process",
        // Hopwatch-added, for events that are not Windows events (Linux, Defender): keep the meaning explicit.
        DefenderTable = "DefenderTable", ActionType = "ActionType", SyslogProgram = "SyslogProgram", SyslogPid = "SyslogPid";

    /// <summary>
    /// Vendor name → canonical name, per format. Order matters only in that the first alias giving
    /// a canonical name wins when a source carries several candidates.
    /// </summary>
    public static readonly IReadOnlyList<Alias> Aliases =
    [
        // ---- NXLog / Security-Datasets flat JSON: EventData names are already at top level. ----
        new(SourceFormat.JsonFlat, "Hostname", Computer),
        new(SourceFormat.JsonFlat, "host", Computer),
        new(SourceFormat.JsonFlat, "SourceName", Provider_Name),
        new(SourceFormat.JsonFlat, "ProviderName", Provider_Name),
        new(SourceFormat.JsonFlat, "ProviderGuid", Provider_Guid),
        new(SourceFormat.JsonFlat, "RecordNumber", EventRecordID),
        new(SourceFormat.JsonFlat, "RecordId", EventRecordID),
        new(SourceFormat.JsonFlat, "ExecutionProcessID", Execution_ProcessID),
        new(SourceFormat.JsonFlat, "ThreadID", Execution_ThreadID),
        new(SourceFormat.JsonFlat, "ActivityID", Correlation_ActivityID),
        new(SourceFormat.JsonFlat, "UserID", Security_UserID),
        new(SourceFormat.JsonFlat, "OpcodeValue", Opcode),
        new(SourceFormat.JsonFlat, "EventId", EventID),
        new(SourceFormat.JsonFlat, "event_id", EventID),
        // Older NXLog/Windows exports name the logon source address this way.
        new(SourceFormat.JsonFlat, "SourceNetworkAddress", IpAddress),
        // Winlogbeat 6.x (before ECS) wrote these at top level, EventData under event_data.*.
        new(SourceFormat.JsonFlat, "log_name", Channel),
        new(SourceFormat.JsonFlat, "computer_name", Computer),
        new(SourceFormat.JsonFlat, "source_name", Provider_Name),
        new(SourceFormat.JsonFlat, "record_number", EventRecordID),

        // ---- Winlogbeat / ECS ----
        new(SourceFormat.JsonEcs, "winlog.event_id", EventID),
        new(SourceFormat.JsonEcs, "event.code", EventID),
        new(SourceFormat.JsonEcs, "winlog.channel", Channel),
        new(SourceFormat.JsonEcs, "winlog.computer_name", Computer),
        new(SourceFormat.JsonEcs, "host.name", Computer),
        new(SourceFormat.JsonEcs, "host.hostname", Computer),
        new(SourceFormat.JsonEcs, "winlog.provider_name", Provider_Name),
        new(SourceFormat.JsonEcs, "event.provider", Provider_Name),
        new(SourceFormat.JsonEcs, "winlog.provider_guid", Provider_Guid, Transform.BracedGuid),
        new(SourceFormat.JsonEcs, "winlog.record_id", EventRecordID),
        new(SourceFormat.JsonEcs, "winlog.process.pid", Execution_ProcessID),
        new(SourceFormat.JsonEcs, "winlog.process.thread.id", Execution_ThreadID),
        new(SourceFormat.JsonEcs, "winlog.activity_id", Correlation_ActivityID),
        new(SourceFormat.JsonEcs, "winlog.user.identifier", Security_UserID),
        new(SourceFormat.JsonEcs, "winlog.task", Task),
        new(SourceFormat.JsonEcs, "winlog.opcode", Opcode),
        new(SourceFormat.JsonEcs, "winlog.version", Version),
        // winlog.event_data.* and winlog.user_data.* lose their prefix (see PrefixStrips); ECS fields fill the gaps.
        new(SourceFormat.JsonEcs, "winlog.logon.type", LogonType, Transform.LogonTypeNumber),
        new(SourceFormat.JsonEcs, "winlog.logon.id", TargetLogonId),
        new(SourceFormat.JsonEcs, "source.ip", IpAddress),
        new(SourceFormat.JsonEcs, "source.port", IpPort),
        new(SourceFormat.JsonEcs, "source.domain", WorkstationName),
        new(SourceFormat.JsonEcs, "user.name", TargetUserName),
        new(SourceFormat.JsonEcs, "user.domain", TargetDomainName),
        new(SourceFormat.JsonEcs, "user.id", TargetUserSid),
        new(SourceFormat.JsonEcs, "process.executable", Image),
        new(SourceFormat.JsonEcs, "process.command_line", CommandLine),
        new(SourceFormat.JsonEcs, "process.pid", ProcessId),
        new(SourceFormat.JsonEcs, "process.parent.executable", ParentImage),
        new(SourceFormat.JsonEcs, "process.parent.command_line", ParentCommandLine),
        new(SourceFormat.JsonEcs, "process.parent.pid", ParentProcessId),
        new(SourceFormat.JsonEcs, "destination.ip", DestinationIp),
        new(SourceFormat.JsonEcs, "destination.port", DestinationPort),
        new(SourceFormat.JsonEcs, "destination.domain", DestinationHostname),
        new(SourceFormat.JsonEcs, "service.name", ServiceName),
        new(SourceFormat.JsonEcs, "message", Message),

        // ---- Sentinel SecurityEvent / WindowsEvent (EventData column names are Windows names already) ----
        new(SourceFormat.JsonSentinel, "EventSourceName", Provider_Name),
        new(SourceFormat.JsonSentinel, "Provider", Provider_Name),
        new(SourceFormat.JsonSentinel, "EventRecordId", EventRecordID),
        new(SourceFormat.JsonSentinel, "EventOriginId", Correlation_ActivityID),
        new(SourceFormat.JsonSentinel, "SourceComputerId", "SourceComputerId"),

        // ---- Defender for Endpoint Advanced Hunting (When = table; network direction decides source vs destination) ----
        new(SourceFormat.JsonDefender, "DeviceName", Computer),
        new(SourceFormat.JsonDefender, "ReportId", EventRecordID),
        new(SourceFormat.JsonDefender, "AccountName", TargetUserName, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "AccountDomain", TargetDomainName, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "AccountSid", TargetUserSid, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "LogonType", LogonType, Transform.LogonTypeNumber, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "Protocol", AuthenticationPackageName, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "LogonId", TargetLogonId, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "RemoteIP", IpAddress, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "RemotePort", IpPort, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "RemoteDeviceName", WorkstationName, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "FailureReason", FailureReason, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessFolderPath", ProcessName, When: "DeviceLogonEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessId", ProcessId, When: "DeviceLogonEvents"),
        // Outbound connection: this device is the source (Sysmon 3 names).
        new(SourceFormat.JsonDefender, "LocalIP", SourceIp, When: "DeviceNetworkEvents:Outbound"),
        new(SourceFormat.JsonDefender, "LocalPort", SourcePort, When: "DeviceNetworkEvents:Outbound"),
        new(SourceFormat.JsonDefender, "RemoteIP", DestinationIp, When: "DeviceNetworkEvents:Outbound"),
        new(SourceFormat.JsonDefender, "RemotePort", DestinationPort, When: "DeviceNetworkEvents:Outbound"),
        new(SourceFormat.JsonDefender, "RemoteUrl", DestinationHostname, When: "DeviceNetworkEvents:Outbound"),
        // Inbound connection: the remote end is the source.
        new(SourceFormat.JsonDefender, "RemoteIP", SourceIp, When: "DeviceNetworkEvents:Inbound"),
        new(SourceFormat.JsonDefender, "RemotePort", SourcePort, When: "DeviceNetworkEvents:Inbound"),
        new(SourceFormat.JsonDefender, "LocalIP", DestinationIp, When: "DeviceNetworkEvents:Inbound"),
        new(SourceFormat.JsonDefender, "LocalPort", DestinationPort, When: "DeviceNetworkEvents:Inbound"),
        new(SourceFormat.JsonDefender, "InitiatingProcessFolderPath", Image, When: "DeviceNetworkEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessId", ProcessId, When: "DeviceNetworkEvents"),
        // Process creation: the new process, and the initiating process as its parent.
        new(SourceFormat.JsonDefender, "FolderPath", Image, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "ProcessCommandLine", CommandLine, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "ProcessId", ProcessId, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessFolderPath", ParentImage, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessCommandLine", ParentCommandLine, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessId", ParentProcessId, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "ProcessVersionInfoOriginalFileName", OriginalFileName, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "AccountName", TargetUserName, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "AccountDomain", TargetDomainName, When: "DeviceProcessEvents"),
        new(SourceFormat.JsonDefender, "LogonId", LogonId, When: "DeviceProcessEvents"),
        // File and image-load events: the initiating process acted on FolderPath.
        new(SourceFormat.JsonDefender, "FolderPath", TargetFilename, When: "DeviceFileEvents"),
        new(SourceFormat.JsonDefender, "FolderPath", ImageLoaded, When: "DeviceImageLoadEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessFolderPath", Image, When: "DeviceFileEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessFolderPath", Image, When: "DeviceImageLoadEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessFolderPath", Image, When: "DeviceEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessCommandLine", CommandLine, When: "DeviceFileEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessCommandLine", CommandLine, When: "DeviceEvents"),
        new(SourceFormat.JsonDefender, "InitiatingProcessAccountName", SubjectUserName),
        new(SourceFormat.JsonDefender, "InitiatingProcessAccountDomain", SubjectDomainName),
        new(SourceFormat.JsonDefender, "InitiatingProcessAccountSid", SubjectUserSid),
        new(SourceFormat.JsonDefender, "InitiatingProcessLogonId", SubjectLogonId),
        new(SourceFormat.JsonDefender, "RemoteIP", IpAddress, When: "DeviceEvents"),
        new(SourceFormat.JsonDefender, "RemotePort", IpPort, When: "DeviceEvents"),
        new(SourceFormat.JsonDefender, "AccountName", TargetUserName, When: "DeviceEvents"),
        new(SourceFormat.JsonDefender, "AccountDomain", TargetDomainName, When: "DeviceEvents"),
        new(SourceFormat.JsonDefender, "FileName", ServiceName, When: "DeviceEvents:ServiceInstalled"),
        new(SourceFormat.JsonDefender, "FolderPath", ImagePath, When: "DeviceEvents:ServiceInstalled"),

        // ---- journalctl -o json ----
        new(SourceFormat.Journald, "_HOSTNAME", Computer),
        new(SourceFormat.Journald, "SYSLOG_IDENTIFIER", SyslogProgram),
        new(SourceFormat.Journald, "_COMM", SyslogProgram),
        new(SourceFormat.Journald, "_PID", SyslogPid),
        new(SourceFormat.Journald, "SYSLOG_PID", SyslogPid),
        new(SourceFormat.Journald, "MESSAGE", Message),
    ];

    /// <summary>Prefixes dropped to reach the Windows EventData name: `winlog.event_data.LogonType` → `LogonType`.</summary>
    public static readonly IReadOnlyList<(SourceFormat Format, string Prefix)> PrefixStrips =
    [
        (SourceFormat.JsonFlat, "event_data."),
        (SourceFormat.JsonEcs, "winlog.event_data."),
        (SourceFormat.JsonEcs, "winlog.user_data."),
        (SourceFormat.JsonSentinel, "EventData."),
        (SourceFormat.JsonSentinel, "EventData.Data."),
    ];

    /// <summary>Fields holding the event time, most precise first, per format.</summary>
    public static readonly IReadOnlyDictionary<SourceFormat, string[]> TimeFields = new Dictionary<SourceFormat, string[]>
    {
        [SourceFormat.JsonFlat] = ["TimeCreated", "EventTime", "@timestamp", "TimeGenerated", "timestamp"],
        [SourceFormat.JsonEcs] = ["@timestamp", "event.created", "winlog.time_created"],
        [SourceFormat.JsonSentinel] = ["TimeCreated", "TimeGenerated", "timestamp"],
        [SourceFormat.JsonDefender] = ["Timestamp", "TimeGenerated", "timestamp"],
        [SourceFormat.Journald] = ["__REALTIME_TIMESTAMP", "_SOURCE_REALTIME_TIMESTAMP"],
    };

    /// <summary>Defender logon and process rows carry the Windows event they stand for; the id is synthesised from table and ActionType.</summary>
    public static readonly IReadOnlyList<(string Table, string? ActionType, int EventId)> DefenderEventIds =
    [
        ("DeviceLogonEvents", "LogonSuccess", 4624),
        ("DeviceLogonEvents", "LogonFailed", 4625),
        ("DeviceLogonEvents", "LogonAttempted", 4648),
        ("DeviceProcessEvents", "ProcessCreated", 4688),
        ("DeviceProcessEvents", null, 4688),
        ("DeviceNetworkEvents", null, 3),
        ("DeviceFileEvents", null, 11),
        ("DeviceImageLoadEvents", null, 7),
        ("DeviceEvents", "ServiceInstalled", 7045),
        ("DeviceEvents", "ScheduledTaskCreated", 4698),
    ];

    /// <summary>Logon type names (ECS `winlog.logon.type`, Defender `LogonType`) → Windows numbers.</summary>
    public static readonly IReadOnlyDictionary<string, string> LogonTypeNumbers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["System"] = "0", ["Interactive"] = "2", ["Network"] = "3", ["Batch"] = "4", ["Service"] = "5",
        ["Proxy"] = "6", ["Unlock"] = "7", ["NetworkCleartext"] = "8", ["NewCredentials"] = "9",
        ["RemoteInteractive"] = "10", ["CachedInteractive"] = "11", ["CachedRemoteInteractive"] = "12",
        ["CachedUnlock"] = "13",
    };

    private static readonly Lazy<string[]> KnownNamesLazy = new(() =>
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var f in typeof(FieldMap).GetFields())
            if (f.IsLiteral && f.FieldType == typeof(string)) set.Add((string)f.GetRawConstantValue()!);
        foreach (var a in Aliases) { set.Add(a.To); }
        return set.ToArray();
    });

    /// <summary>Every canonical name, for interning (so lookups by these constants are reference compares).</summary>
    public static IReadOnlyList<string> KnownNames => KnownNamesLazy.Value;
}
