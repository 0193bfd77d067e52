namespace Hopwatch.Simulation.Evtx;

/// <summary>Everything one EVTX record carries: the System values and the event's data values in shape order.</summary>
public sealed class EvtxRecordData
{
    public required EvtxTemplateShape Shape { get; init; }
    public required string Provider { get; init; }
    public Guid ProviderGuid { get; init; }
    public ushort EventId { get; init; }
    public byte Version { get; init; }
    public byte Level { get; init; }
    public ushort Task { get; init; }
    public byte Opcode { get; init; }
    public ulong Keywords { get; init; }
    public DateTime Time { get; init; }
    public ulong RecordId { get; init; }
    public uint ProcessId { get; init; }
    public uint ThreadId { get; init; }
    public required string Channel { get; init; }
    public required string Computer { get; init; }
    /// <summary>System/Security UserID; null gives an empty &lt;Security/&gt;.</summary>
    public string? UserSid { get; init; }
    /// <summary>One value per <see cref="EvtxTemplateShape.DataNames"/>; null gives an empty element.</summary>
    public required IReadOnlyList<string?> Values { get; init; }
}
