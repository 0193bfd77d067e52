namespace Hopwatch.Sigma;

public enum SigmaCorrelationType { EventCount, ValueCount, Temporal, TemporalOrdered, ValueSum, ValueAvg, ValuePercentile }

/// <summary>A correlation rule's `correlation` section.</summary>
public sealed class SigmaCorrelation
{
    public required SigmaCorrelationType Type { get; init; }
    /// <summary>Referenced rules, by id or name, in order (temporal_ordered uses the order).</summary>
    public required IReadOnlyList<string> Rules { get; init; }
    public IReadOnlyList<string> GroupBy { get; init; } = [];
    public required TimeSpan Timespan { get; init; }
    /// <summary>Conditions, all of which must hold (a range is two of them). Empty for temporal = "all rules seen".</summary>
    public IReadOnlyList<(SigmaCompare Op, double Value)> Condition { get; init; } = [];
    /// <summary>The field of value_count/value_sum/value_avg/value_percentile.</summary>
    public string? Field { get; init; }
    /// <summary>alias → (rule name or id → field name).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Aliases { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();
    /// <summary>Also emit the referenced rules' own alerts.</summary>
    public bool Generate { get; init; }

    public static string TypeName(SigmaCorrelationType t) => t switch
    {
        SigmaCorrelationType.EventCount => "event_count",
        SigmaCorrelationType.ValueCount => "value_count",
        SigmaCorrelationType.Temporal => "temporal",
        SigmaCorrelationType.TemporalOrdered => "temporal_ordered",
        SigmaCorrelationType.ValueSum => "value_sum",
        SigmaCorrelationType.ValueAvg => "value_avg",
        _ => "value_percentile",
    };

    public bool ConditionHolds(double value)
    {
        foreach (var (op, bound) in Condition)
            if (!SigmaNumericMatcher.Compare(op, value, bound)) return false;
        return true;
    }

    /// <summary>True when the condition can only become true as more events arrive (so it can fire as soon as it holds).</summary>
    public bool IsMonotone => Condition.Count > 0 && Condition.All(c => c.Op is SigmaCompare.Gt or SigmaCompare.Gte);
}
