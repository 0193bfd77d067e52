using System.Collections;

namespace Hopwatch.Analytics;

/// <summary>
/// A sorted set of strings for analytic state and alert details that log content cannot blow up:
/// at most <see cref="MaxItems"/> entries (later ones are counted, not kept) and each value cut to
/// <see cref="MaxLength"/> characters. Hostile logs can repeat distinct values forever.
/// </summary>
public sealed class CappedSet(StringComparer comparer, int maxItems = 64) : IEnumerable<string>
{
    public const int MaxLength = 300;
    private readonly SortedSet<string> _set = new(comparer);

    public int MaxItems { get; } = maxItems;
    public int Count => _set.Count;
    /// <summary>Distinct values not kept because the set was full.</summary>
    public int Dropped { get; private set; }

    public bool Add(string value)
    {
        if (value.Length > MaxLength) value = value[..MaxLength] + "…";
        if (_set.Contains(value)) return false;
        if (_set.Count >= MaxItems) { Dropped++; return false; }
        return _set.Add(value);
    }

    public bool Contains(string value) => _set.Contains(value);

    public IEnumerator<string> GetEnumerator() => _set.GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
