using Hopwatch.Simulation.Evtx;

namespace Hopwatch.Simulation;

/// <summary>
/// One kind of event as its producer writes it: provider, channel, event id, System header values
/// and the EventData (or UserData) field names in the producer's order. Linux auth.log lines use
/// <see cref="IsLinuxLine"/> schemas with fields program, pid, message.
/// </summary>
public sealed class EventSchema
{
    public required string Provider { get; init; }
    public Guid ProviderGuid { get; init; }
    public required string Channel { get; init; }
    public int EventId { get; init; }
    public byte Version { get; init; }
    public byte Level { get; init; }
    public ushort Task { get; init; }
    public byte Opcode { get; init; }
    public ulong Keywords { get; init; }
    /// <summary>Task name as Winlogbeat renders it (winlog.task).</summary>
    public string TaskName { get; init; } = "";
    /// <summary>ECS event.action.</summary>
    public string Action { get; init; } = "";
    public required string[] Fields { get; init; }
    public bool IsLinuxLine { get; init; }
    public EvtxTemplateShape Shape { get; init; } = null!;
    public bool IsUserData => Shape?.UserDataElement is not null;
    public string Key => Channel + "/" + EventId;

    public int IndexOf(string field) => Array.IndexOf(Fields, field);
}
