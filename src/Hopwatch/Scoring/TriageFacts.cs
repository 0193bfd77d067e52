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
    /// <summary>Bit n set when logon type n was seen (0–15), over all time.</summary>
    public int LogonTypeMask { get; internal set; }

    // The last few logons, packed as (seconds since year 1) << 4 | logon type in a small ring:
    // one array per account/host pair instead of a queue of tuples.
    private const int MaxRecent = 8;
    private long[]? _recent;
    private int _next;

    internal void AddLogonType(DateTime t, int type)
    {
        LogonTypeMask |= 1 << type;
        _recent ??= new long[MaxRecent];
        _recent[_next] = ((t.Ticks / TimeSpan.TicksPerSecond) << 4) | (uint)type | 1L << 62; // bit 62 marks a used slot
        _next = (_next + 1) % MaxRecent;
    }

    /// <summary>Logon types (bit mask) of the most recent logons that fall within [from, to].</summary>
    public int LogonTypesBetween(DateTime from, DateTime to)
    {
        if (_recent is null) return 0;
        int mask = 0;
        foreach (var packed in _recent)
        {
            if ((packed & (1L << 62)) == 0) continue;
            long seconds = (packed & ~(1L << 62)) >> 4;
            if (seconds >= from.Ticks / TimeSpan.TicksPerSecond && seconds <= to.Ticks / TimeSpan.TicksPerSecond) mask |= 1 << (int)(packed & 0xF);
        }
        return mask;
    }
}

/// <summary>A set of UTC day numbers, bounded (the earliest days are kept: they are the history).
/// A sorted list: days arrive mostly in order, and most sets hold a handful.</summary>
internal sealed class DaySet
{
    public const int MaxDays = 400;
    private readonly List<int> _days = new(2);
    public int Count => _days.Count;

    public void Add(DateTime t)
    {
        int d = DayNumber(t);
        if (_days.Count > 0 && _days[^1] == d) return;
        if (_days.Count == 0 || d > _days[^1])
        {
            if (_days.Count < MaxDays) _days.Add(d);
            return;
        }
        int i = _days.BinarySearch(d);
        if (i >= 0) return;
        _days.Insert(~i, d);
        if (_days.Count > MaxDays) _days.RemoveAt(_days.Count - 1);
    }

    /// <summary>Distinct days strictly before the day of <paramref name="t"/>.</summary>
    public int DaysBefore(DateTime t)
    {
        int i = _days.BinarySearch(DayNumber(t));
        return i >= 0 ? i : ~i;
    }

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
