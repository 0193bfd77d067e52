namespace Hopwatch.Sigma;

/// <summary>
/// Several `contains` values of one field (OR-ed) searched in one pass over the value: the texts of at least
/// four characters through a <see cref="SigmaLiteralFinder"/> (the prefilter's gram table), shorter ones one by
/// one. Case-insensitive lists search the event view's upper-cased copy of the value with upper-cased texts
/// (ordinal, as every case-insensitive test does). Rules with dozens of needles (emoji, tool names, cmdlets)
/// cost about as much as one. .NET's multi-string SearchValues would scan faster, but each of its specialised
/// searchers is compiled at run time on first use — ~90 ms of JIT per run for SigmaHQ's lists, more than
/// all the searching it does on a 150 MB corpus.
/// </summary>
internal sealed class SigmaMultiContainsMatcher : SigmaValueMatcher
{
    private readonly string[] _texts;
    private readonly int _count;
    private readonly bool _cased;
    private readonly int _shortest; // a match is as long as its needle (case folding keeps lengths)
    private Searcher? _searcher; // built on first use: most rules never get this far
    private readonly int _memoId = SigmaValueMemo.NewId();

    /// <summary>The texts as searched (upper-cased unless cased): the long ones in a gram table, the rest one by one.</summary>
    private sealed class Searcher
    {
        private readonly string[] _grams; // the texts of at least a gram
        private readonly string[] _others;
        private readonly SigmaStrideFinder? _strided;
        // With a strided finder, field tests never use the gram table: it is built only if a test outside a field needs it
        // (lists are built on first use, in the middle of matching, where allocating costs page faults on fresh memory).
        private SigmaLiteralFinder? _finder;

        /// <summary>Only ASCII texts of at least a gram: the raw value can be searched, upper-cased on the fly.</summary>
        public readonly bool FoldsOnTheFly;

        public Searcher(string[] grams, string[] others, SigmaStrideFinder? strided)
        {
            _grams = grams;
            _others = others;
            _strided = strided;
            bool ascii = true;
            foreach (var g in grams) ascii &= System.Text.Ascii.IsValid(g);
            FoldsOnTheFly = others.Length == 0 && grams.Length > 0 && ascii;
            if (strided is null && grams.Length > 0) _finder = new SigmaLiteralFinder(grams);
        }

        private SigmaLiteralFinder? Finder
        {
            get
            {
                if (_grams.Length == 0) return null;
                if (_finder is { } built) return built;
                var made = new SigmaLiteralFinder(_grams);
                return Interlocked.CompareExchange(ref _finder, made, null) ?? made;
            }
        }

        public bool FindFolding(ReadOnlySpan<char> raw) =>
            _strided is not null ? _strided.ContainsAny(raw) : _finder!.ContainsAny(raw, fold: true);

        public bool Find(ReadOnlySpan<char> text)
        {
            if (Finder is { } finder && finder.ContainsAny(text)) return true;
            foreach (var s in _others)
                if (text.IndexOf(s) >= 0) return true;
            return false;
        }
    }

    public SigmaMultiContainsMatcher(IReadOnlyList<string> needles, bool cased)
    {
        _texts = needles.ToArray();
        _count = needles.Count;
        _cased = cased;
        _shortest = _texts.Length == 0 ? 0 : int.MaxValue;
        foreach (var t in _texts) _shortest = Math.Min(_shortest, t.Length);
    }

    private Searcher Build()
    {
        // Built on first use, in the middle of matching (the vulnerable-driver list: 4,400 hashes): plain loops, and ASCII
        // texts upper-cased by the vectorised ASCII casing (ToUpperInvariant goes character by character under invariant
        // globalization; both agree on ASCII).
        var gram = new List<string>(_texts.Length);
        var others = new List<string>();
        var seen = new HashSet<string>(_texts.Length, StringComparer.Ordinal);
        foreach (var t in _texts)
        {
            string s = _cased ? t : UpperInvariant(t);
            if (s.Length == 0 || !seen.Add(s)) continue;
            (SigmaLiteralFinder.CanFind(s) ? gram : others).Add(s);
        }
        return Publish(gram.ToArray(), others.ToArray());
    }

    private static string UpperInvariant(string t)
    {
        if (!System.Text.Ascii.IsValid(t)) return t.ToUpperInvariant();
        return string.Create(t.Length, t, static (dest, src) => System.Text.Ascii.ToUpper(src, dest, out _));
    }

    private Searcher Publish(string[] gram, string[] others)
    {
        // Long texts, uncased: probe every few positions only (SigmaStrideFinder), the list's hot path when it is a keyword search.
        var strided = !_cased && others.Length == 0 ? SigmaStrideFinder.TryCreate(gram) : null;
        var searcher = new Searcher(gram, others, strided);
        return Interlocked.CompareExchange(ref _searcher, searcher, null) ?? searcher;
    }

    public override bool Matches(string? value, SigmaEventView view)
    {
        if (value is null || value.Length < _shortest) return false;
        // Only reached outside a field test (which folds through the view); rare, so a folded copy will do.
        return (_searcher ?? Build()).Find(_cased ? value : value.ToUpperInvariant());
    }

    public override bool MatchesField(int fieldIndex, string value, SigmaEventView view)
    {
        if (value.Length < _shortest) return false;
        var searcher = _searcher ?? Build();
        if (value.Length < SigmaValueMemo.MinLength) return Search(searcher, fieldIndex, value, view);
        // Keyword lists run over every field of every event, where the same value instances come back again and again.
        if (view.Memo.TryGet(_memoId, value, out bool found, out int slot)) return found;
        found = Search(searcher, fieldIndex, value, view);
        view.Memo.Remember(slot, _memoId, value, found);
        return found;
    }

    /// <summary>This list's table in <see cref="SigmaEventView.KeywordMisses"/>, numbered when first searched as a keyword list (0: not yet).</summary>
    private int _keywordTable;
    private static int _lastKeywordTable;

    /// <summary>
    /// Whether any value of the bound event holds a needle: a keyword search, run on every value of every event it is
    /// a candidate for ("Mimikatz Use": every Windows event, ~17 % of all matching). Most values of an event are
    /// instances seen in earlier events (provider, computer, keywords, user and domain names, GUIDs), and what cost was
    /// visiting them: reading each value (a cache miss for most), checking its length, searching those of 9 to 31
    /// characters (not remembered: below <see cref="SigmaValueMemo.MinLength"/>) and looking up the longer ones. Here
    /// every value found to hold no needle, of any length, is remembered by instance in a small table of this list's
    /// own (<see cref="SigmaEventView.KeywordMisses"/>, slot from the instance's address: a look-up reads neither the
    /// string nor anything but one table entry); a value seen again is passed over without being read. A value that
    /// holds a needle is not remembered: it ends the search, and is searched again when met again (rare).
    /// </summary>
    public bool MatchesAnyValue(SigmaEventView view)
    {
        int table = _keywordTable;
        if (table == 0)
        {
            Interlocked.CompareExchange(ref _keywordTable, Interlocked.Increment(ref _lastKeywordTable), 0);
            table = _keywordTable;
        }
        var misses = view.KeywordMisses(table);
        var fields = view.Event.Fields;
        for (int i = 0, n = fields.Count; i < n; i++)
        {
            string? value = fields.ValueAt(i);
            if (value is null) continue;
            int slot = SigmaValueMemo.SlotOf(_memoId, value, SigmaEventView.KeywordMissBits);
            if (ReferenceEquals(misses[slot], value)) continue; // seen before, holds no needle
            if (value.Length >= _shortest && Search(_searcher ?? Build(), i, value, view)) return true;
            misses[slot] = value;
        }
        return false;
    }

    private bool Search(Searcher searcher, int fieldIndex, string value, SigmaEventView view)
    {
        if (_cased) return searcher.Find(value);
        // Keyword lists run over every field of every event: upper-casing each value first cost more than the search.
        return searcher.FoldsOnTheFly ? searcher.FindFolding(value) : searcher.Find(view.Folded(fieldIndex, value));
    }

    /// <summary>The needles (as written in the rule) and whether they are matched case-sensitively.</summary>
    public IReadOnlyList<string> Needles => _texts;
    public bool Cased => _cased;

    public override string Describe() => $"{(_cased ? "cased " : "")}contains any of {_count}";
}
