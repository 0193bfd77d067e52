using Hopwatch.Events;

namespace Hopwatch.Sigma;

/// <summary>
/// One event as the compiled rules see it: field values by field id, looked up at most once per
/// event (generation stamps avoid clearing arrays). One view per thread; reused for every event.
/// </summary>
internal sealed class SigmaEventView
{
    private readonly SigmaFieldTable _table;
    private readonly int[] _stamp;
    private readonly int[] _index;
    private int _generation;
    private string[]?[]? _aliases;

    public SigmaEventView(SigmaFieldTable table)
    {
        _table = table;
        _stamp = new int[table.Count];
        _index = new int[table.Count];
    }

    public LogEvent Event { get; private set; } = null!;

    /// <summary>Regex time-outs seen through this view (counted, the match is taken as failed).</summary>
    public long RegexTimeouts;

    public void Bind(LogEvent e)
    {
        Event = e;
        _aliases = _table.AliasesFor(e.Format);
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_stamp);
            _generation = 1;
        }
    }

    /// <summary>Index in Event.Fields of field <paramref name="id"/>, or -1 when the event lacks it.</summary>
    private int Resolve(int id)
    {
        if (_stamp[id] == _generation) return _index[id];
        var fields = Event.Fields;
        int i = fields.IndexOf(_table.NameOf(id));
        if (i < 0 && _aliases?[id] is { } alts)
            foreach (var alt in alts)
                if ((i = fields.IndexOf(alt)) >= 0) break;
        _stamp[id] = _generation;
        _index[id] = i;
        return i;
    }

    public bool Has(int id) => Resolve(id) >= 0;

    /// <summary>The field's value; null when absent or null.</summary>
    public string? Get(int id)
    {
        int i = Resolve(id);
        return i < 0 ? null : Event.Fields.ValueAt(i);
    }
}
