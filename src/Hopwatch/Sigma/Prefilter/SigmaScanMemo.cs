using System.Runtime.CompilerServices;

namespace Hopwatch.Sigma;

/// <summary>
/// Remembers, per thread, what the prefilter's scan of one field found in one value instance: the field's literal
/// numbers found (none, most often). A value seen again in that field is not scanned: its literals are reported again,
/// which opens the same variants. Readers share the string of a value that repeats from record to record, so command
/// lines, images and parent images come back event after event; <see cref="SigmaValueMemo"/> kept only "none found",
/// and the values holding a text — a quarter of the characters the prefilter scanned on the bench corpus — were
/// scanned every time.
/// Keyed by instance, never by content: the answer is exactly the scan's (strings are immutable). Direct-mapped and
/// bounded: a collision just overwrites. Not thread-safe (one per <see cref="SigmaEventView"/>).
/// </summary>
internal sealed class SigmaScanMemo
{
    private const int Bits = 12;

    private readonly string?[] _values = new string?[1 << Bits];
    private readonly int[] _ids = new int[1 << Bits];
    private readonly int[]?[] _found = new int[]?[1 << Bits];

    /// <summary>The literals scan <paramref name="id"/> found in this very <paramref name="value"/>, if remembered; <paramref name="slot"/> is where to <see cref="Remember"/> them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(int id, string value, out int[] found, out int slot)
    {
        slot = SigmaValueMemo.SlotOf(id, value, Bits); // from the address: a look-up does not read the string
        found = _found[slot]!;
        return _ids[slot] == id && ReferenceEquals(_values[slot], value);
    }

    public void Remember(int slot, int id, string value, int[] found)
    {
        _values[slot] = value;
        _ids[slot] = id;
        _found[slot] = found;
    }
}
