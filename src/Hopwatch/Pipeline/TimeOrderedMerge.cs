using Hopwatch.Events;

namespace Hopwatch.Pipeline;

/// <summary>
/// Puts events from many inputs into time order for the stateful analytics: a k-way merge over
/// per-file streams (each mostly in order), with a reorder buffer of <c>tolerance</c> behind the
/// newest time seen so slightly out-of-order events (clock skew, EVTX chunk order) come out in order.
/// Memory holds one pending event per stream plus the buffer; events later than the tolerance are
/// passed on at once (counted in <see cref="LateEvents"/>) rather than dropped.
/// </summary>
public sealed class TimeOrderedMerge
{
    private readonly TimeSpan _tolerance;

    public TimeOrderedMerge(TimeSpan tolerance) => _tolerance = tolerance;

    /// <summary>Events that arrived more than the tolerance behind events already emitted.</summary>
    public long LateEvents { get; private set; }

    /// <summary>Merges streams (e.g. one per file) into one time-ordered stream.</summary>
    public IEnumerable<LogEvent> Merge(IEnumerable<IEnumerable<LogEvent>> streams) => Reorder(KWay(streams));

    private static IEnumerable<LogEvent> KWay(IEnumerable<IEnumerable<LogEvent>> streams)
    {
        var heads = new PriorityQueue<IEnumerator<LogEvent>, (long Ticks, int Index)>();
        var all = new List<IEnumerator<LogEvent>>();
        try
        {
            int i = 0;
            foreach (var s in streams)
            {
                var en = s.GetEnumerator();
                all.Add(en);
                if (en.MoveNext()) heads.Enqueue(en, (en.Current.Time.Ticks, i));
                i++;
            }
            while (heads.TryDequeue(out var en, out var key))
            {
                yield return en.Current;
                if (en.MoveNext()) heads.Enqueue(en, (en.Current.Time.Ticks, key.Index));
            }
        }
        finally
        {
            foreach (var en in all) en.Dispose();
        }
    }

    /// <summary>Reorders one stream within the tolerance window.</summary>
    public IEnumerable<LogEvent> Reorder(IEnumerable<LogEvent> events)
    {
        var buffer = new PriorityQueue<LogEvent, (long Ticks, long Seq)>();
        long seq = 0;
        long maxTicks = long.MinValue, lastOut = long.MinValue;
        long tol = _tolerance.Ticks;
        foreach (var e in events)
        {
            long t = e.Time.Ticks;
            if (t < lastOut)
            {
                LateEvents++;
                yield return e; // too late to place; the analytics tolerate it
                continue;
            }
            buffer.Enqueue(e, (t, seq++));
            if (t > maxTicks) maxTicks = t;
            while (buffer.TryPeek(out var head, out var k) && k.Ticks <= maxTicks - tol)
            {
                buffer.Dequeue();
                lastOut = k.Ticks;
                yield return head;
            }
        }
        while (buffer.TryDequeue(out var e, out _)) yield return e;
    }
}
