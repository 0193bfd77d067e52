using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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
    // One bit per (length, case-folded first letter) of the names held, so looking up an absent
    // name (the normaliser and analytics try several alternatives) rarely scans the fields at all.
    // A name starting with a non-ASCII character could fold onto an ASCII one: such a name turns the filter off.
    private ulong _nameBits;

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

    private EventFields(string[] names, string?[] values, int count, ulong nameBits)
    {
        _names = names;
        _values = values;
        _count = count;
        _nameBits = nameBits;
    }

    public int Count => _count;

    /// <summary>Empties the fields, keeping the arrays (a reader's scratch record).</summary>
    public void Clear()
    {
        if (_count > 0 && _count == _names.Length) _names = new string[_names.Length]; // may be shared (see CopySharingNames)
        else Array.Clear(_names, 0, _count);
        Array.Clear(_values, 0, _count);
        _count = 0;
        _nameBits = 0;
    }

    /// <summary>A copy whose storage is exactly <see cref="Count"/> fields (what an event keeps).</summary>
    public EventFields Copy()
    {
        if (_count == 0) return new EventFields();
        return new EventFields(_names.AsSpan(0, _count).ToArray(), _values.AsSpan(0, _count).ToArray(), _count, _nameBits);
    }

    public string NameAt(int index) => _names[index];
    public string? ValueAt(int index) => _values[index];

    /// <summary>
    /// The names array when it is full, and so never written again (see <see cref="CopySharingNames"/>): an
    /// identity for the layout that events of one template or shape share. Null when empty or not full.
    /// </summary>
    internal string[]? SharedNames => _count > 0 && _count == _names.Length ? _names : null;

    /// <summary>Adds a field; a repeated name keeps both (first wins on lookup).</summary>
    public void Add(string name, string? value) => Add(name, value, NameBitOf(name));

    /// <summary>
    /// Adds a field whose name's lookup bit (<see cref="NameBitOf"/>) the caller worked out once: readers that add the
    /// same names record after record (EVTX extraction plans).
    /// </summary>
    internal void Add(string name, string? value, ulong nameBit)
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
        _nameBits |= nameBit;
    }

    /// <summary>The bit <paramref name="name"/> sets in the filter of names held.</summary>
    internal static ulong NameBitOf(string name)
    {
        if (name.Length == 0) return 1;
        char c = name[0];
        if (c >= 128) return ulong.MaxValue;
        return 1UL << (int)((uint)(name.Length * 31 + (c | 0x20)) & 63);
    }

    /// <summary>Replaces the first field with this name, or adds it.</summary>
    public void Set(string name, string? value)
    {
        int i = IndexOf(name);
        if (i >= 0) _values[i] = value; else Add(name, value);
    }

    /// <summary>
    /// A copy whose names array is <paramref name="names"/> when that holds exactly these names in
    /// this order (records of one layout then share one names array), else a new one, which is
    /// handed back in <paramref name="names"/> for the next record. Sharing is safe because a
    /// full names array is never written in place: the next Add grows it into a new array, and
    /// Set writes values only.
    /// </summary>
    internal EventFields CopySharingNames(ref string[]? names)
    {
        if (names is null || names.Length != _count || !SameNamesAs(names))
            names = _names.AsSpan(0, _count).ToArray();
        return new EventFields(names, _values.AsSpan(0, _count).ToArray(), _count, _nameBits);
    }

    private bool SameNamesAs(string[] names)
    {
        for (int i = 0; i < _count; i++)
            if (!ReferenceEquals(_names[i], names[i])) return false;
        return true;
    }

    public int IndexOf(string name)
    {
        // Names are usually interned, so the reference check settles most lookups.
        int found = IndexOfReference(name);
        if (found >= 0) return found;
        // A miss scans again ignoring case, unless no held name has this one's length and first letter;
        // names of another length cannot match, so skip those cheaply.
        if (name.Length > 0 && name[0] < 128 && (_nameBits & NameBitOf(name)) == 0) return -1;
        if (_count == 0 || _count != _names.Length) return IndexOfIgnoringCase(name);
        // A full names array is never written in place (see CopySharingNames), and records of one layout
        // share it: the answer for (this array, this name) is remembered, so the case-insensitive scan
        // runs once per layout and name instead of once per event (readers pool their own name strings,
        // so the canonical names callers pass rarely match by reference).
        var memo = t_lookups ??= new Lookup[LookupSlots];
        ref var slot = ref memo[(RuntimeHelpers.GetHashCode(_names) * 31 + RuntimeHelpers.GetHashCode(name)) & (LookupSlots - 1)];
        if (ReferenceEquals(slot.Names, _names) && ReferenceEquals(slot.Name, name)) return slot.Index;
        int index = IndexOfIgnoringCase(name);
        slot = new Lookup { Names = _names, Name = name, Index = index };
        return index;
    }

    private int IndexOfIgnoringCase(string name)
    {
        int length = name.Length;
        for (int i = 0; i < _count; i++)
        {
            var n = _names[i];
            if (n.Length == length && string.Equals(n, name, StringComparison.OrdinalIgnoreCase)) return i;
        }
        return -1;
    }

    private struct Lookup
    {
        public string[]? Names;
        public string? Name;
        public int Index;
    }

    private const int LookupSlots = 1024;
    [ThreadStatic] private static Lookup[]? t_lookups;

    /// <summary>
    /// The first slot holding this very string instance, compared as addresses in one vectorised
    /// search (lookups are the reader's and normaliser's commonest operation). The name is pinned
    /// meanwhile, so no other object can come to sit at its address and compare equal.
    /// </summary>
    private unsafe int IndexOfReference(string name)
    {
        fixed (char* pinned = name)
        {
            nint address = Unsafe.As<string, nint>(ref name);
            var slots = MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<string, nint>(ref MemoryMarshal.GetArrayDataReference(_names)), _count);
            return slots.IndexOf(address);
        }
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
