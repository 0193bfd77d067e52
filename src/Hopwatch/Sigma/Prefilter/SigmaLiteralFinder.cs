using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hopwatch.Sigma;

/// <summary>
/// Finds which of a set of literals (each at least <see cref="GramLength"/> characters) occur in a value,
/// in one pass: every literal is filed under one of its 4-character grams (chosen so that few literals
/// share one), the value's grams are looked up in an open-addressing table as it slides by, and a literal
/// is reported when its whole text sits around the gram found. Building costs a few milliseconds for
/// thousands of literals (an Aho–Corasick table for them took ~100 ms and tens of MB).
/// Immutable after construction; shared by threads.
/// </summary>
internal sealed class SigmaLiteralFinder
{
    public const int GramLength = 4;

    private readonly string[] _literals;
    private readonly ulong[] _keys;     // open addressing; 0 = empty (a gram of four NUL characters is never filed)
    private readonly int[] _firstEntry; // per slot: index into _entries
    private readonly int[] _entryCount;
    private readonly (int Literal, int Offset)[] _entries; // literals filed under the slot's gram, and where the gram sits in each
    private readonly int _shift;

    public int LiteralCount => _literals.Length;

    /// <param name="literals">Distinct strings of at least <see cref="GramLength"/> characters; a hit reports the position in this list.</param>
    public SigmaLiteralFinder(IReadOnlyList<string> literals)
    {
        _literals = literals.ToArray();
        // Greedy: longest literals first pick their least-used gram, so common endings (".EXE") stay short lists.
        var use = new Dictionary<ulong, int>(GramComparer.Instance);
        foreach (var lit in _literals)
            for (int i = 0; i + GramLength <= lit.Length; i++) CollectionsMarshal.GetValueRefOrAddDefault(use, Key(lit, i), out _)++;
        var filed = new Dictionary<ulong, List<(int, int)>>(GramComparer.Instance);
        foreach (int li in Enumerable.Range(0, _literals.Length).OrderByDescending(i => _literals[i].Length))
        {
            string lit = _literals[li];
            if (lit.Length < GramLength) throw new ArgumentException($"literal '{lit}' is shorter than {GramLength} characters");
            int best = -1, bestLoad = int.MaxValue;
            for (int i = 0; i + GramLength <= lit.Length; i++)
            {
                ulong k = Key(lit, i);
                if (k == 0) continue;
                int load = (filed.TryGetValue(k, out var l) ? l.Count * 1000 : 0) + use[k];
                if (load < bestLoad) { bestLoad = load; best = i; }
            }
            if (best < 0) throw new ArgumentException("a literal of NUL characters only cannot be searched for");
            ulong key = Key(lit, best);
            if (!filed.TryGetValue(key, out var list)) filed[key] = list = new();
            list.Add((li, best));
        }
        int size = 16;
        while (size < filed.Count * 2) size *= 2;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        _keys = new ulong[size];
        _firstEntry = new int[size];
        _entryCount = new int[size];
        var entries = new List<(int, int)>();
        foreach (var (key, list) in filed)
        {
            int slot = Slot(key);
            while (_keys[slot] != 0) slot = (slot + 1) & (size - 1);
            _keys[slot] = key;
            _firstEntry[slot] = entries.Count;
            _entryCount[slot] = list.Count;
            entries.AddRange(list);
        }
        _entries = entries.ToArray();
    }

    /// <summary>Whether a text can be filed here: at least <see cref="GramLength"/> characters, and not only NUL characters.</summary>
    public static bool CanFind(string text)
    {
        if (text.Length < GramLength) return false;
        for (int i = 0; i + GramLength <= text.Length; i++)
            if (Key(text, i) != 0) return true;
        return false;
    }

    private static ulong Key(string s, int at) =>
        s[at] | (ulong)s[at + 1] << 16 | (ulong)s[at + 2] << 32 | (ulong)s[at + 3] << 48;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    /// <summary>Calls <paramref name="sink"/> with the index of each literal found in <paramref name="text"/> (at least once per literal present).</summary>
    public void Scan<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : struct, ILiteralSink
    {
        if (text.Length < GramLength) return;
        ulong[] keys = _keys;
        int mask = keys.Length - 1;
        ulong key = (ulong)text[0] << 16 | (ulong)text[1] << 32 | (ulong)text[2] << 48;
        for (int end = GramLength; end <= text.Length; end++)
        {
            key = key >> 16 | (ulong)text[end - 1] << 48;
            int slot = Slot(key);
            while (true)
            {
                ulong k = keys[slot];
                if (k == key) { Verify(text, end - GramLength, slot, ref sink); break; }
                if (k == 0) break;
                slot = (slot + 1) & mask;
            }
        }
    }

    /// <summary>Whether any of the literals occurs in <paramref name="text"/> (stops at the first found).</summary>
    public bool ContainsAny(ReadOnlySpan<char> text)
    {
        if (text.Length < GramLength) return false;
        ulong[] keys = _keys;
        int mask = keys.Length - 1;
        ulong key = (ulong)text[0] << 16 | (ulong)text[1] << 32 | (ulong)text[2] << 48;
        for (int end = GramLength; end <= text.Length; end++)
        {
            key = key >> 16 | (ulong)text[end - 1] << 48;
            int slot = Slot(key);
            while (true)
            {
                ulong k = keys[slot];
                if (k == key) { if (AnyAt(text, end - GramLength, slot)) return true; break; }
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
            var (li, offset) = _entries[e];
            string lit = _literals[li];
            int start = gramAt - offset;
            if (start >= 0 && start + lit.Length <= text.Length && text.Slice(start, lit.Length).SequenceEqual(lit)) return true;
        }
        return false;
    }

    private void Verify<TSink>(ReadOnlySpan<char> text, int gramAt, int slot, ref TSink sink) where TSink : struct, ILiteralSink
    {
        int first = _firstEntry[slot], end = first + _entryCount[slot];
        for (int e = first; e < end; e++)
        {
            var (li, offset) = _entries[e];
            string lit = _literals[li];
            int start = gramAt - offset;
            if (start >= 0 && start + lit.Length <= text.Length && text.Slice(start, lit.Length).SequenceEqual(lit))
                sink.Found(li);
        }
    }
}

/// <summary>ulong's own hash XORs its halves, which collides all the time for packed text; this one mixes.</summary>
internal sealed class GramComparer : IEqualityComparer<ulong>
{
    public static readonly GramComparer Instance = new();
    public bool Equals(ulong a, ulong b) => a == b;
    public int GetHashCode(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> 32);
}

/// <summary>Receives the literals <see cref="SigmaLiteralFinder.Scan"/> finds (a struct, so the call inlines).</summary>
internal interface ILiteralSink
{
    void Found(int literal);
}
