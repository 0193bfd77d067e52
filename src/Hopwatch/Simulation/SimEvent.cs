namespace Hopwatch.Simulation;

/// <summary>
/// One simulated event, format-neutral: the schema says what it is, <see cref="Values"/> hold its
/// EventData/UserData values in schema order. Writers render it as EVTX, JSON or an auth.log line.
/// </summary>
public sealed class SimEvent
{
    public required DateTime Time { get; init; }
    public required SimHost Host { get; init; }
    public required EventSchema Schema { get; init; }
    public required string?[] Values { get; init; }
    /// <summary>System/Security UserID (Sysmon, TerminalServices, WinRM, PowerShell); null for Security.</summary>
    public string? UserSid { get; init; }
    /// <summary>Creation order: breaks time ties so sorting is stable and deterministic.</summary>
    public long Sequence { get; set; }
    /// <summary>EventRecordID: per host and channel, in time order; set by the simulator.</summary>
    public long RecordId { get; set; }

    public string? Get(string field)
    {
        int i = Schema.IndexOf(field);
        return i >= 0 ? Values[i] : null;
    }
}
