namespace Hopwatch.Sigma;

/// <summary>A correlation rule with its referenced rules resolved to indices in the rule set. Immutable.</summary>
internal sealed class SigmaCompiledCorrelation
{
    public SigmaRule Rule { get; }
    public SigmaCorrelation Spec => Rule.Correlation!;
    public int Index { get; }
    /// <summary>Rule-set indices of the referenced rules, in the order written.</summary>
    public int[] Sources { get; }
    /// <summary>Per source position, per group-by entry: the field to read (aliases resolved).</summary>
    private readonly string[][] _groupFields;
    private readonly string?[] _valueFields;
    public SigmaOptions Options { get; }

    public SigmaCompiledCorrelation(SigmaRule rule, int index, int[] sources, IReadOnlyList<SigmaRule> allRules, SigmaOptions options)
    {
        Rule = rule;
        Index = index;
        Sources = sources;
        Options = options;
        var spec = rule.Correlation!;
        _groupFields = new string[sources.Length][];
        _valueFields = new string?[sources.Length];
        for (int s = 0; s < sources.Length; s++)
        {
            var src = allRules[sources[s]];
            _groupFields[s] = spec.GroupBy.Select(g => Alias(spec, g, src)).ToArray();
            _valueFields[s] = spec.Field is null ? null : Alias(spec, spec.Field, src);
        }
    }

    private static string Alias(SigmaCorrelation spec, string field, SigmaRule source)
    {
        if (!spec.Aliases.TryGetValue(field, out var perRule)) return field;
        if (source.Name is not null && perRule.TryGetValue(source.Name, out var f)) return f;
        return perRule.TryGetValue(source.Id, out f) ? f : field;
    }

    /// <summary>Positions of <paramref name="ruleIndex"/> among the sources (a rule may be listed more than once).</summary>
    public IEnumerable<int> PositionsOf(int ruleIndex)
    {
        for (int i = 0; i < Sources.Length; i++) if (Sources[i] == ruleIndex) yield return i;
    }

    public string GroupKey(SigmaMatch m, int position, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var fields = _groupFields[position];
        if (fields.Length == 0) return "";
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < fields.Length; i++)
        {
            string v = m.Field(fields[i]) ?? "";
            values[Spec.GroupBy[i]] = v;
            sb.Append(v.ToLowerInvariant()).Append('\u001f');
        }
        return sb.ToString();
    }

    public string? Value(SigmaMatch m, int position) => _valueFields[position] is { } f ? m.Field(f) : null;
}
