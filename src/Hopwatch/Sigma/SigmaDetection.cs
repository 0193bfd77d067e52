namespace Hopwatch.Sigma;

/// <summary>
/// A rule's `detection` section as written: named searches and the condition over them. It is
/// compiled per log-source variant (field names may be mapped) by <see cref="SigmaDetectionCompiler"/>.
/// </summary>
public sealed class SigmaDetection
{
    /// <summary>Search identifiers in rule order.</summary>
    public required IReadOnlyList<SigmaSearch> Searches { get; init; }
    public required SigmaConditionNode Condition { get; init; }
    /// <summary>The condition text(s) as written, for listing.</summary>
    public required string ConditionText { get; init; }
    public int Line { get; init; }

    public SigmaSearch? Find(string name)
    {
        foreach (var s in Searches) if (s.Name == name) return s;
        return null;
    }

    /// <summary>Every event field the detection names (for describing a hit).</summary>
    public IEnumerable<string> FieldNames() =>
        Searches.SelectMany(s => s.Alternatives).SelectMany(a => a).Select(f => f.Field).OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase);
}

/// <summary>One search identifier: alternatives (OR) each being a set of field tests (AND).</summary>
public sealed class SigmaSearch
{
    public required string Name { get; init; }
    public required IReadOnlyList<IReadOnlyList<SigmaFieldSpec>> Alternatives { get; init; }
    public int Line { get; init; }
}

/// <summary>
/// One `field|mod1|mod2: values` entry; <see cref="Field"/> is null for keyword (field-less) searches.
/// A null entry in <see cref="Values"/> is the YAML null (field absent or empty).
/// </summary>
public sealed class SigmaFieldSpec
{
    public string? Field { get; init; }
    public required IReadOnlyList<string> Modifiers { get; init; }
    public required IReadOnlyList<string?> Values { get; init; }
    /// <summary>The values were written as a YAML list (matters for `all` on one value).</summary>
    public bool IsList { get; init; }
    public int Line { get; init; }
}
