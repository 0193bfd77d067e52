namespace Hopwatch.Events;

/// <summary>
/// Which events a consumer (a detector) can use, judged from an event's header alone: its format, channel,
/// provider and EventID. Readers ask before they do the expensive part of an event — an EVTX record is
/// tested when its System element has been read, before its EventData is turned into fields — and drop the
/// events nobody wants (they still count as records read). A consumer that may use any event has no interest
/// object (null), and then nothing is dropped.
/// </summary>
public sealed class EventInterest
{
    private readonly Func<LogEvent, bool>[] _wants;

    /// <param name="wants">
    /// True for an event the consumer may use. Called with an event whose header (Format, Channel, Provider,
    /// EventId) is set but whose fields may still be missing; on several threads at once.
    /// </param>
    public EventInterest(Func<LogEvent, bool> wants) => _wants = [wants];

    private EventInterest(Func<LogEvent, bool>[] wants) => _wants = wants;

    public bool Wants(LogEvent header)
    {
        foreach (var w in _wants)
            if (w(header)) return true;
        return false;
    }

    /// <summary>The events any of <paramref name="parts"/> wants; null (everything) when any part is null.</summary>
    public static EventInterest? AnyOf(IEnumerable<EventInterest?> parts)
    {
        var all = new List<Func<LogEvent, bool>>();
        foreach (var p in parts)
        {
            if (p is null) return null;
            all.AddRange(p._wants);
        }
        return new EventInterest(all.ToArray());
    }
}
