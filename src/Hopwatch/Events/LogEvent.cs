namespace Hopwatch.Events;

/// <summary>
/// One event from any evidence source. The raw <see cref="Fields"/> are kept for Sigma; the typed
/// properties below are the normalised view analytics use (filled by the normaliser; null when the
/// source does not carry the information). Host and user names in the typed view are lower-cased.
/// </summary>
public sealed class LogEvent
{
    // --- provenance ---
    /// <summary>File (or archive!entry) the event came from, as the user named it.</summary>
    public string File { get; set; } = "";
    /// <summary>EVTX record id, or the line number for line-oriented sources.</summary>
    public long RecordId { get; set; }
    public SourceFormat Format { get; set; }

    // --- header (every source) ---
    public DateTime Time { get; set; } // always DateTimeKind.Utc
    public int EventId { get; set; }
    public string Channel { get; set; } = "";
    public string Provider { get; set; } = "";
    /// <summary>The computer as the source wrote it (unnormalised).</summary>
    public string Computer { get; set; } = "";

    /// <summary>Raw fields: System fields (EventID, Channel, Provider_Name, Computer, ...) and EventData/UserData.</summary>
    /// <remarks>
    /// Made on first use: readers set their own (the EVTX reader an exact-size copy), and an empty one made with
    /// every event only to be replaced was 2.6 MB of the bench hunt's reading. Events are filled on one thread
    /// before others see them, so the lazy default is not raced for writing.
    /// </remarks>
    public EventFields Fields { get => _fields ??= new(); set => _fields = value; }
    private EventFields? _fields;

    // --- normalised view ---
    public EventKind Kind { get; set; }
    /// <summary>Host that logged the event, lower-case FQDN as given.</summary>
    public string? Host { get; set; }
    /// <summary>Host without domain, lower-case.</summary>
    public string? HostShort { get; set; }

    /// <summary>The account the event is about (target user for logons), lower-case.</summary>
    public string? UserName { get; set; }
    public string? UserDomain { get; set; }
    public string? UserSid { get; set; }
    /// <summary>The account that acted (subject), when distinct from the target.</summary>
    public string? SubjectUserName { get; set; }
    public string? SubjectDomain { get; set; }
    /// <summary>For explicit-credential events (4648): the credentials used.</summary>
    public string? TargetServer { get => _net?.TargetServer; set { if (value is not null || _net is not null) Net.TargetServer = value; } }

    public string? SourceHost { get => _net?.SourceHost; set { if (value is not null || _net is not null) Net.SourceHost = value; } }
    public string? SourceIp { get => _net?.SourceIp; set { if (value is not null || _net is not null) Net.SourceIp = value; } }
    public int? SourcePort { get => _net?.SourcePort; set { if (value is not null || _net is not null) Net.SourcePort = value; } }
    public string? DestinationHost { get; set; }
    public string? DestinationIp { get => _net?.DestinationIp; set { if (value is not null || _net is not null) Net.DestinationIp = value; } }
    public int? DestinationPort { get => _net?.DestinationPort; set { if (value is not null || _net is not null) Net.DestinationPort = value; } }

    public int? LogonType { get => _net?.LogonType; set { if (value is not null || _net is not null) Net.LogonType = value; } }
    /// <summary>Logon id (hex, lower-case, e.g. "0x3e7") linking events of one session on a host.</summary>
    public string? LogonId { get; set; }
    /// <summary>NTLM, Kerberos, Negotiate, or as given.</summary>
    public string? AuthPackage { get => _net?.AuthPackage; set { if (value is not null || _net is not null) Net.AuthPackage = value; } }
    public string? LogonProcess { get => _net?.LogonProcess; set { if (value is not null || _net is not null) Net.LogonProcess = value; } }
    public int? KeyLength { get => _net?.KeyLength; set { if (value is not null || _net is not null) Net.KeyLength = value; } }
    public string? ElevatedToken { get => _net?.ElevatedToken; set { if (value is not null || _net is not null) Net.ElevatedToken = value; } }

    public string? ProcessImage { get; set; }
    public string? CommandLine { get => _proc?.CommandLine; set { if (value is not null || _proc is not null) Proc.CommandLine = value; } }
    public string? ParentImage { get => _proc?.ParentImage; set { if (value is not null || _proc is not null) Proc.ParentImage = value; } }
    public string? ParentCommandLine { get => _proc?.ParentCommandLine; set { if (value is not null || _proc is not null) Proc.ParentCommandLine = value; } }
    public long? ProcessId { get; set; }
    public long? ParentProcessId { get => _proc?.ParentProcessId; set { if (value is not null || _proc is not null) Proc.ParentProcessId = value; } }
    public string? TargetImage { get => _proc?.TargetImage; set { if (value is not null || _proc is not null) Proc.TargetImage = value; } }

    public string? ShareName { get => _obj?.ShareName; set { if (value is not null || _obj is not null) Obj.ShareName = value; } }
    public string? RelativeTargetName { get => _obj?.RelativeTargetName; set { if (value is not null || _obj is not null) Obj.RelativeTargetName = value; } }
    public string? AccessMask { get => _obj?.AccessMask; set { if (value is not null || _obj is not null) Obj.AccessMask = value; } }

    public string? ServiceName { get => _obj?.ServiceName; set { if (value is not null || _obj is not null) Obj.ServiceName = value; } }
    public string? ServiceImage { get => _obj?.ServiceImage; set { if (value is not null || _obj is not null) Obj.ServiceImage = value; } }
    public string? TaskName { get => _obj?.TaskName; set { if (value is not null || _obj is not null) Obj.TaskName = value; } }

    public string? Status { get => _net?.Status; set { if (value is not null || _net is not null) Net.Status = value; } }
    public string? SubStatus { get => _net?.SubStatus; set { if (value is not null || _net is not null) Net.SubStatus = value; } }
    public string? FailureReason { get => _net?.FailureReason; set { if (value is not null || _net is not null) Net.FailureReason = value; } }

    /// <summary>RDP session id (LocalSessionManager) where applicable.</summary>
    public string? SessionId { get => _net?.SessionId; set { if (value is not null || _net is not null) Net.SessionId = value; } }
    /// <summary>Free text message (auth.log line, PowerShell script block, ...).</summary>
    public string? Message { get => _obj?.Message; set { if (value is not null || _obj is not null) Obj.Message = value; } }

    // Less common typed fields live in side objects made when one of them is first set: a LogEvent held every
    // field inline (408 bytes) although most events carry a few of them, and a hunt keeps every event it reads
    // (21 MB of the bench hunt's 65 MB of reading was LogEvents). Setting null where nothing was set makes nothing.
    private NetworkDetail? _net;
    private NetworkDetail Net => _net ??= new();
    private ProcessDetail? _proc;
    private ProcessDetail Proc => _proc ??= new();
    private ObjectDetail? _obj;
    private ObjectDetail Obj => _obj ??= new();

    /// <summary>The logon, credential and network-connection details.</summary>
    private sealed class NetworkDetail
    {
        public string? TargetServer;
        public string? SourceHost;
        public string? SourceIp;
        public int? SourcePort;
        public string? DestinationIp;
        public int? DestinationPort;
        public int? LogonType;
        public string? AuthPackage;
        public string? LogonProcess;
        public int? KeyLength;
        public string? ElevatedToken;
        public string? Status;
        public string? SubStatus;
        public string? FailureReason;
        public string? SessionId;
    }

    /// <summary>The process details beyond the image and id.</summary>
    private sealed class ProcessDetail
    {
        public string? CommandLine;
        public string? ParentImage;
        public string? ParentCommandLine;
        public long? ParentProcessId;
        public string? TargetImage;
    }

    /// <summary>The share, service and task objects, and free text.</summary>
    private sealed class ObjectDetail
    {
        public string? ShareName;
        public string? RelativeTargetName;
        public string? AccessMask;
        public string? ServiceName;
        public string? ServiceImage;
        public string? TaskName;
        public string? Message;
    }

    public override string ToString() => $"{Time:O} {Computer} {Channel}/{EventId} #{RecordId}";
}
