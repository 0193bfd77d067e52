namespace Hopwatch.Sigma;

/// <summary>The rule variants one channel/EventID bucket runs, and the fields the prefilter scans for them (empty: test all).</summary>
internal sealed class SigmaCandidates
{
    public SigmaCandidates(SigmaCompiledVariant[] variants, int[] scanFields)
    {
        Variants = variants;
        ScanFields = scanFields;
    }

    public SigmaCompiledVariant[] Variants { get; }
    public int[] ScanFields { get; }

    /// <summary>
    /// What the matcher walks (<see cref="SigmaCandidateWalk"/>), made on the bucket's first event: of the thousands of
    /// buckets, a run meets a few dozen. Detectors on several threads may make it at once: each makes the same, any is kept.
    /// </summary>
    public SigmaCandidateWalk Walk => _walk ??= new SigmaCandidateWalk(Variants, gated: ScanFields.Length > 0);
    private SigmaCandidateWalk? _walk;
}

/// <summary>
/// Compiled rule variants by channel and EventID, so an event is tested only against rules that
/// can match it. Immutable after construction (shared by detectors on several threads).
/// </summary>
internal sealed class SigmaRuleIndex
{
    private sealed class ChannelBucket
    {
        public readonly Dictionary<int, SigmaCandidates> ById = new();
        public SigmaCandidates AnyId = null!;
    }

    private readonly Dictionary<string, ChannelBucket> _channels = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Rules without a channel mapping, for events that look like Windows events / for the others.</summary>
    private readonly SigmaCandidates _genericWindows, _genericOther;

    public int VariantCount { get; }
    /// <summary>Every variant by its <see cref="SigmaCompiledVariant.Ordinal"/>, and its rule index (what the matcher reads per variant it visits).</summary>
    public SigmaCompiledVariant[] ByOrdinal { get; }
    public int[] RuleIndexByOrdinal { get; }

    public SigmaRuleIndex(IReadOnlyList<SigmaCompiledVariant> variants, SigmaPrefilter prefilter)
    {
        VariantCount = variants.Count;
        ByOrdinal = new SigmaCompiledVariant[variants.Count];
        RuleIndexByOrdinal = new int[variants.Count];
        for (int i = 0; i < variants.Count; i++)
        {
            if (variants[i].Ordinal != i) throw new ArgumentException("variants must be given in ordinal order", nameof(variants));
            ByOrdinal[i] = variants[i];
            RuleIndexByOrdinal[i] = variants[i].RuleIndex;
        }
        SigmaCandidates Bucket(SigmaCompiledVariant[] list) => new(list, prefilter.ScanFieldsFor(list));
        var generic = variants.Where(v => v.Mapping is null).ToList();
        var genericWindows = generic.Where(v => v.Rule.LogSource.Product is null or "windows").ToArray();
        _genericWindows = Bucket(genericWindows);
        _genericOther = Bucket(generic.Where(v => v.Rule.LogSource.Product is not "windows").ToArray());

        var byChannelId = new Dictionary<string, Dictionary<int, List<SigmaCompiledVariant>>>(StringComparer.OrdinalIgnoreCase);
        var byChannelAny = new Dictionary<string, List<SigmaCompiledVariant>>(StringComparer.OrdinalIgnoreCase);
        foreach (var v in variants)
        {
            if (v.Mapping is null) continue;
            foreach (var ch in v.Mapping.Channels)
            {
                if (v.EventIds.Count == 0)
                {
                    if (!byChannelAny.TryGetValue(ch, out var l)) byChannelAny[ch] = l = new();
                    l.Add(v);
                    continue;
                }
                if (!byChannelId.TryGetValue(ch, out var ids)) byChannelId[ch] = ids = new();
                foreach (var id in v.EventIds)
                {
                    if (!ids.TryGetValue(id, out var l)) ids[id] = l = new();
                    l.Add(v);
                }
            }
        }
        foreach (var ch in byChannelId.Keys.Concat(byChannelAny.Keys).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var any = byChannelAny.TryGetValue(ch, out var a) ? a : [];
            var bucket = new ChannelBucket { AnyId = Bucket(Joined([], any, genericWindows)) };
            if (byChannelId.TryGetValue(ch, out var ids))
                foreach (var (id, list) in ids) bucket.ById[id] = Bucket(Joined(list, any, genericWindows));
            _channels[ch] = bucket;
        }
    }

    /// <summary>An index from its parts, by <see cref="FromSnapshot"/>.</summary>
    private SigmaRuleIndex(IReadOnlyList<SigmaCompiledVariant> variants, SigmaCandidates genericWindows, SigmaCandidates genericOther)
    {
        VariantCount = variants.Count;
        ByOrdinal = new SigmaCompiledVariant[variants.Count];
        RuleIndexByOrdinal = new int[variants.Count];
        for (int i = 0; i < variants.Count; i++)
        {
            if (variants[i].Ordinal != i) throw new ArgumentException("variants must be given in ordinal order", nameof(variants));
            ByOrdinal[i] = variants[i];
            RuleIndexByOrdinal[i] = variants[i].RuleIndex;
        }
        _genericWindows = genericWindows;
        _genericOther = genericOther;
    }

    /// <summary>
    /// Writes the buckets for the rule-set snapshot: the rules without mapping (Windows, other), then per channel its
    /// any-EventID rules and per EventID its own rules — each bucket is its own rules, the channel's any-EventID rules and
    /// the Windows rules without mapping, one after the other (<see cref="Joined"/>), so only the first part is written.
    /// </summary>
    internal void WriteSnapshot(BinaryWriter w)
    {
        void Part(SigmaCandidates bucket, int tail)
        {
            var ordinals = new int[bucket.Variants.Length - tail];
            for (int i = 0; i < ordinals.Length; i++) ordinals[i] = bucket.Variants[i].Ordinal;
            SigmaRuleSet.Ints(w, ordinals);
            SigmaRuleSet.Ints(w, bucket.ScanFields);
        }
        int windows = _genericWindows.Variants.Length;
        Part(_genericWindows, 0);
        Part(_genericOther, 0);
        w.Write(_channels.Count);
        foreach (var (channel, bucket) in _channels)
        {
            w.Write(channel);
            int any = bucket.AnyId.Variants.Length - windows;
            Part(bucket.AnyId, windows);
            w.Write(bucket.ById.Count);
            foreach (var (id, candidates) in bucket.ById)
            {
                w.Write(id);
                Part(candidates, any + windows);
            }
        }
    }

    /// <summary>The index <see cref="WriteSnapshot"/> wrote, over <paramref name="variants"/>; variant ordinals and scanned fields checked.</summary>
    internal static SigmaRuleIndex FromSnapshot(ref SigmaCacheReader r, ReadOnlySpan<byte> data, IReadOnlyList<SigmaCompiledVariant> variants, SigmaPrefilter prefilter)
    {
        SigmaCompiledVariant[] Variants(ref SigmaCacheReader r, ReadOnlySpan<byte> data)
        {
            var ordinals = SigmaRuleSet.Ints(ref r, data);
            var list = new SigmaCompiledVariant[ordinals.Length];
            for (int i = 0; i < ordinals.Length; i++)
                list[i] = (uint)ordinals[i] < (uint)variants.Count ? variants[ordinals[i]] : throw new InvalidDataException("an index bucket's variant out of range");
            return list;
        }
        int[] ScanFields(ref SigmaCacheReader r, ReadOnlySpan<byte> data)
        {
            var fields = SigmaRuleSet.Ints(ref r, data);
            foreach (int f in fields)
                if ((uint)f >= (uint)prefilter.FieldCount || prefilter.GateOf(f) is null) throw new InvalidDataException("an index bucket scans a field the prefilter has no texts for");
            return fields;
        }
        var genericWindows = Variants(ref r, data);
        var windows = new SigmaCandidates(genericWindows, ScanFields(ref r, data));
        var other = new SigmaCandidates(Variants(ref r, data), ScanFields(ref r, data));
        var index = new SigmaRuleIndex(variants, windows, other);
        for (int c = SigmaRuleSet.Count(ref r); c > 0; c--)
        {
            string channel = r.ReadString();
            var any = Variants(ref r, data);
            var bucket = new ChannelBucket { AnyId = new SigmaCandidates(Joined([], any, genericWindows), ScanFields(ref r, data)) };
            for (int n = SigmaRuleSet.Count(ref r); n > 0; n--)
            {
                int id = r.ReadInt32();
                var own = Variants(ref r, data);
                bucket.ById[id] = new SigmaCandidates(Joined(own, any, genericWindows), ScanFields(ref r, data));
            }
            index._channels[channel] = bucket;
        }
        return index;
    }

    /// <summary>The three lists one after the other, in one array (a bucket per channel and EventID: thousands of them).</summary>
    private static SigmaCompiledVariant[] Joined(ICollection<SigmaCompiledVariant> first, ICollection<SigmaCompiledVariant> second, SigmaCompiledVariant[] third)
    {
        var all = new SigmaCompiledVariant[first.Count + second.Count + third.Length];
        first.CopyTo(all, 0);
        second.CopyTo(all, first.Count);
        third.CopyTo(all, first.Count + second.Count);
        return all;
    }

    /// <summary>The variants that can match an event of this channel and EventID (channel empty: not a Windows event).</summary>
    public SigmaCandidates Candidates(string channel, int eventId)
    {
        if (string.IsNullOrEmpty(channel)) return _genericOther;
        if (!_channels.TryGetValue(channel, out var bucket)) return _genericWindows;
        return bucket.ById.TryGetValue(eventId, out var list) ? list : bucket.AnyId;
    }

    public IEnumerable<string> Channels => _channels.Keys;

    /// <summary>Every bucket (for tests).</summary>
    internal IEnumerable<SigmaCandidates> Buckets =>
        _channels.Values.SelectMany(b => b.ById.Values.Prepend(b.AnyId)).Append(_genericWindows).Append(_genericOther);
}
