using System.Runtime.CompilerServices;

namespace Hopwatch.Sigma;

/// <summary>
/// Remembers, per thread, the answer of a search over one value instance: (searcher, string instance) → found or not.
/// Readers share the string of a value that repeats from record to record (EVTX: values up to 256 characters), so the
/// same provider GUIDs, computer names, paths and command lines come back event after event; keyword lists (searched in
/// every field of every event) then answer them without scanning them again (the prefilter's field scans have their
/// own memo of what they found, <see cref="SigmaScanMemo"/>).
/// Keyed by instance, never by content: an answer is exactly the one the search would give (strings are immutable).
/// Direct-mapped and bounded: a collision just overwrites. Not thread-safe (one per <see cref="SigmaEventView"/>).
/// </summary>
internal sealed class SigmaValueMemo
{
    /// <summary>Shorter values are searched again by field tests: a few probes cost less than a look-up here.</summary>
    public const int MinLength = 32;
    /// <summary>The same for the prefilter's scans (<see cref="SigmaScanMemo"/>), which probe at every character (not every few, as keyword lists do).</summary>
    public const int MinScanLength = 16;
    private const int Bits = 12;

    private static int _lastId;

    /// <summary>A number for a searcher that uses the memo (unique in the process).</summary>
    public static int NewId() => Interlocked.Increment(ref _lastId);

    private readonly string?[] _values = new string?[1 << Bits];
    private readonly int[] _keys = new int[1 << Bits]; // searcher id, negated when the answer was "found"

    /// <summary>
    /// The slot of (<paramref name="id"/>, <paramref name="value"/>) in a table of 2^<paramref name="bits"/>: from the
    /// instance's address, not from its object header (<see cref="RuntimeHelpers.GetHashCode(object)"/>), so a look-up
    /// never reads the string itself. Keyword lists visit every value of every event, and the first read of a value
    /// no other test had touched was a cache miss — most of what such a search cost. Only a hash: were the collector
    /// to move the string, its answer would just be looked for in another slot (a miss), never given for another
    /// instance (a hit compares the reference).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int SlotOf(int id, string value, int bits)
    {
        ulong address = (ulong)Unsafe.As<string, nint>(ref value);
        return (int)(((address >> 3) ^ (uint)id * 0x2F0B3C4DUL) * 0x9E3779B97F4A7C15UL >> (64 - bits));
    }

    /// <summary>The remembered answer of searcher <paramref name="id"/> for this very <paramref name="value"/>, if any; <paramref name="slot"/> is where to <see cref="Remember"/> it. Does not read the string.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryGet(int id, string value, out bool found, out int slot)
    {
        slot = SlotOf(id, value, Bits);
        int key = _keys[slot];
        found = key < 0;
        return (key == id || key == -id) && ReferenceEquals(_values[slot], value);
    }

    public void Remember(int slot, int id, string value, bool found)
    {
        _values[slot] = value;
        _keys[slot] = found ? -id : id;
    }
}
