using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace Hopwatch.Reading.Text;

/// <summary>
/// Turns short UTF-8 values ("Security", "3", "-", "%%1833", "NT AUTHORITY") into strings without
/// allocating a new one each time. Direct-mapped and fixed-size, so hostile input cannot grow it:
/// a collision just replaces the slot. Not thread-safe; one per reader.
/// </summary>
internal sealed class Utf8ValueCache
{
    // Long enough for account SIDs (S-1-5-21-… is ~46 characters), which repeat with their users.
    private const int MaxCachedLength = 64;
    // A slot's string is its own key: cached values are ASCII, compared byte to char.
    private readonly string?[] _values;
    private readonly int _mask;

    public Utf8ValueCache(int slotsPowerOfTwo = 4096)
    {
        _values = new string[slotsPowerOfTwo];
        _mask = slotsPowerOfTwo - 1;
    }

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length == 0) return "";
        if (utf8.Length > MaxCachedLength) return Encoding.UTF8.GetString(utf8);
        int slot = (int)(Hash(utf8) & (uint)_mask);
        var cached = _values[slot];
        if (cached is not null && cached.Length == utf8.Length && Ascii.Equals(utf8, cached)) return cached;
        var s = Encoding.UTF8.GetString(utf8);
        // Non-ASCII values are not kept (their UTF-8 and UTF-16 lengths differ); they are rare in logs.
        if (s.Length == utf8.Length && Ascii.IsValid(utf8)) _values[slot] = s;
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint Hash(ReadOnlySpan<byte> s)
    {
        ulong h = (ulong)s.Length * 0x9E3779B97F4A7C15UL;
        int i = 0;
        for (; i + 8 <= s.Length; i += 8)
            h = (h ^ MemoryMarshal.Read<ulong>(s[i..])) * 0xFF51AFD7ED558CCDUL;
        for (; i < s.Length; i++)
            h = (h ^ s[i]) * 0x100000001B3UL;
        h ^= h >> 29;
        return (uint)h ^ (uint)(h >> 32);
    }
}
