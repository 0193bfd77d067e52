namespace Hopwatch.Sigma;

/// <summary>
/// Finds, per event, the rule variants that may match it: each variant with known required texts
/// (<see cref="SigmaCompiledVariant.RequiredLiterals"/>) is "opened" when one of them occurs in its field,
/// and only opened variants are tested. All texts of one field share one <see cref="SigmaLiteralFinder"/>,
/// so the check costs one pass over each field value instead of a test per rule. A process-creation event
/// thus runs a few dozen of the ~1,200 process-creation rules instead of all of them.
/// Immutable after construction; per-thread scratch lives in <see cref="SigmaPrefilterState"/>.
/// </summary>
internal sealed class SigmaPrefilter
{
    /// <summary>Below this many gated variants a channel/EventID bucket tests its rules directly (scanning would cost more).</summary>
    public const int MinGatedPerBucket = 12;

    /// <summary>Per field: its texts (and the global number of the first), and the variants any non-ASCII value opens.</summary>
    private sealed record FieldGate(SigmaLiteralFinder? Finder, int FirstLiteral, int[] NonAsciiVariants);

    private readonly Dictionary<int, FieldGate> _byField = new();

    /// <summary>Per global literal number: the variant ordinals it opens.</summary>
    internal int[][] LiteralVariants { get; }
    public int VariantCount { get; }
    public int LiteralCount => LiteralVariants.Length;

    public SigmaPrefilter(IReadOnlyList<SigmaCompiledVariant> variants)
    {
        VariantCount = variants.Count;
        var byField = new Dictionary<int, Dictionary<string, List<int>>>();
        var nonAscii = new Dictionary<int, List<int>>();
        foreach (var v in variants)
        {
            if (v.RequiredLiterals is null) continue;
            foreach (var atom in v.RequiredLiterals)
            {
                if (!byField.TryGetValue(atom.FieldId, out var texts)) byField[atom.FieldId] = texts = new(StringComparer.Ordinal);
                if (atom.NonAscii)
                {
                    if (!nonAscii.TryGetValue(atom.FieldId, out var opened)) nonAscii[atom.FieldId] = opened = new();
                    if (opened.Count == 0 || opened[^1] != v.Ordinal) opened.Add(v.Ordinal);
                    continue;
                }
                if (!texts.TryGetValue(atom.Text, out var list)) texts[atom.Text] = list = new();
                if (list.Count == 0 || list[^1] != v.Ordinal) list.Add(v.Ordinal);
            }
        }
        var literalVariants = new List<int[]>();
        var fieldIds = new int[byField.Count];
        byField.Keys.CopyTo(fieldIds, 0);
        Array.Sort(fieldIds);
        foreach (int field in fieldIds)
        {
            var texts = byField[field];
            var literals = texts.Keys.ToList();
            var opened = nonAscii.TryGetValue(field, out var list) ? list.ToArray() : [];
            _byField[field] = new FieldGate(literals.Count > 0 ? new SigmaLiteralFinder(literals) : null, literalVariants.Count, opened);
            foreach (var lit in literals) literalVariants.Add(texts[lit].ToArray());
        }
        LiteralVariants = literalVariants.ToArray();
    }

    /// <summary>The fields to scan for a bucket of candidates, or empty when the bucket should not be gated.</summary>
    public int[] ScanFieldsFor(IReadOnlyList<SigmaCompiledVariant> candidates)
    {
        int gated = 0;
        foreach (var v in candidates)
            if (v.RequiredLiterals is not null) gated++;
        if (gated < MinGatedPerBucket) return [];
        // Plain loops over ints: LINQ's int instantiations are compiled at run time on every load.
        var fields = new List<int>();
        foreach (var v in candidates)
            if (v.RequiredLiterals is { } atoms)
                foreach (var a in atoms) fields.Add(a.FieldId);
        fields.Sort();
        int n = 0;
        for (int i = 0; i < fields.Count; i++)
            if (n == 0 || fields[i] != fields[n - 1]) fields[n++] = fields[i];
        return fields.GetRange(0, n).ToArray();
    }

    /// <summary>Opens (in <paramref name="state"/>) every variant whose required text occurs in one of <paramref name="fields"/> of the bound event.</summary>
    public void Open(SigmaEventView view, int[] fields, SigmaPrefilterState state)
    {
        var sink = state.BeginEvent(this);
        foreach (int field in fields)
        {
            int index = view.IndexOf(field);
            if (index < 0) continue;
            string? value = view.Event.Fields.ValueAt(index);
            if (string.IsNullOrEmpty(value)) continue;
            var gate = _byField[field];
            // ASCII texts are searched in the value itself, upper-cased on the fly: most scanned values are read by
            // no test afterwards, so copying them upper-cased (as a few texts with other letters need) is wasted.
            if (gate.Finder is not null)
            {
                sink.FirstLiteral = gate.FirstLiteral;
                if (gate.Finder.AllAscii) gate.Finder.Scan(value, fold: true, ref sink);
                else gate.Finder.Scan(view.Folded(index, value), ref sink);
            }
            // Any non-ASCII character in the value: a superset of the upper-cased copy having one (ASCII stays ASCII),
            // so no rule that could match is left closed.
            if (gate.NonAsciiVariants.Length > 0 && !System.Text.Ascii.IsValid(value)) sink.OpenAll(gate.NonAsciiVariants);
        }
    }
}

/// <summary>One detector's scratch for <see cref="SigmaPrefilter"/>: which variants are open for the current event.</summary>
internal sealed class SigmaPrefilterState
{
    private int[] _variantOpen = [];
    private int[] _literalSeen = [];
    private int _generation;

    public bool IsOpen(int ordinal) => _variantOpen[ordinal] == _generation;

    internal Marker BeginEvent(SigmaPrefilter prefilter)
    {
        if (_variantOpen.Length != prefilter.VariantCount) _variantOpen = new int[prefilter.VariantCount];
        if (_literalSeen.Length != prefilter.LiteralCount) _literalSeen = new int[prefilter.LiteralCount];
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_variantOpen);
            Array.Clear(_literalSeen);
            _generation = 1;
        }
        return new Marker { Open = _variantOpen, Seen = _literalSeen, Generation = _generation, LiteralVariants = prefilter.LiteralVariants };
    }

    internal struct Marker : ILiteralSink
    {
        public int[] Open, Seen;
        public int[][] LiteralVariants;
        public int Generation, FirstLiteral;

        public readonly void OpenAll(int[] variants)
        {
            foreach (int v in variants) Open[v] = Generation;
        }

        public void Found(int literal)
        {
            int g = FirstLiteral + literal;
            if (Seen[g] == Generation) return;
            Seen[g] = Generation;
            foreach (int v in LiteralVariants[g]) Open[v] = Generation;
        }
    }
}
