using Hopwatch.Events;

namespace Hopwatch.Sigma;

/// <summary>
/// Something a correlation consumes: one event matched by a detection rule, or a hit of another
/// (chained) correlation. Field values come from the group of the inner correlation first, then from the events.
/// </summary>
internal sealed class SigmaMatch
{
    public required int SourceIndex { get; init; }
    public required DateTime Time { get; init; }
    public required IReadOnlyList<LogEvent> Events { get; init; }
    public IReadOnlyDictionary<string, string>? GroupValues { get; init; }

    public string? Field(string name)
    {
        if (GroupValues is not null && GroupValues.TryGetValue(name, out var v)) return v;
        for (int i = Events.Count - 1; i >= 0; i--)
            if (Events[i].Fields.TryGet(name, out var s) && s is not null) return s;
        return null;
    }
}

/// <summary>A correlation that fired: the group, the events behind it, and the measured value.</summary>
internal sealed class SigmaCorrelationHit
{
    public required SigmaCompiledCorrelation Correlation { get; init; }
    public required Dictionary<string, string> GroupValues { get; init; }
    public required List<LogEvent> Events { get; init; }
    public required int EventTotal { get; init; }
    public required DateTime TimeFirst { get; init; }
    public required DateTime TimeLast { get; init; }
    public required double Value { get; init; }
    /// <summary>For value_percentile: the field value whose share fired.</summary>
    public string? ForValue { get; init; }
}
