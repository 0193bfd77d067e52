namespace Hopwatch.Sigma;

/// <summary>A detection rule compiled for one log-source mapping (or for none: runs on every event).</summary>
internal sealed class SigmaCompiledVariant
{
    public required SigmaRule Rule { get; init; }
    /// <summary>Position of the rule in the set (for per-event de-duplication and correlation lookup).</summary>
    public required int RuleIndex { get; init; }
    public SigmaLogSourceMapping? Mapping { get; init; }
    public required SigmaMatchNode Node { get; init; }
    /// <summary>EventIDs this variant is filed under: the mapping's, narrowed by what the detection requires; empty = any.</summary>
    public IReadOnlyList<int> EventIds { get; init; } = [];
    /// <summary>Position in <see cref="SigmaRuleSet.Variants"/> (the prefilter marks variants by it).</summary>
    public int Ordinal { get; init; }
    /// <summary>Texts one of which the event must contain for the variant to match (<see cref="SigmaRequiredLiterals"/>); null: none known, always test.</summary>
    public IReadOnlyList<SigmaLiteralAtom>? RequiredLiterals { get; init; }
}
