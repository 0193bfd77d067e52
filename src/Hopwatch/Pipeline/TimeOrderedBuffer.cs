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
    /// <summary>
    /// Events are kept in fixed-size blocks rather than one growing list: a hunt holds every event (in a no-GC
    /// region, see DetectionGcHold), and a list doubling to 54k events allocated and copied twice what it kept.
    /// </summary>
    private const int BlockBits = 12;
    private const int BlockSize = 1 << BlockBits;

    private readonly List<LogEvent[]> _blocks = new();
    private int _count;

    public int Count => _count;

    public void Add(LogEvent e)
    {
        int inBlock = _count & (BlockSize - 1);
        if (inBlock == 0) _blocks.Add(new LogEvent[BlockSize]);
        _blocks[^1][inBlock] = e;
        _count++;
    }

    private LogEvent At(int i) => _blocks[i >> BlockBits][i & (BlockSize - 1)];

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
        var keys = new long[_count];
        var index = new int[_count];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = At(i).Time.Ticks;
            index[i] = i;
        }
        // Sorting the keys with the indexes alongside uses the primitive sort (no comparison delegate, no
        // event objects touched). It is not stable, so each run of equal times is then put in order of
        // file name and, within a file, input index (a file's events arrive in the file's own order).
        Array.Sort(keys, index);
        for (int start = 0; start < keys.Length;)
        {
            int end = start + 1;
            while (end < keys.Length && keys[end] == keys[start]) end++;
            if (end - start > 1) SortTies(index.AsSpan(start, end - start));
            start = end;
        }
        var sorted = new LogEvent[index.Length];
        for (int i = 0; i < index.Length; i++) sorted[i] = At(index[i]);
        _blocks.Clear();
        _count = 0;
        return sorted;
    }

    /// <summary>
    /// Orders a run of events with equal times by file name, then input index. Runs are short (mostly two or three
    /// events: the same moment in several files), so an insertion sort in place: `Span.Sort` with a comparer boxed
    /// it and made a delegate for every run (~20,000 runs, 1.7 MB, in the bench hunt). Long runs (a burst logged
    /// within one tick) go to the library sort.
    /// </summary>
    private void SortTies(Span<int> run)
    {
        if (run.Length > 32)
        {
            run.Sort(Compare);
            return;
        }
        for (int i = 1; i < run.Length; i++)
        {
            int item = run[i];
            int j = i - 1;
            while (j >= 0 && Compare(run[j], item) > 0)
            {
                run[j + 1] = run[j];
                j--;
            }
            run[j + 1] = item;
        }
    }

    private int Compare(int a, int b)
    {
        string fileA = At(a).File, fileB = At(b).File;
        // Events of one file carry one path instance: most ties are settled without comparing text.
        int byFile = ReferenceEquals(fileA, fileB) ? 0 : string.CompareOrdinal(fileA, fileB);
        return byFile != 0 ? byFile : a.CompareTo(b);
    }
}
