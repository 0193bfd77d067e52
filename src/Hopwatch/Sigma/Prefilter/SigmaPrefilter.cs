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
    /// <summary>Per field: its texts (and the global number of the first), and the variants any non-ASCII value opens.</summary>
    private sealed record FieldGate(SigmaLiteralFinder? Finder, int FirstLiteral, int[] NonAsciiVariants)
    {
        /// <summary>This field's scans in the <see cref="SigmaScanMemo"/>.</summary>
        public int MemoId { get; } = SigmaValueMemo.NewId();
    }

    /// <summary>By field number (an array: it is read for every scanned field of every event).</summary>
    private readonly FieldGate?[] _byField;

    /// <summary>
    /// Per global literal number g: the variant ordinals it opens are <see cref="LiteralOrdinals"/> from
    /// <c>LiteralStarts[g]</c> up to <c>LiteralStarts[g + 1]</c>, ascending (two flat arrays: one array per literal was
    /// a tenth of what loading all Windows rules allocated).
    /// </summary>
    internal int[] LiteralStarts { get; }
    internal int[] LiteralOrdinals { get; }
    public int VariantCount { get; }
    /// <summary>One more than the highest field number of a required text.</summary>
    private readonly int _fieldCount;
    public int LiteralCount => LiteralStarts.Length - 1;

    /// <summary>One field's texts while building: in the order first seen, each with its number in that order.</summary>
    private sealed class FieldTexts(int atoms)
    {
        // Sized for all of the field's atoms: growing them (rehashing every text) was a good part of the build.
        public readonly Dictionary<string, int> Numbers = new(atoms, StringComparer.Ordinal);
        public readonly List<string> Texts = new(atoms);
        public readonly List<int> NonAsciiVariants = new();
        public int FirstLiteral;
    }

    public SigmaPrefilter(IReadOnlyList<SigmaCompiledVariant> variants)
    {
        VariantCount = variants.Count;
        int atomCount = 0;
        foreach (var v in variants)
            if (v.RequiredLiterals is { } atoms)
                foreach (var atom in atoms)
                {
                    _fieldCount = Math.Max(_fieldCount, atom.FieldId + 1);
                    atomCount++;
                }
        var atomsPerField = new int[_fieldCount];
        foreach (var v in variants)
            if (v.RequiredLiterals is { } atoms)
                foreach (var atom in atoms) atomsPerField[atom.FieldId]++;
        var fields = new FieldTexts?[_fieldCount];
        // Every (field, text number, variant) in variant order: the variants of each text come out ascending.
        var pairFields = new int[atomCount];
        var pairTexts = new int[atomCount];
        var pairVariants = new int[atomCount];
        int pairs = 0;
        foreach (var v in variants)
        {
            if (v.RequiredLiterals is null) continue;
            foreach (var atom in v.RequiredLiterals)
            {
                var texts = fields[atom.FieldId] ??= new FieldTexts(atomsPerField[atom.FieldId]);
                if (atom.NonAscii)
                {
                    var opened = texts.NonAsciiVariants;
                    if (opened.Count == 0 || opened[^1] != v.Ordinal) opened.Add(v.Ordinal);
                    continue;
                }
                if (!texts.Numbers.TryGetValue(atom.Text, out int number))
                {
                    texts.Numbers[atom.Text] = number = texts.Texts.Count;
                    texts.Texts.Add(atom.Text);
                }
                pairFields[pairs] = atom.FieldId;
                pairTexts[pairs] = number;
                pairVariants[pairs++] = v.Ordinal;
            }
        }
        // Literals numbered field by field (ascending field numbers), each field's texts in the order first seen.
        _byField = new FieldGate?[_fieldCount];
        int literals = 0;
        for (int field = 0; field < fields.Length; field++)
        {
            if (fields[field] is not { } texts) continue;
            texts.FirstLiteral = literals;
            _byField[field] = new FieldGate(texts.Texts.Count > 0 ? new SigmaLiteralFinder(texts.Texts) : null, literals, texts.NonAsciiVariants.ToArray());
            literals += texts.Texts.Count;
        }
        // The variants of each literal, by a counting sort of the pairs (stable: ascending variants; repeats dropped).
        var starts = new int[literals + 1];
        var literalOf = new int[pairs];
        for (int i = 0; i < literalOf.Length; i++)
        {
            literalOf[i] = fields[pairFields[i]]!.FirstLiteral + pairTexts[i];
            starts[literalOf[i] + 1]++;
        }
        for (int g = 0; g < literals; g++) starts[g + 1] += starts[g];
        var next = (int[])starts.Clone();
        var ordinals = new int[literalOf.Length];
        for (int i = 0; i < literalOf.Length; i++)
        {
            int g = literalOf[i];
            if (next[g] > starts[g] && ordinals[next[g] - 1] == pairVariants[i]) continue; // the same variant requires the text twice
            ordinals[next[g]++] = pairVariants[i];
        }
        // Close the gaps repeats left.
        int filled = 0;
        for (int g = 0; g < literals; g++)
        {
            int from = starts[g], count = next[g] - from;
            starts[g] = filled;
            Array.Copy(ordinals, from, ordinals, filled, count);
            filled += count;
        }
        starts[literals] = filled;
        LiteralStarts = starts;
        LiteralOrdinals = filled == ordinals.Length ? ordinals : ordinals[..filled];
    }

    /// <summary>One field's part of the prefilter (what the rule-set snapshot keeps), or null when no variant requires a text of it.</summary>
    internal (SigmaLiteralFinder? Finder, int FirstLiteral, int[] NonAsciiVariants)? GateOf(int field) =>
        _byField[field] is { } gate ? (gate.Finder, gate.FirstLiteral, gate.NonAsciiVariants) : null;

    /// <summary>One more than the highest field number of a required text (the fields <see cref="GateOf"/> answers for).</summary>
    internal int FieldCount => _fieldCount;

    /// <summary>
    /// A prefilter from the parts of one built before (<see cref="GateOf"/>, <see cref="LiteralStarts"/>,
    /// <see cref="LiteralOrdinals"/>), by the rule-set snapshot. Checked as far as a scan relies on it: literal numbers
    /// and variant ordinals in range, so a bad snapshot throws <see cref="InvalidDataException"/> here.
    /// </summary>
    internal SigmaPrefilter(int variantCount, (SigmaLiteralFinder? Finder, int FirstLiteral, int[] NonAsciiVariants)?[] gates, int[] literalStarts, int[] literalOrdinals)
    {
        VariantCount = variantCount;
        _fieldCount = gates.Length;
        _byField = new FieldGate?[gates.Length];
        int literals = literalStarts.Length - 1;
        if (literals < 0 || literalStarts[0] != 0 || literalStarts[literals] != literalOrdinals.Length) throw new InvalidDataException("prefilter literal table of a wrong size");
        for (int g = 0; g < literals; g++)
            if (literalStarts[g + 1] < literalStarts[g]) throw new InvalidDataException("prefilter literal table out of order");
        foreach (int v in literalOrdinals)
            if ((uint)v >= (uint)variantCount) throw new InvalidDataException("prefilter variant out of range");
        int next = 0;
        for (int field = 0; field < gates.Length; field++)
        {
            if (gates[field] is not { } gate) continue;
            foreach (int v in gate.NonAsciiVariants)
                if ((uint)v >= (uint)variantCount) throw new InvalidDataException("prefilter variant out of range");
            // Literals are numbered field by field, each field's after the previous field's.
            if (gate.FirstLiteral != next) throw new InvalidDataException("prefilter literal numbers out of order");
            next += gate.Finder?.LiteralCount ?? 0;
            _byField[field] = new FieldGate(gate.Finder, gate.FirstLiteral, gate.NonAsciiVariants);
        }
        if (next != literals) throw new InvalidDataException("prefilter literal count differs from its finders'");
        LiteralStarts = literalStarts;
        LiteralOrdinals = literalOrdinals;
    }

    /// <summary>
    /// The fields to scan for a bucket of candidates, or empty when none of them has required texts. Every bucket with
    /// such a variant is gated, however few: the rules without a log-source mapping (file_access, file_rename: a few
    /// each) are in every Windows bucket, and buckets below a dozen gated rules (the threshold until session 9) ran
    /// them on three events in four of the bench corpus — 60 % of all rule tests, for fields those events mostly lack,
    /// which costs a scan almost nothing.
    /// </summary>
    public int[] ScanFieldsFor(IReadOnlyList<SigmaCompiledVariant> candidates)
    {
        int gated = 0;
        foreach (var v in candidates)
            if (v.RequiredLiterals is not null) gated++;
        if (gated == 0) return [];
        // Plain loops over ints: LINQ's int instantiations are compiled at run time on every load. Fields marked
        // rather than listed and sorted: a bucket of a thousand rules names a few dozen fields, thousands of times.
        var named = new bool[_fieldCount];
        int n = 0;
        foreach (var v in candidates)
            if (v.RequiredLiterals is { } atoms)
                foreach (var a in atoms)
                {
                    if (a.FieldId >= named.Length) Array.Resize(ref named, a.FieldId + 1); // candidates from another set (tests)
                    if (!named[a.FieldId]) { named[a.FieldId] = true; n++; }
                }
        var fields = new int[n];
        for (int field = 0, k = 0; k < n; field++)
            if (named[field]) fields[k++] = field;
        return fields;
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
            var gate = _byField[field]!;
            if (gate.Finder is not null)
            {
                sink.FirstLiteral = gate.FirstLiteral;
                if (value.Length < SigmaValueMemo.MinScanLength) Scan(gate.Finder, view, index, value, ref sink);
                else if (view.ScanMemo.TryGet(gate.MemoId, value, out var found, out int slot))
                {
                    // A value instance seen before in this field: report what its scan found (usually nothing).
                    foreach (int literal in found) sink.Found(literal);
                }
                else
                {
                    var recorded = state.Recorded;
                    recorded.Clear();
                    sink.Recorded = recorded;
                    Scan(gate.Finder, view, index, value, ref sink);
                    sink.Recorded = null;
                    view.ScanMemo.Remember(slot, gate.MemoId, value, recorded.Count == 0 ? [] : recorded.ToArray());
                }
            }
            // Any non-ASCII character in the value: a superset of the upper-cased copy having one (ASCII stays ASCII),
            // so no rule that could match is left closed.
            if (gate.NonAsciiVariants.Length > 0 && !System.Text.Ascii.IsValid(value)) sink.OpenAll(gate.NonAsciiVariants);
        }
    }

    private static void Scan(SigmaLiteralFinder finder, SigmaEventView view, int index, string value, ref SigmaPrefilterState.Marker sink)
    {
        // ASCII texts are searched in the value itself, upper-cased on the fly: most scanned values are read by no test
        // afterwards, so copying them upper-cased (as a few texts with other letters need) is wasted.
        if (finder.AllAscii) finder.Scan(value, fold: true, ref sink);
        else finder.Scan(view.Folded(index, value), ref sink);
    }
}

/// <summary>One detector's scratch for <see cref="SigmaPrefilter"/>: which variants are open for the current event.</summary>
internal sealed class SigmaPrefilterState
{
    /// <summary>Bit per variant ordinal: opened for the current event (cleared at each event: a few dozen words).</summary>
    private ulong[] _openBits = [];
    private int[] _literalSeen = [];
    private int _generation;

    /// <summary>Scratch for the literals one scan finds (to remember them in the <see cref="SigmaScanMemo"/>).</summary>
    internal List<int> Recorded { get; } = new();

    public bool IsOpen(int ordinal) => (_openBits[ordinal >> 6] & (1UL << ordinal)) != 0;

    /// <summary>
    /// The open variants as bits, ordinal k at bit k % 64 of word k / 64: the matcher walks them against a bucket's
    /// members a word at a time (<see cref="SigmaCandidateWalk"/>) instead of checking every candidate.
    /// </summary>
    internal ulong[] OpenBits => _openBits;

    internal Marker BeginEvent(SigmaPrefilter prefilter)
    {
        int words = (prefilter.VariantCount + 63) >> 6;
        if (_openBits.Length != words) _openBits = new ulong[words];
        else Array.Clear(_openBits);
        if (_literalSeen.Length != prefilter.LiteralCount) _literalSeen = new int[prefilter.LiteralCount];
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_literalSeen);
            _generation = 1;
        }
        return new Marker { Open = _openBits, Seen = _literalSeen, Generation = _generation, Starts = prefilter.LiteralStarts, Ordinals = prefilter.LiteralOrdinals };
    }

    internal struct Marker : ILiteralSink
    {
        public ulong[] Open;
        public int[] Seen, Starts, Ordinals;
        public int Generation, FirstLiteral;
        /// <summary>When set, each literal newly found for this event is added to it (field-relative numbers, as reported).</summary>
        public List<int>? Recorded;

        public readonly void OpenAll(int[] variants)
        {
            foreach (int v in variants) Open[v >> 6] |= 1UL << v;
        }

        public void Found(int literal)
        {
            int g = FirstLiteral + literal;
            if (Seen[g] == Generation) return;
            Seen[g] = Generation;
            Recorded?.Add(literal);
            var open = Open;
            for (int k = Starts[g], end = Starts[g + 1]; k < end; k++)
            {
                int v = Ordinals[k];
                open[v >> 6] |= 1UL << v;
            }
        }
    }
}
