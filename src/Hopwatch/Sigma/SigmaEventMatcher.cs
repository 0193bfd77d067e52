using System.Globalization;
using System.Numerics;
using Hopwatch.Events;

namespace Hopwatch.Sigma;

/// <summary>
/// Finds the detection rules one event matches: the channel/EventID bucket, the prefilter, then the
/// remaining rules' tests. Pure with respect to the event (no correlation state), so several matchers —
/// one per thread, each with its own scratch — can work through a batch of events at once.
/// </summary>
internal sealed class SigmaEventMatcher
{
    private readonly SigmaRuleSet _set;
    private readonly SigmaEventView _view;
    private readonly SigmaPrefilterState _prefilterState = new();
    private readonly int[] _matchedAt;
    private int _eventNo;

    public SigmaEventMatcher(SigmaRuleSet set)
    {
        _set = set;
        _view = new SigmaEventView(set.FieldTable);
        _matchedAt = new int[set.AllRules.Count];
    }

    /// <summary>Rule tests run (for benchmarks and tests of the index and prefilter).</summary>
    public long Evaluations { get; private set; }
    public long RegexTimeouts => _view.RegexTimeouts;
    /// <summary>When set, time spent testing each rule, by rule index (Stopwatch ticks).</summary>
    public long[]? ProfileTicks { get; set; }

    /// <summary>The rule variants that can match <paramref name="e"/>, from its channel and EventID (or, when the header lacks them, its fields).</summary>
    public static SigmaCandidates CandidatesFor(SigmaRuleSet set, LogEvent e)
    {
        string channel = e.Channel;
        if (string.IsNullOrEmpty(channel)) channel = e.Fields.Get("Channel") ?? "";
        int eventId = e.EventId;
        if (eventId == 0 && e.Fields.Get("EventID") is { } idText) int.TryParse(idText, NumberStyles.Integer, CultureInfo.InvariantCulture, out eventId);
        return set.Index.Candidates(channel, eventId);
    }

    /// <summary>Adds to <paramref name="hits"/> the first matching variant of every rule that matches <paramref name="e"/>, in index order.</summary>
    public void Match(LogEvent e, List<SigmaCompiledVariant> hits)
    {
        if (++_eventNo == int.MaxValue) { Array.Clear(_matchedAt); _eventNo = 1; }
        var bucket = CandidatesFor(_set, e);
        var candidates = bucket.Variants;
        if (candidates.Length == 0) return;

        _view.Bind(e);
        bool gated = bucket.ScanFields.Length > 0;
        if (gated) _set.Prefilter.Open(_view, bucket.ScanFields, _prefilterState);
        var walk = bucket.Walk;
        var segments = walk.Segments;
        ulong[] gatedMasks = walk.Gated, ungatedMasks = walk.Ungated, open = _prefilterState.OpenBits;
        var byOrdinal = _set.Index.ByOrdinal;
        int[] ruleIndexOf = _set.Index.RuleIndexByOrdinal, matchedAt = _matchedAt;
        int eventNo = _eventNo;
        // Only the ungated variants and those the prefilter opened (the others lack every text they need), in bucket order.
        foreach (var s in segments)
        {
            for (int w = 0; w < s.Words; w++)
            {
                ulong bits = ungatedMasks[s.MaskStart + w];
                if (gated) bits |= gatedMasks[s.MaskStart + w] & open[s.FirstWord + w];
                while (bits != 0)
                {
                    int ordinal = ((s.FirstWord + w) << 6) + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    int rule = ruleIndexOf[ordinal];
                    if (matchedAt[rule] == eventNo) continue; // another variant of this rule already matched this event
                    var v = byOrdinal[ordinal];
                    Evaluations++;
                    bool hit;
                    if (ProfileTicks is null) hit = v.Node.Matches(_view);
                    else
                    {
                        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                        hit = v.Node.Matches(_view);
                        ProfileTicks[v.RuleIndex] += System.Diagnostics.Stopwatch.GetTimestamp() - t0;
                    }
                    if (!hit) continue;
                    matchedAt[rule] = eventNo;
                    hits.Add(v);
                }
            }
        }
    }
}
