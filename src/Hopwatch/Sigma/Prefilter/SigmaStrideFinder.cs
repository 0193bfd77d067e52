using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hopwatch.Sigma;

/// <summary>
/// Whether any of a short list of upper-cased ASCII literals, all at least <see cref="MinLength"/> characters long,
/// occurs in a value upper-cased on the fly — probing only every <see cref="Stride"/>-th position. Every 4-character
/// gram of every literal is filed with its offset; an occurrence of a literal of length L ≥ MinLength spans
/// MinLength − 3 consecutive gram starts, one of which is a multiple of the stride (= MinLength − 3). Keyword lists
/// (`mimikatz`, `sekurlsa::`, ...) run over every field of every event, where a per-character scan was the
/// largest single cost of Sigma matching. Immutable after construction; shared by threads.
/// </summary>
internal sealed class SigmaStrideFinder
{
    private const int GramLength = 4;
    /// <summary>Shorter literals would make the stride too small to gain over <see cref="SigmaLiteralFinder"/>.</summary>
    public const int MinLength = 6;
    /// <summary>More literals would fill the table with grams and make most probes hit.</summary>
    public const int MaxLiterals = 256;

    private readonly string[] _literals;
    private readonly ulong[] _keys;      // open addressing; 0 = empty (literals hold no NUL character)
    private readonly int[] _firstEntry, _entryCount, _entryLiteral, _entryOffset;
    private readonly int _shift, _minLength;

    public int Stride { get; }

    private SigmaStrideFinder(string[] literals)
    {
        _literals = literals;
        _minLength = int.MaxValue;
        int entries = 0;
        foreach (var l in literals)
        {
            _minLength = Math.Min(_minLength, l.Length);
            entries += l.Length - GramLength + 1;
        }
        Stride = _minLength - GramLength + 1;
        int size = 16;
        while (size < entries * 2) size *= 2;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        _keys = new ulong[size];
        _firstEntry = new int[size];
        _entryCount = new int[size];
        // Lists are built on first use, in the middle of matching: two passes over the grams (file and count, then lay
        // out) instead of per-gram scratch arrays, whose fresh memory cost more than finding each gram's slot again.
        for (int li = 0; li < literals.Length; li++)
            for (int at = 0; at + GramLength <= literals[li].Length; at++)
            {
                ulong key = Key(literals[li].AsSpan(at));
                int slot = Find(key);
                _keys[slot] = key;
                _entryCount[slot]++;
            }
        // Each slot's entries side by side: first the end of each slot's run, then every entry (last first) placed
        // just before its slot's end, which moves down to the run's start — in the order the grams were filed.
        int filled = 0;
        for (int slot = 0; slot < size; slot++)
        {
            filled += _entryCount[slot];
            _firstEntry[slot] = filled;
        }
        _entryLiteral = new int[entries];
        _entryOffset = new int[entries];
        for (int li = literals.Length - 1; li >= 0; li--)
            for (int at = literals[li].Length - GramLength; at >= 0; at--)
            {
                int pos = --_firstEntry[Find(Key(literals[li].AsSpan(at)))];
                _entryLiteral[pos] = li;
                _entryOffset[pos] = at;
            }
    }

    /// <summary>A finder for <paramref name="upperLiterals"/>, or null when they do not suit one (too short, too many, not ASCII, NUL).</summary>
    public static SigmaStrideFinder? TryCreate(IReadOnlyList<string> upperLiterals)
    {
        if (upperLiterals.Count == 0 || upperLiterals.Count > MaxLiterals) return null;
        foreach (var l in upperLiterals)
            if (l.Length < MinLength || !System.Text.Ascii.IsValid(l) || l.Contains('\0')) return null;
        return new SigmaStrideFinder(upperLiterals.ToArray());
    }

    private int Find(ulong key)
    {
        int mask = _keys.Length - 1, slot = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (_keys[slot] != 0 && _keys[slot] != key) slot = (slot + 1) & mask;
        return slot;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Key(ReadOnlySpan<char> at) => MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(at[..GramLength]));

    /// <summary>Whether any literal occurs in <paramref name="text"/> upper-cased (ToUpperInvariant, character by character).</summary>
    public bool ContainsAny(ReadOnlySpan<char> text)
    {
        int n = text.Length;
        if (n < _minLength) return false;
        ulong[] keys = _keys;
        int mask = keys.Length - 1, stride = Stride;
        for (int p = 0; p + GramLength <= n; p += stride)
        {
            ulong key = SigmaLiteralFinder.FoldedKey(text[p..]);
            int slot = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
            while (true)
            {
                ulong k = keys[slot];
                if (k == key) { if (AnyAt(text, p, slot)) return true; break; }
                if (k == 0) break;
                slot = (slot + 1) & mask;
            }
        }
        return false;
    }

    private bool AnyAt(ReadOnlySpan<char> text, int gramAt, int slot)
    {
        int first = _firstEntry[slot], end = first + _entryCount[slot];
        for (int e = first; e < end; e++)
        {
            string lit = _literals[_entryLiteral[e]];
            int start = gramAt - _entryOffset[e];
            if (start < 0 || start + lit.Length > text.Length) continue;
            var window = text.Slice(start, lit.Length);
            int i = 0;
            while (i < lit.Length && SigmaLiteralFinder.Up(window[i]) == lit[i]) i++;
            if (i == lit.Length) return true;
        }
        return false;
    }
}
