using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hopwatch.Events;

/// <summary>
/// The last results of one string function, remembered by string instance. Readers hand out one instance per
/// repeated value (computer, user and domain names, trailing-blank values), so the same few instances come back
/// event after event and are not trimmed, cut or lower-cased into new strings each time. Keyed by instance, never by
/// content: a result is exactly what the function gives (strings are immutable). Direct-mapped by the instance's
/// identity hash and bounded: a collision overwrites. Not thread-safe: one per thread (a [ThreadStatic] field).
/// </summary>
internal sealed class StringInstanceMemo
{
    private readonly (string? Key, string? Value)[] _slots;

    /// <param name="slots">How many results are kept; a power of two.</param>
    public StringInstanceMemo(int slots)
    {
        if (slots <= 0 || !BitOperations.IsPow2(slots)) throw new ArgumentOutOfRangeException(nameof(slots), slots, "a power of two");
        _slots = new (string?, string?)[slots];
    }

    /// <summary><paramref name="compute"/> of <paramref name="key"/>, computed only when this instance's result is not kept.</summary>
    public string? Get(string key, Func<string, string?> compute)
    {
        ref var slot = ref _slots[RuntimeHelpers.GetHashCode(key) & (_slots.Length - 1)];
        if (ReferenceEquals(slot.Key, key)) return slot.Value;
        string? value = compute(key);
        slot = (key, value);
        return value;
    }
}
