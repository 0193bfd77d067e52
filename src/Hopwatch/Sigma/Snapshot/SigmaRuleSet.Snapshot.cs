using System.Runtime.InteropServices;
using System.Text;

namespace Hopwatch.Sigma;

/// <summary>The rule set's side of <see cref="SigmaRuleSetSnapshot"/>: what it writes of itself, and how it is made again from that.</summary>
public sealed partial class SigmaRuleSet
{
    /// <summary>Whether this set was made from a snapshot (<see cref="SigmaRuleSetSnapshot"/>) rather than loaded.</summary>
    internal bool FromSnapshotFile { get; private set; }

    /// <summary>Files of this load the parse cache keeps (what <see cref="CachedFileCount"/> says on a warm load).</summary>
    private int _cacheableFiles;

    /// <summary>
    /// Whether a snapshot can stand for this load: no errors (a file that could not be read may read next time with the
    /// same size and time), no meta-filters and no correlations (they are resolved and checked at load).
    /// </summary>
    internal bool CanSnapshot => _errors.Count == 0 && _filters.Count == 0 && Options.FilterPaths.Count == 0 && Correlations.Count == 0
        && _rules.TrueForAll(r => !r.IsCorrelation);

    internal void WriteSnapshot(BinaryWriter w)
    {
        var pipeline = SigmaParseCacheFormat.WritePipeline(Pipeline);
        w.Write(pipeline.Length);
        w.Write(pipeline);
        w.Write(FileCount);
        w.Write(_cacheableFiles);

        w.Write(_skipped.Count);
        foreach (var s in _skipped) { w.Write(s.File); w.Write(s.Line); w.Write(s.RuleId); w.Write(s.Title); w.Write(s.Reason); }

        // Rules: a rule from the parsed-rule cache is copied in the cache's form; a parsed one is written in it.
        using var scratch = new MemoryStream();
        using var sw = new BinaryWriter(scratch, Encoding.UTF8, leaveOpen: true);
        w.Write(_rules.Count);
        string? lastFile = null;
        foreach (var rule in _rules)
        {
            w.Write(rule.File == lastFile);
            if (rule.File != lastFile) Bytes(w, Encoding.UTF8.GetBytes(lastFile = rule.File));
            w.Write(rule.Line);
            Opt(w, rule.Status);
            Opt(w, rule.LogSource.Product);
            Opt(w, rule.LogSource.Category);
            Opt(w, rule.LogSource.Service);
            if (!rule.CachedText.IsEmpty) Bytes(w, rule.CachedText.Span);
            else if (!rule.CacheForm.Text.IsEmpty) Bytes(w, rule.CacheForm.Text.Span); // parsed by this load, in the cache's form already
            else
            {
                scratch.SetLength(0);
                SigmaParseCacheFormat.WriteRuleText(sw, rule);
                sw.Flush();
                Bytes(w, scratch.GetBuffer().AsSpan(0, (int)scratch.Length));
            }
            if (!rule.CachedDetection.IsEmpty) Bytes(w, rule.CachedDetection.Span);
            else if (!rule.CacheForm.Detection.IsEmpty) Bytes(w, rule.CacheForm.Detection.Span);
            else
            {
                scratch.SetLength(0);
                SigmaParseCacheFormat.WriteDetection(sw, rule.Detection ?? throw new InvalidOperationException("a detection rule without detection"));
                sw.Flush();
                Bytes(w, scratch.GetBuffer().AsSpan(0, (int)scratch.Length));
            }
        }

        w.Write(FieldTable.Count);
        foreach (var name in FieldTable.Names) w.Write(name);

        w.Write(Prefilter.VariantCount);
        w.Write(Prefilter.FieldCount);
        var literalNumbers = new Dictionary<string, int>?[Prefilter.FieldCount];
        for (int field = 0; field < Prefilter.FieldCount; field++)
        {
            var gate = Prefilter.GateOf(field);
            w.Write(gate is not null);
            if (gate is not { } g) continue;
            w.Write(g.FirstLiteral);
            Ints(w, g.NonAsciiVariants);
            w.Write(g.Finder is not null);
            if (g.Finder is null) continue;
            var t = g.Finder.Tables;
            w.Write(t.Literals.Length);
            foreach (var l in t.Literals) w.Write(l);
            ULongs(w, t.Keys);
            Ints(w, t.FirstEntry);
            Ints(w, t.EntryCount);
            Ints(w, t.EntryLiteral);
            Ints(w, t.EntryOffset);
            w.Write(t.Filter is not null);
            if (t.Filter is not null) ULongs(w, t.Filter);
        }
        Ints(w, Prefilter.LiteralStarts);
        Ints(w, Prefilter.LiteralOrdinals);

        w.Write(Variants.Count);
        foreach (var v in Variants)
        {
            w.Write(v.RuleIndex);
            w.Write(v.Mapping is null ? -1 : _mappings[v.Rule].IndexOf(v.Mapping));
            if (v.EventIds.Count == 0) w.Write((byte)0);
            else if (v.Mapping is not null && ReferenceEquals(v.EventIds, v.Mapping.EventIds)) w.Write((byte)1);
            else
            {
                w.Write((byte)2);
                Ints(w, v.EventIds.ToArray());
            }
            w.Write(v.RequiredLiterals?.Length ?? -1);
            foreach (var atom in v.RequiredLiterals ?? [])
            {
                w.Write(atom.FieldId);
                w.Write(atom.NonAscii);
                if (atom.NonAscii) { w.Write(atom.Text); continue; }
                // The prefilter's finder of the field holds every required text of it: the atom names its place there.
                var numbers = literalNumbers[atom.FieldId] ??= Numbered(Prefilter.GateOf(atom.FieldId)!.Value.Finder!.Tables.Literals);
                w.Write(numbers[atom.Text]);
            }
        }
        Index.WriteSnapshot(w);
    }

    private static Dictionary<string, int> Numbered(string[] texts)
    {
        var numbers = new Dictionary<string, int>(texts.Length, StringComparer.Ordinal);
        for (int i = 0; i < texts.Length; i++) numbers.TryAdd(texts[i], i);
        return numbers;
    }

    /// <summary>
    /// The rule set a snapshot payload holds (from <paramref name="start"/>, past its key). Throws
    /// <see cref="InvalidDataException"/>, <see cref="EndOfStreamException"/> or <see cref="SigmaSnapshotMismatchException"/>
    /// when it does not read well or no longer fits (the caller then loads as usual).
    /// </summary>
    internal static SigmaRuleSet FromSnapshot(ReadOnlyMemory<byte> payload, int start, SigmaOptions options)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var data = payload.Span;
        var r = new SigmaCacheReader(data);
        r.Skip(start);
        int pipelineLength = Count(ref r);
        var pipeline = SigmaParseCacheFormat.ReadPipeline(data.Slice(r.Skip(pipelineLength), pipelineLength).ToArray());
        var placeholders = options.PlaceholderConfigPath is { } placeholderPath ? SigmaPlaceholders.Load(placeholderPath) : SigmaPlaceholders.Empty;
        var set = new SigmaRuleSet(options, pipeline) { FileCount = r.ReadInt32(), _cacheableFiles = r.ReadInt32(), FromSnapshotFile = true };
        set.CachedFileCount = set._cacheableFiles;
        for (int n = Count(ref r); n > 0; n--)
            set._skipped.Add(new SigmaSkippedRule(r.ReadString(), r.ReadInt32(), r.ReadString(), r.ReadString(), r.ReadString()));
        options.OnLoadStep?.Invoke("snapshot: pipeline, skipped");

        int ruleCount = Count(ref r);
        var pool = new SigmaStringPool(16); // statuses and log sources: a few dozen texts
        var mappingsOf = new Dictionary<SigmaLogSource, List<SigmaLogSourceMapping>>();
        // One log source object per distinct source (the texts are pooled, so the same source has the same instances).
        var sources = new Dictionary<(string?, string?, string?), SigmaLogSource>();
        var file = ReadOnlyMemory<byte>.Empty;
        set._rules.Capacity = ruleCount;
        set._mappings.EnsureCapacity(ruleCount);
        for (int i = 0; i < ruleCount; i++)
        {
            if (!r.ReadBoolean())
            {
                int fileLength = Count(ref r);
                file = payload.Slice(r.Skip(fileLength), fileLength);
            }
            int line = r.ReadInt32();
            string? status = Pooled(ref r, pool), product = Pooled(ref r, pool), category = Pooled(ref r, pool), service = Pooled(ref r, pool);
            if (!sources.TryGetValue((product, category, service), out var source))
                sources[(product, category, service)] = source = product is null && category is null && service is null ? SigmaLogSource.Empty : new SigmaLogSource(product, category, service);
            int textLength = Count(ref r);
            var text = payload.Slice(r.Skip(textLength), textLength);
            int detectionLength = Count(ref r);
            var detection = payload.Slice(r.Skip(detectionLength), detectionLength);
            if (detectionLength == 0) throw new InvalidDataException("a snapshotted rule without detection");
            var rule = new SigmaRule(text)
            {
                Status = status,
                LogSource = source, CachedDetection = detection, CachedFile = file, Line = line,
            };
            if (!mappingsOf.TryGetValue(rule.LogSource, out var mappings)) mappingsOf[rule.LogSource] = mappings = pipeline.MappingsFor(rule.LogSource);
            set._rules.Add(rule);
            set._mappings[rule] = mappings;
        }
        options.OnLoadStep?.Invoke("snapshot: rules");

        for (int i = 0, n = Count(ref r); i < n; i++)
            if (set.FieldTable.IdOf(r.ReadString()) != i) throw new InvalidDataException("a field named twice in a snapshot");

        int variantCount = Count(ref r);
        var gates = new (SigmaLiteralFinder? Finder, int FirstLiteral, int[] NonAsciiVariants)?[Count(ref r)];
        for (int field = 0; field < gates.Length; field++)
        {
            if (!r.ReadBoolean()) continue;
            int firstLiteral = r.ReadInt32();
            var nonAscii = Ints(ref r, data);
            SigmaLiteralFinder? finder = null;
            if (r.ReadBoolean())
            {
                var literals = new string[Count(ref r)];
                for (int l = 0; l < literals.Length; l++) literals[l] = r.ReadString();
                var keys = ULongs(ref r, data);
                int[] firstEntry = Ints(ref r, data), entryCount = Ints(ref r, data), entryLiteral = Ints(ref r, data), entryOffset = Ints(ref r, data);
                var filter = r.ReadBoolean() ? ULongs(ref r, data) : null;
                finder = new SigmaLiteralFinder(literals, keys, firstEntry, entryCount, entryLiteral, entryOffset, filter);
            }
            gates[field] = (finder, firstLiteral, nonAscii);
        }
        var prefilter = new SigmaPrefilter(variantCount, gates, Ints(ref r, data), Ints(ref r, data));
        options.OnLoadStep?.Invoke("snapshot: field table, prefilter");

        var compiler = new SigmaDetectionCompiler(set.FieldTable, placeholders, options.RegexTimeout) { RegexesChecked = true };
        Func<SigmaCompiledVariant, SigmaMatchNode> build = v => set.CompileLate(compiler, v.Rule, v.Mapping);
        if (Count(ref r) != variantCount) throw new InvalidDataException("a snapshot's variant count differs from its prefilter's");
        set.Variants.Capacity = variantCount;
        var atomsAtByOrdinal = new int[variantCount];
        Func<SigmaCompiledVariant, SigmaLiteralAtom[]> readAtoms = v => ReadAtoms(payload.Span[atomsAtByOrdinal[v.Ordinal]..], gates);
        for (int i = 0; i < variantCount; i++)
        {
            int ruleIndex = r.ReadInt32(), mappingIndex = r.ReadInt32();
            if ((uint)ruleIndex >= (uint)set._rules.Count) throw new InvalidDataException("a snapshotted variant of no rule");
            var rule = set._rules[ruleIndex];
            var mappings = set._mappings[rule];
            // The rule's log source maps as the snapshot's pipeline maps it (the same pipeline): a variant off its mappings is damage.
            if (mappingIndex < -1 || mappingIndex >= mappings.Count || (mappingIndex == -1) != (mappings.Count == 0))
                throw new SigmaSnapshotMismatchException("a snapshotted variant's log-source mapping is not the rule's");
            var mapping = mappingIndex < 0 ? null : mappings[mappingIndex];
            IReadOnlyList<int> eventIds = r.ReadByte() switch
            {
                0 => [],
                1 => mapping?.EventIds ?? throw new InvalidDataException("a snapshotted variant without mapping takes its mapping's EventIDs"),
                2 => Ints(ref r, data),
                var b => throw new InvalidDataException($"unknown EventID tag {b}"),
            };
            // The required texts are checked now and read on first use (see SigmaCompiledVariant.RequiredLiteralsFrom).
            int atomsAt = r.Position;
            int atoms = r.ReadInt32();
            if (atoms >= 0)
            {
                for (int a = 0; a < atoms; a++)
                {
                    int fieldId = r.ReadInt32();
                    if ((uint)fieldId >= (uint)set.FieldTable.Count) throw new InvalidDataException("a required text of no field");
                    if (r.ReadBoolean()) { r.SkipString(); continue; }
                    int local = r.ReadInt32();
                    if ((uint)fieldId >= (uint)gates.Length || gates[fieldId]?.Finder is not { } finder || (uint)local >= (uint)finder.LiteralCount)
                        throw new InvalidDataException("a required text out of range");
                }
                atomsAtByOrdinal[i] = atomsAt;
            }
            set.Variants.Add(new SigmaCompiledVariant
            {
                Rule = rule, RuleIndex = ruleIndex, Mapping = mapping, BuildFrom = build, EventIds = eventIds,
                Ordinal = i, RequiredLiteralsFrom = options.Prefilter && atoms >= 0 ? readAtoms : null,
            });
        }
        options.OnLoadStep?.Invoke("snapshot: variants");

        // What Compile does after the variants, for a set without correlations.
        var none = new List<SigmaCompiledCorrelation>(0);
        set.Consumers = new List<SigmaCompiledCorrelation>[set._rules.Count];
        Array.Fill(set.Consumers, none);
        set.Emits = new bool[set._rules.Count];
        Array.Fill(set.Emits, true);
        set._keyFields = new string[set._rules.Count][];
        foreach (var (format, map) in pipeline.FormatAliases)
            set.FieldTable.AddAliases(format, map, pipeline.FormatPrefixes.TryGetValue(format, out var p) ? p : []);
        set.FieldTable.Freeze();
        set.Prefilter = prefilter;
        set.Index = SigmaRuleIndex.FromSnapshot(ref r, data, set.Variants, prefilter);
        if (!r.AtEnd) throw new InvalidDataException("trailing bytes in a snapshot");
        options.OnLoadStep?.Invoke("snapshot: index");
        set.ParseTime = clock.Elapsed;
        return set;
    }

    /// <summary>A variant's required texts as <see cref="WriteSnapshot"/> wrote them (checked when the snapshot was read).</summary>
    private static SigmaLiteralAtom[] ReadAtoms(ReadOnlySpan<byte> data, (SigmaLiteralFinder? Finder, int FirstLiteral, int[] NonAsciiVariants)?[] gates)
    {
        var r = new SigmaCacheReader(data);
        var atoms = new SigmaLiteralAtom[r.ReadInt32()];
        for (int a = 0; a < atoms.Length; a++)
        {
            int fieldId = r.ReadInt32();
            atoms[a] = r.ReadBoolean() ? new SigmaLiteralAtom(fieldId, r.ReadString(), NonAscii: true)
                : new SigmaLiteralAtom(fieldId, gates[fieldId]!.Value.Finder!.Tables.Literals[r.ReadInt32()]);
        }
        return atoms;
    }

    private static string? Pooled(ref SigmaCacheReader r, SigmaStringPool pool) => r.ReadBoolean() ? pool.Get(r.ReadStringBytes()) : null;

    internal static int Count(ref SigmaCacheReader r)
    {
        int n = r.ReadInt32();
        return n is >= 0 and <= 100_000_000 ? n : throw new InvalidDataException("bad count " + n);
    }

    internal static int[] Ints(ref SigmaCacheReader r, ReadOnlySpan<byte> data)
    {
        int n = Count(ref r);
        if (n == 0) return [];
        var result = new int[n];
        data.Slice(r.Skip(n * sizeof(int)), n * sizeof(int)).CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    private static ulong[] ULongs(ref SigmaCacheReader r, ReadOnlySpan<byte> data)
    {
        int n = Count(ref r);
        var result = new ulong[n];
        data.Slice(r.Skip(n * sizeof(ulong)), n * sizeof(ulong)).CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
        return result;
    }

    internal static void Ints(BinaryWriter w, int[] values)
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static void ULongs(BinaryWriter w, ulong[] values)
    {
        w.Write(values.Length);
        w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private static void Bytes(BinaryWriter w, ReadOnlySpan<byte> bytes)
    {
        w.Write(bytes.Length);
        w.Write(bytes);
    }

    private static void Opt(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }
}
