namespace Hopwatch.Sigma;

/// <summary>
/// What compiling one detection rule told the loader, kept in the parsed-rule cache so that a later load of the
/// unchanged rule under the same log-source pipeline can index it without compiling it (its test is then built
/// on first use, see <see cref="SigmaCompiledVariant.Node"/>): the EventIDs its detection requires and, per
/// log-source variant, the field names the compilation numbered (in order, so the field table comes out the
/// same) and the texts the prefilter files it under. Only rules that compiled without error, use no
/// placeholders and had no meta-filter applied get facts; any other rule is compiled at load as before.
/// </summary>
internal sealed class SigmaCompileFacts
{
    /// <summary><see cref="SigmaEventIdConstraint.Of(SigmaDetection)"/>: the EventIDs the detection can only match, or null. Recorded facts only.</summary>
    public int[]? RequiredEventIds { get; init; }
    /// <summary>One per variant, in the order of <see cref="SigmaLogSourcePipeline.MappingsFor"/> (one variant when no mapping). Recorded facts only.</summary>
    public IReadOnlyList<SigmaVariantFacts> Variants { get; init; } = [];

    /// <summary>
    /// Facts from the parsed-rule cache: the rule's facts as the cache holds them (checked when it was read), read
    /// straight into the load's field table and required texts when the rule is indexed
    /// (<see cref="SigmaParseCacheFormat.ReadRuleFacts"/>), and written back as they are. Empty: recorded by this load.
    /// </summary>
    public ReadOnlyMemory<byte> Cached { get; init; }
    /// <summary>How many variants cached facts describe.</summary>
    public int CachedVariantCount { get; init; }

    /// <summary>Read from the parsed-rule cache (rather than recorded by this load's compilation).</summary>
    public bool FromCache => !Cached.IsEmpty;
    public int VariantCount => FromCache ? CachedVariantCount : Variants.Count;
}

/// <summary>One variant's share of <see cref="SigmaCompileFacts"/>.</summary>
internal sealed class SigmaVariantFacts
{
    /// <summary>Field names in the order the compilation asked the field table for them (repeats removed).</summary>
    public required string[] FieldNames { get; init; }
    /// <summary><see cref="SigmaCompiledVariant.RequiredLiterals"/> with field names instead of numbers; null: none.</summary>
    public required IReadOnlyList<SigmaNamedLiteral>? Literals { get; init; }
}

/// <summary>A <see cref="SigmaLiteralAtom"/> with its field by name (field numbers belong to one load).</summary>
internal sealed record SigmaNamedLiteral(string Field, string Text, bool NonAscii);
