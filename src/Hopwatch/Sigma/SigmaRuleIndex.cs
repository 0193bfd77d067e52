namespace Hopwatch.Sigma;

/// <summary>
/// Compiled rule variants by channel and EventID, so an event is tested only against rules that
/// can match it. Immutable after construction (shared by detectors on several threads).
/// </summary>
internal sealed class SigmaRuleIndex
{
    private sealed class ChannelBucket
    {
        public readonly Dictionary<int, SigmaCompiledVariant[]> ById = new();
        public SigmaCompiledVariant[] AnyId = [];
    }

    private readonly Dictionary<string, ChannelBucket> _channels = new(StringComparer.OrdinalIgnoreCase);
    /// <summary>Rules without a channel mapping, for events that look like Windows events / for the others.</summary>
    private readonly SigmaCompiledVariant[] _genericWindows, _genericOther;

    public int VariantCount { get; }

    public SigmaRuleIndex(IReadOnlyList<SigmaCompiledVariant> variants)
    {
        VariantCount = variants.Count;
        var generic = variants.Where(v => v.Mapping is null).ToList();
        _genericWindows = generic.Where(v => v.Rule.LogSource.Product is null or "windows").ToArray();
        _genericOther = generic.Where(v => v.Rule.LogSource.Product is not "windows").ToArray();

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
            var bucket = new ChannelBucket { AnyId = any.Concat(_genericWindows).ToArray() };
            if (byChannelId.TryGetValue(ch, out var ids))
                foreach (var (id, list) in ids) bucket.ById[id] = list.Concat(any).Concat(_genericWindows).ToArray();
            _channels[ch] = bucket;
        }
    }

    /// <summary>The variants that can match an event of this channel and EventID (channel empty: not a Windows event).</summary>
    public SigmaCompiledVariant[] Candidates(string channel, int eventId)
    {
        if (string.IsNullOrEmpty(channel)) return _genericOther;
        if (!_channels.TryGetValue(channel, out var bucket)) return _genericWindows;
        return bucket.ById.TryGetValue(eventId, out var list) ? list : bucket.AnyId;
    }

    public IEnumerable<string> Channels => _channels.Keys;
}
