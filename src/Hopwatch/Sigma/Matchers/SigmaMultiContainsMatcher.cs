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
        var texts = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in _texts)
        {
            string s = _cased ? t : t.ToUpperInvariant();
            if (s.Length > 0 && seen.Add(s)) texts.Add(s);
        }
        var gram = texts.Where(SigmaLiteralFinder.CanFind).ToArray();
        var others = texts.Where(t => !SigmaLiteralFinder.CanFind(t)).ToArray();
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
