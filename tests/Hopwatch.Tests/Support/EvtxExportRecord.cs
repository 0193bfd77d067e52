namespace Hopwatch.Tests.Support;

/// <summary>
/// One record as libevtx's <c>evtxexport -f xml</c> rendered it. Values are the text evtxexport printed,
/// with XML entities decoded; null means the element or attribute was absent.
/// </summary>
public sealed class EvtxExportRecord
{
    public long RecordId { get; set; } = -1;
    public string? EventId { get; set; }
    public string? EventIdQualifiers { get; set; }
    public string? Version { get; set; }
    public string? Level { get; set; }
    public string? Task { get; set; }
    public string? Opcode { get; set; }
    public string? Keywords { get; set; }
    /// <summary>TimeCreated/@SystemTime as printed, e.g. 2021-03-31T23:51:45.018767400Z (nanosecond digits).</summary>
    public string? SystemTime { get; set; }
    public string? Channel { get; set; }
    public string? Computer { get; set; }
    public string? ProviderName { get; set; }
    public string? ProviderGuid { get; set; }
    public string? ActivityId { get; set; }
    public string? ProcessId { get; set; }
    public string? ThreadId { get; set; }
    public string? UserId { get; set; }

    /// <summary>EventData children in order: Data/@Name (or the element name, e.g. "Binary", when unnamed) → text.</summary>
    public List<EvtxExportDataItem> EventData { get; } = new();

    /// <summary>UserData leaf elements (no child elements) in document order: element name → text.</summary>
    public List<KeyValuePair<string, string>> UserDataLeaves { get; } = new();

    public bool HasUserData { get; set; }

    /// <summary>Printed only by <c>evtxexport -m recovered</c>: a record outside the chunks/ranges its default mode reads.</summary>
    public bool Recovered { get; set; }

    /// <summary>The record's raw XML as evtxexport printed it, for diff listings.</summary>
    public string RawXml { get; set; } = "";

    public DateTime? TimeUtc => EvtxExportXmlParser.ParseSystemTime(SystemTime);
}

/// <summary>One EventData child. <see cref="Name"/> is null for an unnamed &lt;Data&gt;.</summary>
/// <param name="Element">The element name: "Data", "Binary", ...</param>
public sealed record EvtxExportDataItem(string Element, string? Name, string Value);
