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

    public BurstTable(TimeSpan idle, IEqualityComparer<TKey>? comparer = null)
    {
        _idle = idle;
        _bursts = new Dictionary<TKey, TBurst>(comparer);
    }

    public int Count => _bursts.Count;

    public TBurst Get(TKey key, DateTime time)
    {
        if (!_bursts.TryGetValue(key, out var b)) _bursts[key] = b = new TBurst();
        b.Touch(time);
        return b;
    }

    public bool TryGet(TKey key, out TBurst burst) => _bursts.TryGetValue(key, out burst!);

    public IEnumerable<KeyValuePair<TKey, TBurst>> All => _bursts;

    public void Remove(TKey key) => _bursts.Remove(key);

    /// <summary>Hands every burst quiet since before watermark - idle to <paramref name="close"/> (in a stable order) and removes it.</summary>
    public void Flush(DateTime watermark, Action<TKey, TBurst> close)
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
            close(kv.Key, kv.Value);
        }
    }
}
