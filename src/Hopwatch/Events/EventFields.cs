namespace Hopwatch.Events;

/// <summary>
/// The raw name→value fields of one event, in source order, exactly as the source named them
/// (EVTX System/EventData names, JSON keys flattened with '.', ...). Sigma rules match on these.
/// Lookup is case-insensitive because sources disagree on case (EventID vs EventId vs eventid).
/// </summary>
public sealed class EventFields
{
    private string[] _names;
    private string?[] _values;
    private int _count;

    /// <summary>No storage until the first field: readers that build their own fields replace this default one.</summary>
    public EventFields()
    {
        _names = [];
        _values = [];
    }

    public EventFields(int capacity)
    {
        _names = new string[Math.Max(capacity, 4)];
        _values = new string?[_names.Length];
    }

    public int Count => _count;

    /// <summary>Removes every field and keeps the storage, for a reader that builds events in one reused instance.</summary>
    public void Clear()
    {
        Array.Clear(_names, 0, _count);
        Array.Clear(_values, 0, _count);
        _count = 0;
    }

    /// <summary>A copy whose storage is exactly <see cref="Count"/> fields (what an event keeps).</summary>
    public EventFields TrimmedCopy()
    {
        var copy = new EventFields();
        if (_count == 0) return copy;
        copy._names = _names.AsSpan(0, _count).ToArray();
        copy._values = _values.AsSpan(0, _count).ToArray();
        copy._count = _count;
        return copy;
    }

    public string NameAt(int index) => _names[index];
    public string? ValueAt(int index) => _values[index];

    /// <summary>Adds a field; a repeated name keeps both (first wins on lookup).</summary>
    public void Add(string name, string? value)
    {
        if (_count == _names.Length)
        {
            int size = Math.Max(8, _count * 2);
            Array.Resize(ref _names, size);
            Array.Resize(ref _values, size);
        }
        _names[_count] = name;
        _values[_count] = value;
        _count++;
    }

    /// <summary>Replaces the first field with this name, or adds it.</summary>
    public void Set(string name, string? value)
    {
        int i = IndexOf(name);
        if (i >= 0) _values[i] = value; else Add(name, value);
    }

    public int IndexOf(string name)
    {
        // Names are usually interned, so the reference check settles most lookups.
        for (int i = 0; i < _count; i++)
            if (ReferenceEquals(_names[i], name)) return i;
        for (int i = 0; i < _count; i++)
            if (string.Equals(_names[i], name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    public bool Contains(string name) => IndexOf(name) >= 0;

    public bool TryGet(string name, out string? value)
    {
        int i = IndexOf(name);
        if (i < 0) { value = null; return false; }
        value = _values[i];
        return true;
    }

    public string? Get(string name) => TryGet(name, out var v) ? v : null;

    public IEnumerable<KeyValuePair<string, string?>> All()
    {
        for (int i = 0; i < _count; i++)
            yield return new KeyValuePair<string, string?>(_names[i], _values[i]);
    }
}
