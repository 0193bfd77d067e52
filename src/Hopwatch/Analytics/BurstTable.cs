namespace Hopwatch.Analytics;

/// <summary>Activity grouped under one key until it goes quiet.</summary>
public class Burst
{
    public DateTime First = DateTime.MaxValue;
    public DateTime Last = DateTime.MinValue;
    public EvidenceList Evidence = new(32);

    public void Touch(DateTime t)
    {
        if (t < First) First = t;
        if (t > Last) Last = t;
    }
}

/// <summary>
/// Keyed bursts: an analytic adds activity under a key; a burst with nothing new for the idle time
/// (event time) is handed to the analytic to judge and forgotten. Keeps state bounded on long runs.
/// </summary>
public sealed class BurstTable<TKey, TBurst> where TKey : notnull where TBurst : Burst, new()
{
    private readonly Dictionary<TKey, TBurst> _bursts;
    private readonly TimeSpan _idle;
    private readonly Action<TKey, TBurst> _close;

    /// <param name="close">Judges a burst that went quiet (emits an alert or not).</param>
    public BurstTable(TimeSpan idle, Action<TKey, TBurst> close, IEqualityComparer<TKey>? comparer = null)
    {
        _idle = idle;
        _close = close;
        _bursts = new Dictionary<TKey, TBurst>(comparer);
    }

    public int Count => _bursts.Count;

    public TBurst Get(TKey key, DateTime time)
    {
        if (_bursts.TryGetValue(key, out var b) && b.Last + _idle < time)
        {
            // Quiet for longer than the idle time: that burst is over, whenever Flush runs next.
            _bursts.Remove(key);
            _close(key, b);
            b = null;
        }
        if (b is null) _bursts[key] = b = new TBurst();
        b.Touch(time);
        return b;
    }

    public bool TryGet(TKey key, out TBurst burst) => _bursts.TryGetValue(key, out burst!);

    /// <summary>The open burst under key, if it is still open at <paramref name="time"/>.</summary>
    public bool TryGetOpen(TKey key, DateTime time, out TBurst burst)
        => _bursts.TryGetValue(key, out burst!) && burst.Last + _idle >= time;

    public IEnumerable<KeyValuePair<TKey, TBurst>> All => _bursts;

    public void Remove(TKey key) => _bursts.Remove(key);

    /// <summary>Hands every burst quiet since before watermark - idle to <paramref name="close"/> (in a stable order) and removes it.</summary>
    public void Flush(DateTime watermark)
    {
        List<KeyValuePair<TKey, TBurst>>? done = null;
        foreach (var kv in _bursts)
            if (watermark == DateTime.MaxValue || kv.Value.Last + _idle < watermark) (done ??= new()).Add(kv);
        if (done is null) return;
        // Deterministic output order whatever the dictionary's layout: by first activity, then key text.
        done.Sort((a, b) => a.Value.First != b.Value.First ? a.Value.First.CompareTo(b.Value.First) : string.CompareOrdinal(a.Key.ToString(), b.Key.ToString()));
        foreach (var kv in done)
        {
            _bursts.Remove(kv.Key);
            _close(kv.Key, kv.Value);
        }
    }
}
