using Hopwatch.Events;

namespace Hopwatch.Pipeline;

/// <summary>
/// Puts events from many inputs into one time order. Evidence files cover overlapping periods
/// (one EVTX per host and channel), so a hunt cannot trust input order. Events with equal timestamps
/// are ordered by file name, then kept in their file's own order: files read on several threads arrive
/// interleaved in whatever order the threads finish, and the stateful analytics (and so the incidents)
/// must not depend on that.
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
        // event objects touched). It is not stable, so each run of equal times is then put in order of
        // file name and, within a file, input index (a file's events arrive in the file's own order).
        Array.Sort(keys, index);
        IComparer<int>? byFileThenInput = null;
        for (int start = 0; start < keys.Length;)
        {
            int end = start + 1;
            while (end < keys.Length && keys[end] == keys[start]) end++;
            if (end - start > 1) Array.Sort(index, start, end - start, byFileThenInput ??= new FileThenInputOrder(_events));
            start = end;
        }
        var sorted = new LogEvent[index.Length];
        for (int i = 0; i < index.Length; i++) sorted[i] = _events[index[i]];
        _events.Clear();
        return sorted;
    }

    private sealed class FileThenInputOrder(List<LogEvent> events) : IComparer<int>
    {
        public int Compare(int a, int b)
        {
            int byFile = string.CompareOrdinal(events[a].File, events[b].File);
            return byFile != 0 ? byFile : a.CompareTo(b);
        }
    }
}
