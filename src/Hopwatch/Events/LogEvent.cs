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
    public string? TargetServer { get; set; }

    public string? SourceHost { get; set; }
    public string? SourceIp { get; set; }
    public int? SourcePort { get; set; }
    public string? DestinationHost { get; set; }
    public string? DestinationIp { get; set; }
    public int? DestinationPort { get; set; }

    public int? LogonType { get; set; }
    /// <summary>Logon id (hex, lower-case, e.g. "0x3e7") linking events of one session on a host.</summary>
    public string? LogonId { get; set; }
    /// <summary>NTLM, Kerberos, Negotiate, or as given.</summary>
    public string? AuthPackage { get; set; }
    public string? LogonProcess { get; set; }
    public int? KeyLength { get; set; }
    public string? ElevatedToken { get; set; }

    public string? ProcessImage { get; set; }
    public string? CommandLine { get; set; }
    public string? ParentImage { get; set; }
    public string? ParentCommandLine { get; set; }
    public long? ProcessId { get; set; }
    public long? ParentProcessId { get; set; }
    public string? TargetImage { get; set; }

    public string? ShareName { get; set; }
    public string? RelativeTargetName { get; set; }
    public string? AccessMask { get; set; }

    public string? ServiceName { get; set; }
    public string? ServiceImage { get; set; }
    public string? TaskName { get; set; }

    public string? Status { get; set; }
    public string? SubStatus { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>RDP session id (LocalSessionManager) where applicable.</summary>
    public string? SessionId { get; set; }
    /// <summary>Free text message (auth.log line, PowerShell script block, ...).</summary>
    public string? Message { get; set; }

    public override string ToString() => $"{Time:O} {Computer} {Channel}/{EventId} #{RecordId}";
}
