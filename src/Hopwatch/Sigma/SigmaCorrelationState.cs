using Hopwatch.Events;

namespace Hopwatch.Sigma;

/// <summary>
/// The open windows of one correlation rule inside one detector. Memory is bounded: at most
/// <see cref="SigmaOptions.MaxCorrelationGroups"/> groups (least recently seen dropped first) and a
/// capped number of entries per group.
/// <para>
/// Conditions that can only become true as events arrive (`gt`/`gte` on counts and sums, temporal)
/// are checked on a sliding window and fire at once; other conditions (`lt`, `lte`, `eq`, ranges,
/// averages, percentiles) are judged on a window that opens at a group's first event and closes
/// `timespan` later (or at the end of input).
/// </para>
/// </summary>
internal sealed class SigmaCorrelationState(SigmaCompiledCorrelation correlation)
{
    private const int MaxEntriesPerGroup = 100_000;

    private sealed record Entry(DateTime Time, int Position, string? Value, IReadOnlyList<LogEvent> Events);

    private sealed class Group
    {
        public required Dictionary<string, string> Values;
        public readonly List<Entry> Entries = new();
        public DateTime WindowStart;
        public DateTime LastSeen;
    }

    private readonly Dictionary<string, Group> _groups = new(StringComparer.Ordinal);
    private DateTime _watermark = DateTime.MinValue;
    private long _seen;

    public long DroppedGroups { get; private set; }

    private SigmaCorrelation Spec => correlation.Spec;
    private bool Sliding => Spec.Type is SigmaCorrelationType.Temporal or SigmaCorrelationType.TemporalOrdered
        || (Spec.IsMonotone && Spec.Type is SigmaCorrelationType.EventCount or SigmaCorrelationType.ValueCount or SigmaCorrelationType.ValueSum);

    public void Add(SigmaMatch m, List<SigmaCorrelationHit> hits)
    {
        if (m.Time > _watermark) _watermark = m.Time;
        foreach (int position in correlation.PositionsOf(m.SourceIndex))
        {
            string key = correlation.GroupKey(m, position, out var values);
            if (!_groups.TryGetValue(key, out var g))
            {
                if (_groups.Count >= correlation.Options.MaxCorrelationGroups) Evict(hits);
                _groups[key] = g = new Group { Values = values, WindowStart = m.Time };
            }
            g.LastSeen = m.Time;
            var entry = new Entry(m.Time, position, correlation.Value(m, position), m.Events);
            if (Sliding)
            {
                g.Entries.Add(entry);
                Prune(g, m.Time - Spec.Timespan);
                TryFireSliding(g, key, hits);
            }
            else
            {
                if (g.Entries.Count > 0 && m.Time > g.WindowStart + Spec.Timespan)
                {
                    Judge(g, hits);
                    g.Entries.Clear();
                    g.WindowStart = m.Time;
                }
                if (g.Entries.Count == 0) g.WindowStart = m.Time;
                g.Entries.Add(entry);
                if (g.Entries.Count > MaxEntriesPerGroup) g.Entries.RemoveAt(0);
            }
        }
        // Now and then close windows that time has passed, so idle groups do not pile up.
        if (++_seen % 4096 == 0) Sweep(hits, final: false);
    }

    public void Complete(List<SigmaCorrelationHit> hits) => Sweep(hits, final: true);

    private void Sweep(List<SigmaCorrelationHit> hits, bool final)
    {
        var expired = new List<string>();
        foreach (var (key, g) in _groups)
        {
            bool closed = final || g.LastSeen + Spec.Timespan < _watermark;
            if (!closed) continue;
            if (!Sliding && g.Entries.Count > 0) Judge(g, hits);
            expired.Add(key);
        }
        foreach (var k in expired) _groups.Remove(k);
    }

    private void Evict(List<SigmaCorrelationHit> hits)
    {
        Sweep(hits, final: false);
        if (_groups.Count < correlation.Options.MaxCorrelationGroups) return;
        // Still full: drop the least recently seen tenth (judging what can be judged).
        foreach (var (key, g) in _groups.OrderBy(p => p.Value.LastSeen).Take(Math.Max(1, _groups.Count / 10)).ToList())
        {
            if (!Sliding && g.Entries.Count > 0) Judge(g, hits);
            _groups.Remove(key);
            DroppedGroups++;
        }
    }

    private static void Prune(Group g, DateTime oldest)
    {
        int n = 0;
        while (n < g.Entries.Count && g.Entries[n].Time < oldest) n++;
        if (g.Entries.Count - n > MaxEntriesPerGroup) n = g.Entries.Count - MaxEntriesPerGroup;
        if (n > 0) g.Entries.RemoveRange(0, n);
    }

    private void TryFireSliding(Group g, string key, List<SigmaCorrelationHit> hits)
    {
        List<Entry>? used = null;
        double value;
        switch (Spec.Type)
        {
            case SigmaCorrelationType.Temporal:
                value = g.Entries.Select(e => e.Position).Distinct().Count();
                bool ok = Spec.Condition.Count == 0 ? value >= correlation.Sources.Distinct().Count() : Spec.ConditionHolds(value);
                if (ok) used = g.Entries;
                break;
            case SigmaCorrelationType.TemporalOrdered:
                used = OrderedChain(g.Entries);
                value = used?.Count ?? 0;
                if (used is not null && Spec.Condition.Count > 0 && !Spec.ConditionHolds(value)) used = null;
                break;
            default:
                value = Metric(g.Entries);
                if (Spec.ConditionHolds(value)) used = g.Entries;
                break;
        }
        if (used is null) return;
        hits.Add(Hit(g, used, value, null));
        g.Entries.Clear();
    }

    /// <summary>The first in-order chain rule 1 → rule 2 → ... inside the window (greedy: earliest of each step).</summary>
    private List<Entry>? OrderedChain(List<Entry> entries)
    {
        int steps = correlation.Sources.Length, next = 0;
        var chain = new List<Entry>();
        foreach (var e in entries)
        {
            if (e.Position != next) continue;
            chain.Add(e);
            if (++next == steps) return chain;
        }
        return null;
    }

    private double Metric(List<Entry> entries)
    {
        switch (Spec.Type)
        {
            case SigmaCorrelationType.EventCount:
                return entries.Count;
            case SigmaCorrelationType.ValueCount:
                return entries.Where(e => !string.IsNullOrEmpty(e.Value)).Select(e => e.Value!.ToLowerInvariant()).Distinct().Count();
            case SigmaCorrelationType.ValueSum:
            case SigmaCorrelationType.ValueAvg:
                double sum = 0; int n = 0;
                foreach (var e in entries)
                    if (e.Value is not null && SigmaNumericMatcher.TryParseNumber(e.Value, out double d)) { sum += d; n++; }
                return Spec.Type == SigmaCorrelationType.ValueSum ? sum : n == 0 ? double.NaN : sum / n;
            default:
                return entries.Count;
        }
    }

    /// <summary>Judges a closed window (non-sliding conditions).</summary>
    private void Judge(Group g, List<SigmaCorrelationHit> hits)
    {
        if (Spec.Type == SigmaCorrelationType.ValuePercentile)
        {
            // Share (in percent) of each distinct value among the group's events; fires for each value whose share meets the condition.
            int total = g.Entries.Count;
            foreach (var grp in g.Entries.Where(e => e.Value is not null).GroupBy(e => e.Value!, StringComparer.OrdinalIgnoreCase))
            {
                double pct = 100.0 * grp.Count() / total;
                if (Spec.ConditionHolds(pct)) hits.Add(Hit(g, grp.ToList(), pct, grp.Key));
            }
            return;
        }
        double value = Metric(g.Entries);
        if (!double.IsNaN(value) && Spec.ConditionHolds(value)) hits.Add(Hit(g, g.Entries, value, null));
    }

    private SigmaCorrelationHit Hit(Group g, List<Entry> entries, double value, string? forValue)
    {
        var events = new List<LogEvent>();
        int total = 0;
        foreach (var e in entries)
            foreach (var ev in e.Events)
            {
                total++;
                if (events.Count < correlation.Options.MaxEvidencePerAlert && !events.Contains(ev)) events.Add(ev);
            }
        return new SigmaCorrelationHit
        {
            Correlation = correlation,
            GroupValues = new Dictionary<string, string>(g.Values, StringComparer.OrdinalIgnoreCase),
            Events = events,
            EventTotal = total,
            TimeFirst = entries.Min(e => e.Events.Count > 0 ? e.Events.Min(x => x.Time) : e.Time),
            TimeLast = entries.Max(e => e.Events.Count > 0 ? e.Events.Max(x => x.Time) : e.Time),
            Value = value,
            ForValue = forValue,
        };
    }
}
