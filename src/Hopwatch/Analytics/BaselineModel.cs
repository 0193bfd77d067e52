namespace Hopwatch.Analytics;

/// <summary>
/// What is usual: the set of (kind, a, b) combinations seen before — loaded from the SQLite state
/// and grown by this run. Answers "is this new?" after a learning period; before it, everything is
/// learnt and nothing is new. Memory is bounded (<c>rare_path.max_entries</c> hashes).
/// </summary>
public sealed class BaselineModel
{
    private readonly HashSet<long> _known = new();
    private readonly Dictionary<long, BaselineEntry> _seenThisRun = new();
    private readonly TimeSpan _learning;
    private readonly int _max;
    private readonly bool _keepForWrite;

    public BaselineModel(TimeSpan learning, int maxEntries, bool keepForWrite)
    {
        _learning = learning;
        _max = maxEntries;
        _keepForWrite = keepForWrite;
    }

    /// <summary>Start of what the baseline covers (state file's first event, else this run's first event).</summary>
    public DateTime? Start { get; private set; }
    public DateTime? End { get; private set; }
    public int KnownCount => _known.Count;
    public long Dropped { get; private set; }

    public void LoadFrom(BaselineStore store)
    {
        store.LoadHashes(_known, _max);
        var (first, last) = store.Span;
        Start = first;
        End = last;
    }

    public bool InLearning(DateTime t)
    {
        Start ??= t;
        if (t < Start) Start = t;
        return t < Start.Value + _learning;
    }

    /// <summary>Records the combination; returns true when it was known before.</summary>
    public bool Observe(string kind, string a, string b, DateTime t)
    {
        if (End is null || t > End) End = t;
        long h = BaselineEntry.HashOf(kind, a, b);
        bool known = _known.Contains(h);
        if (!known)
        {
            if (_known.Count < _max) _known.Add(h); else Dropped++;
        }
        if (_keepForWrite)
        {
            if (_seenThisRun.TryGetValue(h, out var e)) { e.Count++; if (t > e.Last) e.Last = t; if (t < e.First) e.First = t; }
            else if (_seenThisRun.Count < _max) _seenThisRun[h] = new BaselineEntry(h, kind, a, b, t);
        }
        return known;
    }

    public void SaveTo(BaselineStore store)
    {
        if (Start is null || End is null) return;
        store.Save(_seenThisRun.Values, Start.Value, End.Value);
    }
}
