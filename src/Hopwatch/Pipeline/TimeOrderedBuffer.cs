using Hopwatch.Events;

namespace Hopwatch.Pipeline;

/// <summary>
/// Puts events from many inputs into one time order. Evidence files cover overlapping periods
/// (one EVTX per host and channel), so a hunt cannot trust input order; a stable sort keeps
/// each file's own order for events with equal timestamps.
/// </summary>
public sealed class TimeOrderedBuffer
{
    private readonly List<LogEvent> _events = new();

    public int Count => _events.Count;

    public void Add(LogEvent e) => _events.Add(e);

    /// <summary>Yields all events oldest first and empties the buffer.</summary>
    public IEnumerable<LogEvent> Drain()
    {
        var sorted = DrainSorted();
        for (int i = 0; i < sorted.Length; i++)
        {
            yield return sorted[i];
            sorted[i] = null!; // let processed events be collected
        }
    }

    /// <summary>All events oldest first, as an array; empties the buffer.</summary>
    public LogEvent[] DrainSorted()
    {
        var keys = new long[_events.Count];
        var index = new int[_events.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = _events[i].Time.Ticks;
            index[i] = i;
        }
        // Sorting the keys with the indexes alongside uses the primitive sort (no comparison delegate, no
        // event objects touched). It is not stable, so each run of equal times then gets its indexes put
        // back in ascending (= input) order, which makes the whole order stable.
        Array.Sort(keys, index);
        for (int start = 0; start < keys.Length;)
        {
            int end = start + 1;
            while (end < keys.Length && keys[end] == keys[start]) end++;
            if (end - start > 1) Array.Sort(index, start, end - start);
            start = end;
        }
        var sorted = new LogEvent[index.Length];
        for (int i = 0; i < index.Length; i++) sorted[i] = _events[index[i]];
        _events.Clear();
        return sorted;
    }
}
