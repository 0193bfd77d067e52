using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>A bounded list of evidence references kept in analytic state (never whole events).</summary>
public sealed class EvidenceList
{
    private readonly int _max;
    public List<AlertEvidence> Items { get; } = new(2);
    public int Total { get; private set; }

    public EvidenceList(int max = 16) => _max = max;

    public void Add(LogEvent e) => Add(AlertEvidence.From(e));

    public void Add(AlertEvidence ev)
    {
        Total++;
        if (Items.Count < _max) Items.Add(ev);
    }
}
