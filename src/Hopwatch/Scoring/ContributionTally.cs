namespace Hopwatch.Scoring;

/// <summary>
/// Folds risk contributions: repeats of the same factor, reason and points become one with a count; at most
/// <see cref="MaxItems"/> distinct ones, in the order first seen. A repeat is found by its reason in a table
/// instead of by comparing it with every item kept so far (the list scan this replaced), and counted in place
/// instead of making a new record per repeat: an entity named by thousands of alerts folds each of
/// their contributions.
/// </summary>
internal sealed class ContributionTally
{
    public const int MaxItems = 200;

    private readonly List<RiskContribution> _items = new();
    private readonly List<int> _counts = new();
    // Reason -> index of the first item with that reason (the same reason with other points or factor is rare:
    // those are then looked for item by item).
    private readonly Dictionary<string, int> _byReason = new(StringComparer.Ordinal);

    public int Count => _items.Count;

    public void Add(RiskContribution c)
    {
        if (_byReason.TryGetValue(c.Reason, out int i))
        {
            if (Same(_items[i], c)) { _counts[i] += c.Count; return; }
            for (int j = i + 1; j < _items.Count; j++)
                if (Same(_items[j], c)) { _counts[j] += c.Count; return; }
        }
        if (_items.Count >= MaxItems) return;
        _byReason.TryAdd(c.Reason, _items.Count);
        _items.Add(c);
        _counts.Add(c.Count);
    }

    private static bool Same(RiskContribution a, RiskContribution b) => a.Factor == b.Factor && a.Reason == b.Reason && a.Points == b.Points;

    /// <summary>Appends the folded contributions to <paramref name="list"/>, in the order first seen.</summary>
    public void CopyTo(List<RiskContribution> list)
    {
        for (int i = 0; i < _items.Count; i++)
            list.Add(_items[i].Count == _counts[i] ? _items[i] : _items[i] with { Count = _counts[i] });
    }
}
