using System.Runtime.CompilerServices;

namespace Hopwatch.Events;

/// <summary>
/// The fields of one event as the normaliser reads them. Readers share one names array among the events
/// of one layout (records of one EVTX template, lines of one JSON shape), and a shared (full) names array
/// never changes (see <see cref="EventFields.CopySharingNames"/>). So where each <see cref="CanonicalName"/>
/// sits is worked out once per layout, on first use, and kept in a table per layout: the normaliser's 20-40
/// lookups per event are then array reads instead of one search of the names each. Events whose names array
/// is not shared look up by name, with the same result.
/// </summary>
internal readonly struct NormaliserFields
{
    private const int Unknown = -2;
    private const int LayoutSlots = 1024;

    private readonly EventFields _fields;
    /// <summary>Field index per <see cref="CanonicalName.Id"/> (-1 absent, <see cref="Unknown"/> not looked up yet); null: no shared layout.</summary>
    private readonly int[]? _layout;

    public NormaliserFields(EventFields fields)
    {
        _fields = fields;
        _layout = fields.SharedNames is { } names ? LayoutOf(names) : null;
    }

    public int Count => _fields.Count;
    public string NameAt(int index) => _fields.NameAt(index);
    public string? ValueAt(int index) => _fields.ValueAt(index);

    public string? Get(CanonicalName name)
    {
        int i = IndexOf(name);
        return i < 0 ? null : _fields.ValueAt(i);
    }

    public bool Contains(CanonicalName name) => IndexOf(name) >= 0;

    private int IndexOf(CanonicalName name)
    {
        if (_layout is not { } layout || name.Id >= layout.Length) return _fields.IndexOf(name.Name);
        ref int slot = ref layout[name.Id];
        if (slot == Unknown) slot = _fields.IndexOf(name.Name);
        return slot;
    }

    private struct Layout
    {
        public string[]? Names;
        public int[]? Indexes;
    }

    /// <summary>Tables of recent layouts, per thread (normalising runs on every reading thread).</summary>
    [ThreadStatic] private static Layout[]? t_layouts;

    private static int[] LayoutOf(string[] names)
    {
        var layouts = t_layouts ??= new Layout[LayoutSlots];
        ref var slot = ref layouts[RuntimeHelpers.GetHashCode(names) & (LayoutSlots - 1)];
        if (ReferenceEquals(slot.Names, names)) return slot.Indexes!;
        var indexes = new int[NormaliserNames.Count];
        Array.Fill(indexes, Unknown);
        slot = new Layout { Names = names, Indexes = indexes };
        return indexes;
    }
}
