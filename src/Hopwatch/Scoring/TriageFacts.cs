namespace Hopwatch.Scoring;

/// <summary>A failed authentication kept for "were there failures before success?".</summary>
public sealed record FailureFact(DateTime Time, string? User, string? Source, string? Host, int EventId, string? Status, string File, long RecordId);

/// <summary>
/// Something done on a host that matters after a remote logon: a process start in a remote
/// session or under a remote-execution parent, a service install, a scheduled task, a share write.
/// </summary>
public sealed record ActivityFact(DateTime Time, string Host, string Kind, string? User, string Detail, int EventId, string File, long RecordId);

/// <summary>A process opening LSASS (Sysmon 10) on a host: a credential-access sign.</summary>
public sealed record CredentialAccessFact(DateTime Time, string Host, string? SourceImage, string? GrantedAccess, string? User, string File, long RecordId);

/// <summary>What the evidence shows of one account on one host: first and last success, logon types.</summary>
public sealed class AccessFact
{
    public DateTime FirstSuccess { get; internal set; }
    public DateTime LastSuccess { get; internal set; }
    public long Count { get; internal set; }
    /// <summary>Bit n set when logon type n was seen (0–15).</summary>
    public int LogonTypeMask { get; internal set; }
}

/// <summary>A set of UTC day numbers, bounded (the earliest days are kept: they are the history).</summary>
internal sealed class DaySet
{
    public const int MaxDays = 400;
    private readonly SortedSet<int> _days = new();
    public int Count => _days.Count;

    public void Add(DateTime t)
    {
        int d = DayNumber(t);
        if (_days.Count >= MaxDays && d > _days.Max) return;
        _days.Add(d);
        if (_days.Count > MaxDays) _days.Remove(_days.Max);
    }

    /// <summary>Distinct days strictly before the day of <paramref name="t"/>.</summary>
    public int DaysBefore(DateTime t)
    {
        int d = DayNumber(t), n = 0;
        foreach (var x in _days) { if (x >= d) break; n++; }
        return n;
    }

    public DateTime? FirstDay => _days.Count == 0 ? null : DateTime.UnixEpoch.AddDays(_days.Min);

    public static int DayNumber(DateTime t) => (int)((t - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerDay);
}

/// <summary>Bounded list keeping the most recent items and counting what it let go.</summary>
internal sealed class RecentList<T>
{
    private readonly Queue<T> _items = new();
    private readonly int _max;
    public long Dropped { get; private set; }
    public RecentList(int max) => _max = max;
    public void Add(T item)
    {
        _items.Enqueue(item);
        if (_items.Count > _max) { _items.Dequeue(); Dropped++; }
    }
    public IEnumerable<T> Items => _items;
}
