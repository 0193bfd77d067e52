using System.Runtime.CompilerServices;
using Hopwatch.Events;

namespace Hopwatch.Reading.Json;

/// <summary>
/// The field-name arrays of the record layouts a reader met last (every 4624 of one exporter has
/// the same names in the same order), so events of one layout share one names array instead of
/// each carrying its own copy. Direct-mapped and fixed-size; not thread-safe (one per reader).
/// </summary>
internal sealed class LayoutNames
{
    private const int Slots = 64;
    private readonly string[]?[] _names = new string[Slots][];

    /// <summary>An exact-size copy of <paramref name="scratch"/> sharing the names array of an earlier record of its layout.</summary>
    public EventFields Copy(EventFields scratch)
    {
        int n = scratch.Count;
        if (n == 0) return scratch.Copy();
        // Slot by the count and the last name (where layouts of one count usually differ).
        int slot = (int)((uint)(n * 31 + RuntimeHelpers.GetHashCode(scratch.NameAt(n - 1))) % Slots);
        ref var names = ref _names[slot];
        return scratch.CopySharingNames(ref names);
    }
}
