namespace Hopwatch.Sigma;

/// <summary>A detection rule compiled for one log-source mapping (or for none: runs on every event).</summary>
internal sealed class SigmaCompiledVariant
{
    private volatile SigmaMatchNode? _node;
    private Func<SigmaMatchNode>? _build;

    public required SigmaRule Rule { get; init; }
    /// <summary>Position of the rule in the set (for per-event de-duplication and correlation lookup).</summary>
    public required int RuleIndex { get; init; }
    public SigmaLogSourceMapping? Mapping { get; init; }

    /// <summary>
    /// The variant's test. Given at once, or built by <see cref="Build"/> on first use: a rule loaded with what an
    /// earlier run learned about it (<see cref="SigmaParseCache"/>) is indexed without compiling it, and most rules
    /// never pass the prefilter, so most are never compiled at all.
    /// </summary>
    public SigmaMatchNode Node
    {
        get => _node ?? BuildOnce();
        init => _node = value;
    }

    /// <summary>Compiles the test on first use (instead of <see cref="Node"/> given at once).</summary>
    public Func<SigmaMatchNode>? Build { init => _build = value; }

    /// <summary>
    /// As <see cref="Build"/>, one function for many variants, given the variant (its rule and mapping say what to
    /// compile): a set from a snapshot makes no closure and delegate per variant.
    /// </summary>
    public Func<SigmaCompiledVariant, SigmaMatchNode>? BuildFrom { init => _buildFrom = value; }
    private Func<SigmaCompiledVariant, SigmaMatchNode>? _buildFrom;

    /// <summary>Whether the test has been compiled (given at once or built since).</summary>
    public bool IsBuilt => _node is not null;

    /// <summary>EventIDs this variant is filed under: the mapping's, narrowed by what the detection requires; empty = any.</summary>
    public IReadOnlyList<int> EventIds { get; init; } = [];
    /// <summary>Position in <see cref="SigmaRuleSet.Variants"/> (the prefilter marks variants by it).</summary>
    public int Ordinal { get; init; }
    /// <summary>Texts one of which the event must contain for the variant to match (<see cref="SigmaRequiredLiterals"/>); null: none known, always test.</summary>
    public SigmaLiteralAtom[]? RequiredLiterals
    {
        // Several threads may ask at once: each reads the same texts, any one array is kept.
        get => _required ?? (_requiredFrom is { } read ? _required = read(this) : null);
        init => _required = value;
    }
    private SigmaLiteralAtom[]? _required;

    /// <summary>
    /// As <see cref="RequiredLiterals"/> (then not null), read on first use: a set from a snapshot has its prefilter and
    /// index already, and a hunt reads no variant's texts after that (14,000 of them for the Windows rules).
    /// </summary>
    public Func<SigmaCompiledVariant, SigmaLiteralAtom[]>? RequiredLiteralsFrom { init => _requiredFrom = value; }
    private Func<SigmaCompiledVariant, SigmaLiteralAtom[]>? _requiredFrom;

    /// <summary>Whether <see cref="RequiredLiterals"/> is not null (the prefilter may leave the variant closed), without reading them.</summary>
    public bool HasRequiredLiterals => _required is not null || _requiredFrom is not null;

    private SigmaMatchNode BuildOnce()
    {
        if (_build is null && _buildFrom is null) throw new InvalidOperationException("variant has neither a test nor a way to build one");
        // Detectors on several threads may reach the same variant at once: one builds, the others wait for it.
        lock (this)
        {
            return _node ??= _build is { } build ? build() : _buildFrom!(this);
        }
    }
}
