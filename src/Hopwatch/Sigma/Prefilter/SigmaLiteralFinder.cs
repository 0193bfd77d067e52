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
    // Literals filed under each slot's gram, and where the gram sits in each. Two int arrays, not one of
    // tuples: code touching ValueTuple fields cannot be precompiled (ReadyToRun) outside the framework.
    private readonly int[] _entryLiteral, _entryOffset;
    /// <summary>
    /// Per entry: its literal's length, and four of its characters (at <c>_entryCheckAt</c> from its start, next to the
    /// gram) as a key, checked before the literal itself is read. A gram found in a value mostly belongs to no literal
    /// there (hex grams of hashes, path pieces): comparing the whole literal read its string, a cache miss among
    /// thousands of them (the Hashes field's table holds ~5,600). Only a necessary condition: a literal whose four
    /// characters agree is compared in full, as before.
    /// </summary>
    private readonly int[] _entryLength, _entryCheckAt;
    private readonly ulong[] _entryCheck;
    private readonly int _shift;
    /// <summary>
    /// For big tables only: one bit per gram hash (the top <see cref="FilterBits"/> bits of the same product the slot
    /// comes from), set for every filed gram. A scan probes every character of a value; the prefilter's table of a
    /// field like CommandLine (thousands of texts) is tens of KB, so most probes missed the L1 cache only to find an
    /// empty slot. This 8 KB of bits answers most of them.
    /// </summary>
    private readonly ulong[]? _filter;
    private const int FilterBits = 16;
    /// <summary>Tables at least this many slots get <see cref="_filter"/> (smaller ones fit the L1 cache themselves).</summary>
    private const int FilterFromSlots = 2048;

    public int LiteralCount => _literals.Length;

    /// <param name="literals">Distinct strings of at least <see cref="GramLength"/> characters; a hit reports the position in this list.</param>
    public SigmaLiteralFinder(IReadOnlyList<string> literals)
    {
        _literals = literals.ToArray();
        int n = _literals.Length;
        AllAscii = true;
        foreach (var lit in _literals) AllAscii &= System.Text.Ascii.IsValid(lit);
        // Built with plain arrays only (no dictionaries keyed by grams): loading a big rule set builds this for
        // tens of thousands of literals, and growing hash tables put megabytes of short-lived arrays on the large
        // object heap, which triggered a full collection during every load (and generic instantiations over
        // ulong that are compiled at run time).
        // How common each gram is among all literals: counted in saturating buckets by gram hash (up to 65,536; a
        // contains list of a few dozen needles gets a few hundred, as it is built in the middle of matching). Only the
        // choice of gram depends on it (which one a literal is filed under), never what is found.
        long grams = 0;
        foreach (var lit in _literals) grams += Math.Max(0, lit.Length - GramLength + 1);
        int bucketBits = Math.Clamp(System.Numerics.BitOperations.Log2((ulong)Math.Max(1, grams)) + 3, 8, 16);
        var use = new byte[1 << bucketBits];
        int bucketShift = 64 - bucketBits;
        foreach (var lit in _literals)
        {
            if (lit.Length < GramLength) throw new ArgumentException($"literal '{lit}' is shorter than {GramLength} characters");
            for (int i = FirstCandidateGram(lit.Length); i + GramLength <= lit.Length; i++)
            {
                ref byte u = ref use[(int)((Key(lit, i) * 0x9E3779B97F4A7C15UL) >> bucketShift)];
                if (u < byte.MaxValue) u++;
            }
        }
        int size = 16;
        while (size < n * 2) size *= 2;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        _keys = new ulong[size];
        _firstEntry = new int[size];
        _entryCount = new int[size];
        var literalOf = new int[n];
        var offsetOf = new int[n];
        var next = new int[n];         // per entry: the next entry filed under the same gram (-1: none)
        var head = new int[size];      // per slot: its last entry + 1 (0: none)
        // Greedy: longest literals first pick their least-used gram, so common endings (".EXE") stay short lists.
        var order = LongestFirst(_literals);
        for (int e = 0; e < n; e++)
        {
            int li = order[e];
            string lit = _literals[li];
            int best = -1, bestLoad = int.MaxValue;
            // Its last characters' grams; all of them if those are NUL characters only.
            for (int from = FirstCandidateGram(lit.Length); best < 0; from = 0)
            {
                for (int i = from; i + GramLength <= lit.Length; i++)
                {
                    ulong k = Key(lit, i);
                    if (k == 0) continue;
                    int slot = Find(k);
                    int load = (_keys[slot] == k ? _entryCount[slot] * 1000 : 0) + use[(int)((k * 0x9E3779B97F4A7C15UL) >> bucketShift)];
                    if (load < bestLoad) { bestLoad = load; best = i; }
                    if (load == 1) break; // a gram no other literal has, not filed yet: none can be lower (the same choice, sooner)
                }
                if (from == 0) break;
            }
            if (best < 0) throw new ArgumentException("a literal of NUL characters only cannot be searched for");
            ulong key = Key(lit, best);
            int at = Find(key);
            _keys[at] = key;
            _entryCount[at]++;
            literalOf[e] = li;
            offsetOf[e] = best;
            next[e] = head[at] - 1;
            head[at] = e + 1;
        }
        if (size >= FilterFromSlots)
        {
            _filter = new ulong[(1 << FilterBits) / 64];
            foreach (ulong k in _keys)
                if (k != 0)
                {
                    int bit = FilterBit(k);
                    _filter[bit >> 6] |= 1UL << bit;
                }
        }
        // Lay each gram's entries side by side, in the order they were filed.
        _entryLiteral = new int[n];
        _entryOffset = new int[n];
        _entryLength = new int[n];
        _entryCheckAt = new int[n];
        _entryCheck = new ulong[n];
        int filled = 0;
        var chain = new List<int>();
        for (int slot = 0; slot < size; slot++)
        {
            if (_keys[slot] == 0) continue;
            _firstEntry[slot] = filled;
            chain.Clear();
            for (int e = head[slot] - 1; e >= 0; e = next[e]) chain.Add(e);
            for (int c = chain.Count - 1; c >= 0; c--)
            {
                string lit = _literals[literalOf[chain[c]]];
                int offset = offsetOf[chain[c]], checkAt = CheckAt(offset, lit.Length);
                _entryLiteral[filled] = literalOf[chain[c]];
                _entryLength[filled] = lit.Length;
                _entryCheckAt[filled] = checkAt;
                _entryCheck[filled] = Key(lit, checkAt);
                _entryOffset[filled++] = offset;
            }
        }
    }

    /// <summary>
    /// Where in a literal of <paramref name="length"/> filed under its gram at <paramref name="offset"/> the four characters
    /// checked first sit: just after the gram, else just before it, else (literals of 4 to 7 characters) its last four.
    /// </summary>
    private static int CheckAt(int offset, int length) =>
        offset + 2 * GramLength <= length ? offset + GramLength
        : offset >= GramLength ? offset - GramLength
        : length - GramLength;

    /// <summary>
    /// Whether the four characters of <paramref name="text"/> at <paramref name="at"/> (upper-cased when <paramref name="fold"/>)
    /// are those of the entry's check key. Keys are composed first character lowest, as <see cref="Key"/> does; on a
    /// big-endian machine the quick reads below would not be, so there every entry passes on to the full comparison.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool CheckPasses(ReadOnlySpan<char> text, int at, bool fold, ulong check) =>
        !BitConverter.IsLittleEndian
        || (fold ? FoldedKey(text[at..]) : MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(text.Slice(at, GramLength)))) == check;

    /// <summary>Grams a literal may be filed under: those of its last characters (texts longer than this are rare; only speed depends on the choice).</summary>
    private const int CandidateChars = 16;

    /// <summary>
    /// Where the grams a literal of <paramref name="length"/> may be filed under start: its last <see cref="CandidateChars"/>
    /// characters. A list built on first use (the vulnerable-driver hashes: 4,400 texts of 36 to 71 characters) weighed
    /// every gram of every text twice, ~150,000 look-ups mid-matching; the prefilter's texts are cut to 16 characters
    /// anyway. A literal with only NUL characters there is filed under a gram before them.
    /// </summary>
    private static int FirstCandidateGram(int length) => Math.Max(0, length - CandidateChars);

    /// <summary>Indices of <paramref name="literals"/>, longest first, in list order among equals (a counting sort).</summary>
    private static int[] LongestFirst(string[] literals)
    {
        int max = 0;
        foreach (var l in literals) max = Math.Max(max, l.Length);
        var starts = new int[max + 2];
        foreach (var l in literals) starts[max - l.Length + 1]++;
        for (int i = 1; i < starts.Length; i++) starts[i] += starts[i - 1];
        var order = new int[literals.Length];
        for (int i = 0; i < literals.Length; i++) order[starts[max - literals[i].Length]++] = i;
        return order;
    }

    /// <summary>The slot holding <paramref name="key"/>, or the empty slot where it would go.</summary>
    private int Find(ulong key)
    {
        int mask = _keys.Length - 1, slot = Slot(key);
        while (_keys[slot] != 0 && _keys[slot] != key) slot = (slot + 1) & mask;
        return slot;
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
        // The four characters as one read where the machine's byte order gives the same number (most of a load's
        // grams are keyed here: every gram of every literal, twice).
        BitConverter.IsLittleEndian ? System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.AsSpan(at, 4)))
            : s[at] | (ulong)s[at + 1] << 16 | (ulong)s[at + 2] << 32 | (ulong)s[at + 3] << 48;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FilterBit(ulong key) => (int)((key * 0x9E3779B97F4A7C15UL) >> (64 - FilterBits));

    /// <summary>Calls <paramref name="sink"/> with the index of each literal found in <paramref name="text"/> (at least once per literal present).</summary>
    public void Scan<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : struct, ILiteralSink =>
        Scan(text, fold: false, ref sink);

    /// <summary>
    /// As <see cref="Scan{TSink}(ReadOnlySpan{char}, ref TSink)"/> on the upper-cased <paramref name="text"/> when
    /// <paramref name="fold"/>, upper-casing character by character as it goes (no copy of the value). Equal to
    /// scanning <c>ToUpperInvariant</c>'s copy for literals without surrogates (callers check <see cref="AllAscii"/>).
    /// </summary>
    public void Scan<TSink>(ReadOnlySpan<char> text, bool fold, ref TSink sink) where TSink : struct, ILiteralSink
    {
        if (text.Length < GramLength) return;
        if (ReadsGramsAtOnce(text, fold))
        {
            ScanAtOnce(text, fold, ref sink);
            return;
        }
        ulong[] keys = _keys;
        ulong[]? filter = _filter;
        int mask = keys.Length - 1;
        ulong key = fold
            ? (ulong)Up(text[0]) << 16 | (ulong)Up(text[1]) << 32 | (ulong)Up(text[2]) << 48
            : (ulong)text[0] << 16 | (ulong)text[1] << 32 | (ulong)text[2] << 48;
        for (int end = GramLength; end <= text.Length; end++)
        {
            char c = text[end - 1];
            key = key >> 16 | (ulong)(fold ? Up(c) : c) << 48;
            ulong hash = key * 0x9E3779B97F4A7C15UL;
            if (filter is not null)
            {
                int bit = (int)(hash >> (64 - FilterBits));
                if ((filter[bit >> 6] & (1UL << bit)) == 0) continue; // no literal is filed under this gram
            }
            int slot = (int)(hash >> _shift);
            while (true)
            {
                ulong k = keys[slot];
                if (k == key) { Verify(text, end - GramLength, slot, fold, ref sink); break; }
                if (k == 0) break;
                slot = (slot + 1) & mask;
            }
        }
    }

    /// <summary>Whether any of the literals occurs in <paramref name="text"/> (stops at the first found).</summary>
    public bool ContainsAny(ReadOnlySpan<char> text) => ContainsAny(text, fold: false);

    /// <summary>Whether any literal occurs in <paramref name="text"/>, upper-cased on the fly when <paramref name="fold"/> (see <see cref="Scan{TSink}(ReadOnlySpan{char}, bool, ref TSink)"/>).</summary>
    public bool ContainsAny(ReadOnlySpan<char> text, bool fold)
    {
        if (text.Length < GramLength) return false;
        if (ReadsGramsAtOnce(text, fold)) return ContainsAnyAtOnce(text, fold);
        ulong[] keys = _keys;
        ulong[]? filter = _filter;
        int mask = keys.Length - 1;
        ulong key = fold
            ? (ulong)Up(text[0]) << 16 | (ulong)Up(text[1]) << 32 | (ulong)Up(text[2]) << 48
            : (ulong)text[0] << 16 | (ulong)text[1] << 32 | (ulong)text[2] << 48;
        for (int end = GramLength; end <= text.Length; end++)
        {
            char c = text[end - 1];
            key = key >> 16 | (ulong)(fold ? Up(c) : c) << 48;
            ulong hash = key * 0x9E3779B97F4A7C15UL;
            if (filter is not null)
            {
                int bit = (int)(hash >> (64 - FilterBits));
                if ((filter[bit >> 6] & (1UL << bit)) == 0) continue; // no literal is filed under this gram
            }
            int slot = (int)(hash >> _shift);
            while (true)
            {
                ulong k = keys[slot];
                if (k == key) { if (AnyAt(text, end - GramLength, slot, fold)) return true; break; }
                if (k == 0) break;
                slot = (slot + 1) & mask;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="text"/> can be scanned reading each gram's four characters at once (<see cref="GramAt"/>)
    /// rather than rolling them in one by one, upper-casing each: on a little-endian machine (where that read composes the
    /// key as <see cref="Key"/> does), for a text that is not folded or is all ASCII (checked vectorised; the on-the-fly
    /// upper-casing of other characters stays per character). Every gram is then independent of the one before, and the
    /// ASCII upper-casing of four characters is a few operations on the key (the prefilter's scans and contains lists
    /// probe at every character, ~15 % of matching).
    /// </summary>
    private static bool ReadsGramsAtOnce(ReadOnlySpan<char> text, bool fold) =>
        BitConverter.IsLittleEndian && (!fold || System.Text.Ascii.IsValid(text));

    /// <summary>The gram key of the four characters from <paramref name="at"/> (in bounds: callers stop four before the end), upper-cased when <paramref name="foldAscii"/> (the text is ASCII).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong GramAt(ref char text, int at, bool foldAscii)
    {
        ulong k = Unsafe.ReadUnaligned<ulong>(ref Unsafe.As<char, byte>(ref Unsafe.Add(ref text, at)));
        return foldAscii ? UpperAscii(k) : k;
    }

    private void ScanAtOnce<TSink>(ReadOnlySpan<char> text, bool fold, ref TSink sink) where TSink : struct, ILiteralSink
    {
        ulong[] keys = _keys;
        ulong[]? filter = _filter;
        int mask = keys.Length - 1, shift = _shift, last = text.Length - GramLength;
        ref char start = ref MemoryMarshal.GetReference(text);
        for (int at = 0; at <= last; at++)
        {
            ulong key = GramAt(ref start, at, fold);
            ulong hash = key * 0x9E3779B97F4A7C15UL;
            if (filter is not null)
            {
                int bit = (int)(hash >> (64 - FilterBits));
                if ((filter[bit >> 6] & (1UL << bit)) == 0) continue; // no literal is filed under this gram
            }
            int slot = (int)(hash >> shift);
            while (true)
            {
                ulong k = keys[slot];
                if (k == key) { Verify(text, at, slot, fold, ref sink); break; }
                if (k == 0) break;
                slot = (slot + 1) & mask;
            }
        }
    }

    private bool ContainsAnyAtOnce(ReadOnlySpan<char> text, bool fold)
    {
        ulong[] keys = _keys;
        ulong[]? filter = _filter;
        int mask = keys.Length - 1, shift = _shift, last = text.Length - GramLength;
        ref char start = ref MemoryMarshal.GetReference(text);
        for (int at = 0; at <= last; at++)
        {
            ulong key = GramAt(ref start, at, fold);
            ulong hash = key * 0x9E3779B97F4A7C15UL;
            if (filter is not null)
            {
                int bit = (int)(hash >> (64 - FilterBits));
                if ((filter[bit >> 6] & (1UL << bit)) == 0) continue; // no literal is filed under this gram
            }
            int slot = (int)(hash >> shift);
            while (true)
            {
                ulong k = keys[slot];
                if (k == key) { if (AnyAt(text, at, slot, fold)) return true; break; }
                if (k == 0) break;
                slot = (slot + 1) & mask;
            }
        }
        return false;
    }

    private bool AnyAt(ReadOnlySpan<char> text, int gramAt, int slot, bool fold)
    {
        int first = _firstEntry[slot], end = first + _entryCount[slot];
        for (int e = first; e < end; e++)
        {
            int start = gramAt - _entryOffset[e], length = _entryLength[e];
            if (start < 0 || start + length > text.Length || !CheckPasses(text, start + _entryCheckAt[e], fold, _entryCheck[e])) continue;
            if (EqualsAt(text.Slice(start, length), _literals[_entryLiteral[e]], fold)) return true;
        }
        return false;
    }

    private void Verify<TSink>(ReadOnlySpan<char> text, int gramAt, int slot, bool fold, ref TSink sink) where TSink : struct, ILiteralSink
    {
        int first = _firstEntry[slot], end = first + _entryCount[slot];
        for (int e = first; e < end; e++)
        {
            int start = gramAt - _entryOffset[e], length = _entryLength[e];
            if (start < 0 || start + length > text.Length || !CheckPasses(text, start + _entryCheckAt[e], fold, _entryCheck[e])) continue;
            int li = _entryLiteral[e];
            if (EqualsAt(text.Slice(start, length), _literals[li], fold)) sink.Found(li);
        }
    }

    /// <summary>Whether every literal is ASCII: then on-the-fly upper-casing finds exactly what a scan of the upper-cased copy finds.</summary>
    public bool AllAscii { get; }

    /// <summary>One character upper-cased as <c>ToUpperInvariant</c> does (ASCII without a table look-up).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static char Up(char c) =>
        c < 0x80 ? ((uint)(c - 'a') <= 'z' - 'a' ? (char)(c - 0x20) : c) : char.ToUpperInvariant(c);

    /// <summary>Four characters as a gram key, upper-cased as <c>ToUpperInvariant</c> does each of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong FoldedKey(ReadOnlySpan<char> at)
    {
        ulong k = MemoryMarshal.Read<ulong>(MemoryMarshal.AsBytes(at[..GramLength]));
        if ((k & 0xFF80_FF80_FF80_FF80UL) != 0)
            return Up(at[0]) | (ulong)Up(at[1]) << 16
                 | (ulong)Up(at[2]) << 32 | (ulong)Up(at[3]) << 48;
        return UpperAscii(k);
    }

    /// <summary>A key of four ASCII characters with each lower-case letter upper-cased.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong UpperAscii(ulong k)
    {
        // Per 16-bit lane, bit 7 of (c + 0x80 - 'a') says c ≥ 'a', of (c + 0x80 - 'z' - 1) that c > 'z'; lanes stay below
        // 0x100, so nothing carries into the next one.
        const ulong Lanes = 0x0001_0001_0001_0001UL;
        ulong atLeastA = k + (0x80 - 'a') * Lanes, aboveZ = k + (0x80 - 'z' - 1) * Lanes;
        ulong lower = atLeastA & ~aboveZ & (0x80 * Lanes);
        return k - (lower >> 2); // 0x80 >> 2 = 0x20: 'a' − 'A'
    }

    private static bool EqualsAt(ReadOnlySpan<char> text, string literal, bool fold)
    {
        if (!fold) return text.SequenceEqual(literal);
        for (int i = 0; i < literal.Length; i++)
            if (Up(text[i]) != literal[i]) return false;
        return true;
    }

    // --- The rule-set snapshot (SigmaRuleSetSnapshot) keeps a finder as these arrays and makes it again from them. ---

    /// <summary>The finder's tables, as the constructor built them.</summary>
    internal (string[] Literals, ulong[] Keys, int[] FirstEntry, int[] EntryCount, int[] EntryLiteral, int[] EntryOffset, ulong[]? Filter) Tables =>
        (_literals, _keys, _firstEntry, _entryCount, _entryLiteral, _entryOffset, _filter);

    /// <summary>
    /// A finder from the <see cref="Tables"/> of one built before (the same literals give the same tables). Every array
    /// is checked against the others (sizes, slots, entries in range), so a bad one throws <see cref="InvalidDataException"/>
    /// here rather than an index error during a scan.
    /// </summary>
    internal SigmaLiteralFinder(string[] literals, ulong[] keys, int[] firstEntry, int[] entryCount, int[] entryLiteral, int[] entryOffset, ulong[]? filter)
    {
        int size = keys.Length, n = literals.Length;
        if (size < 16 || !System.Numerics.BitOperations.IsPow2(size) || size < n * 2 || firstEntry.Length != size || entryCount.Length != size
            || entryLiteral.Length != n || entryOffset.Length != n || (filter is not null && filter.Length != (1 << FilterBits) / 64)
            || (filter is null) != (size < FilterFromSlots))
            throw new InvalidDataException("literal finder tables of inconsistent sizes");
        foreach (var lit in literals)
            if (lit.Length < GramLength) throw new InvalidDataException("a literal finder's literal is too short");
        for (int slot = 0; slot < size; slot++)
        {
            if (keys[slot] == 0 ? entryCount[slot] != 0 : (uint)entryCount[slot] > (uint)n || (uint)firstEntry[slot] > (uint)(n - entryCount[slot]))
                throw new InvalidDataException("a literal finder's slot out of range");
        }
        for (int e = 0; e < n; e++)
            if ((uint)entryLiteral[e] >= (uint)n || (uint)entryOffset[e] > (uint)(literals[entryLiteral[e]].Length - GramLength))
                throw new InvalidDataException("a literal finder's entry out of range");
        _literals = literals;
        _keys = keys;
        _firstEntry = firstEntry;
        _entryCount = entryCount;
        _entryLiteral = entryLiteral;
        _entryOffset = entryOffset;
        // The per-entry checks are not kept in the snapshot: they follow from the entries as in the other constructor.
        _entryLength = new int[n];
        _entryCheckAt = new int[n];
        _entryCheck = new ulong[n];
        for (int e = 0; e < n; e++)
        {
            string lit = literals[entryLiteral[e]];
            int checkAt = CheckAt(entryOffset[e], lit.Length);
            _entryLength[e] = lit.Length;
            _entryCheckAt[e] = checkAt;
            _entryCheck[e] = Key(lit, checkAt);
        }
        _filter = filter;
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        AllAscii = true;
        foreach (var lit in literals) AllAscii &= System.Text.Ascii.IsValid(lit);
    }
}

/// <summary>Receives the literals <see cref="SigmaLiteralFinder.Scan"/> finds (a struct, so the call inlines).</summary>
internal interface ILiteralSink
{
    void Found(int literal);
}
