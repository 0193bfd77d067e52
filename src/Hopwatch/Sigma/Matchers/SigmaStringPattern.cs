namespace Hopwatch.Sigma;

/// <summary>How a pattern sits in the value: whole value, prefix, suffix, anywhere, or a general wildcard pattern.</summary>
internal enum SigmaPatternKind { Exact, Prefix, Suffix, Contains, Glob }

/// <summary>
/// A Sigma string value compiled once: escapes resolved (`\*`, `\?`, `\\`), wildcards `*` and `?`
/// turned into a pattern, the common shapes (exact/prefix/suffix/contains) reduced to one span
/// comparison. Matching never allocates. Case-insensitive unless cased.
/// </summary>
internal sealed class SigmaStringPattern
{
    private readonly string _literal = "";      // for non-glob kinds
    private readonly string[] _parts = [];       // glob without '?': literals between '*'
    private readonly bool _anchorStart, _anchorEnd;
    private readonly string _chars = "";        // glob with '?': pattern chars
    private readonly bool[] _wild = [];          // ... and which of them are wildcards
    private readonly bool _hasQuestion;
    private readonly StringComparison _cmp;
    // Upper-cased copies for matching against values folded by the event view (ordinal, vectorised).
    private readonly string _literalUpper = "";
    private readonly string[] _partsUpper = [];
    private readonly string _charsUpper = "";

    public SigmaPatternKind Kind { get; }
    /// <summary>The plain text of Exact/Prefix/Suffix/Contains patterns.</summary>
    public string Literal => _literal;
    public bool Cased { get; }
    /// <summary>The pattern as Sigma text, with the modifiers' wildcards (for descriptions; made on first use).</summary>
    public string Source => _source ??= (_leadingStar ? "*" : "") + _value + (_trailingStar ? "*" : "");
    private string? _source;
    private readonly string _value = "";
    private readonly bool _leadingStar, _trailingStar;

    private SigmaStringPattern(string source, bool cased, SigmaPatternKind kind)
    {
        _source = source;
        Cased = cased;
        Kind = kind;
        _cmp = cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
    }

    /// <summary>
    /// Compiles <paramref name="value"/> (Sigma wildcard syntax, or a plain literal when
    /// <paramref name="literal"/>) with contains/startswith/endswith applied as leading/trailing '*'.
    /// </summary>
    public static SigmaStringPattern Compile(string value, bool literal, bool leadingStar, bool trailingStar, bool cased)
    {
        // Most rule values hold no wildcard or escape: their shape follows from the modifiers alone
        // (the general path below gives the same result, slower; rule sets have tens of thousands of values).
        if (literal || IsPlain(value))
        {
            if (value.Length == 0)
                return new SigmaStringPattern(value, leadingStar, trailingStar, cased, leadingStar || trailingStar ? SigmaPatternKind.Prefix : SigmaPatternKind.Exact);
            var shape = leadingStar && trailingStar ? SigmaPatternKind.Contains : leadingStar ? SigmaPatternKind.Suffix
                : trailingStar ? SigmaPatternKind.Prefix : SigmaPatternKind.Exact;
            return new SigmaStringPattern(value, leadingStar, trailingStar, cased, shape);
        }
        return CompileGeneral(value, literal, leadingStar, trailingStar, cased);
    }

    /// <summary>
    /// Whether <paramref name="value"/> is its own literal: no wildcard, and no backslash that escapes anything (`\` escapes
    /// only `*`, `?` and `\`, so without those a backslash is itself). Windows paths (`\cmd.exe`) are most rule values:
    /// they took the general path below, character by character, when these were compiled on first use during matching.
    /// </summary>
    internal static bool IsPlain(ReadOnlySpan<char> value) => value.IndexOfAny('*', '?') < 0 && value.IndexOf(@"\\") < 0;

    /// <summary>Any value: wildcards and escapes resolved character by character.</summary>
    internal static SigmaStringPattern CompileGeneral(string value, bool literal, bool leadingStar, bool trailingStar, bool cased)
    {
        // Tokens: chars plus a parallel "is wildcard" flag.
        var chars = new System.Text.StringBuilder(value.Length + 2);
        var wild = new List<bool>(value.Length + 2);
        if (leadingStar) { chars.Append('*'); wild.Add(true); }
        if (literal)
        {
            foreach (char c in value) { chars.Append(c); wild.Add(false); }
        }
        else
        {
            for (int i = 0; i < value.Length; i++)
            {
                char c = value[i];
                if (c == '\\' && i + 1 < value.Length && value[i + 1] is '*' or '?' or '\\')
                {
                    chars.Append(value[i + 1]); wild.Add(false); i++;
                }
                else if (c is '*' or '?') { chars.Append(c); wild.Add(true); }
                else { chars.Append(c); wild.Add(false); }
            }
        }
        if (trailingStar) { chars.Append('*'); wild.Add(true); }

        // Collapse runs of '*' (they mean the same as one).
        var cs = new System.Text.StringBuilder(chars.Length);
        var ws = new List<bool>(wild.Count);
        for (int i = 0; i < chars.Length; i++)
        {
            if (wild[i] && chars[i] == '*' && ws.Count > 0 && ws[^1] && cs[^1] == '*') continue;
            cs.Append(chars[i]); ws.Add(wild[i]);
        }
        string p = cs.ToString();
        bool[] w = ws.ToArray();
        bool hasQ = false;
        var stars = new List<int>();
        for (int i = 0; i < w.Length; i++)
        {
            if (!w[i]) continue;
            if (p[i] == '?') hasQ = true; else stars.Add(i);
        }

        string display = (leadingStar ? "*" : "") + value + (trailingStar ? "*" : "");
        if (!hasQ)
        {
            bool starFirst = stars.Count > 0 && stars[0] == 0;
            bool starLast = stars.Count > 0 && stars[^1] == p.Length - 1;
            int inner = stars.Count - (starFirst ? 1 : 0) - (starLast && p.Length > 1 ? 1 : 0);
            if (p.Length == 1 && w[0]) return new SigmaStringPattern(display, cased, SigmaPatternKind.Prefix, "");
            if (stars.Count == 0) return new SigmaStringPattern(display, cased, SigmaPatternKind.Exact, p);
            if (inner == 0)
            {
                string lit = p.Substring(starFirst ? 1 : 0, p.Length - (starFirst ? 1 : 0) - (starLast ? 1 : 0));
                var kind = starFirst && starLast ? SigmaPatternKind.Contains : starFirst ? SigmaPatternKind.Suffix : SigmaPatternKind.Prefix;
                return new SigmaStringPattern(display, cased, kind, lit);
            }
        }
        return new SigmaStringPattern(display, cased, p, w, hasQ);
    }

    /// <summary>A plain value (no wildcard or escape in it): the value is the literal, the shape comes from the modifiers.</summary>
    private SigmaStringPattern(string value, bool leadingStar, bool trailingStar, bool cased, SigmaPatternKind kind)
    {
        Cased = cased;
        Kind = kind;
        _cmp = cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        _value = value;
        _leadingStar = leadingStar;
        _trailingStar = trailingStar;
        _literal = value;
        _literalUpper = value.ToUpperInvariant();
    }

    private SigmaStringPattern(string source, bool cased, SigmaPatternKind kind, string literal) : this(source, cased, kind)
    {
        _literal = literal;
        _literalUpper = literal.ToUpperInvariant();
    }

    private SigmaStringPattern(string source, bool cased, string chars, bool[] wild, bool hasQuestion)
        : this(source, cased, SigmaPatternKind.Glob)
    {
        _chars = chars;
        _charsUpper = chars.ToUpperInvariant();
        _wild = wild;
        _hasQuestion = hasQuestion;
        if (!hasQuestion)
        {
            var parts = new List<string>();
            var sb = new System.Text.StringBuilder();
            for (int i = 0; i < chars.Length; i++)
            {
                if (wild[i]) { parts.Add(sb.ToString()); sb.Clear(); }
                else sb.Append(chars[i]);
            }
            parts.Add(sb.ToString());
            _parts = parts.ToArray();
            _partsUpper = _parts.Select(p => p.ToUpperInvariant()).ToArray();
            _anchorStart = !wild[0];
            _anchorEnd = !wild[^1];
        }
    }

    public bool Matches(ReadOnlySpan<char> value) => Kind switch
    {
        SigmaPatternKind.Exact => value.Equals(_literal, _cmp),
        SigmaPatternKind.Prefix => value.StartsWith(_literal, _cmp),
        SigmaPatternKind.Suffix => value.EndsWith(_literal, _cmp),
        SigmaPatternKind.Contains => value.Contains(_literal, _cmp),
        _ => _hasQuestion ? MatchChars(value, _chars, !Cased) : MatchParts(value, _parts, _cmp),
    };

    /// <summary>
    /// Whether a value of <paramref name="length"/> characters can match at all: an exact pattern needs its literal's
    /// length, prefix/suffix/contains at least that; a glob may match any (its parts are not checked here).
    /// </summary>
    public bool CanMatchLength(int length) => Kind switch
    {
        SigmaPatternKind.Exact => length == _literal.Length,
        SigmaPatternKind.Prefix or SigmaPatternKind.Suffix or SigmaPatternKind.Contains => length >= _literal.Length,
        _ => true,
    };

    /// <summary>Case-insensitive test against a value already upper-cased (SigmaEventView.Folded): ordinal span operations only.</summary>
    public bool MatchesFolded(ReadOnlySpan<char> folded) => Kind switch
    {
        SigmaPatternKind.Exact => folded.SequenceEqual(_literalUpper),
        SigmaPatternKind.Prefix => folded.StartsWith(_literalUpper),
        SigmaPatternKind.Suffix => folded.EndsWith(_literalUpper),
        SigmaPatternKind.Contains => folded.IndexOf(_literalUpper) >= 0,
        _ => _hasQuestion ? MatchChars(folded, _charsUpper, false) : MatchParts(folded, _partsUpper, StringComparison.Ordinal),
    };

    /// <summary>
    /// The longest upper-cased text every value this pattern matches contains, once upper-cased
    /// (<see cref="SigmaEventView.Folded"/>): what the prefilter searches for. Null when there is none
    /// (empty literal, all wildcards) or when a cased non-ASCII literal might fold differently inside a value.
    /// </summary>
    public string? RequiredFoldedText()
    {
        string? best;
        if (Kind != SigmaPatternKind.Glob) best = _literalUpper;
        else if (!_hasQuestion) best = _partsUpper.MaxBy(p => p.Length);
        else
        {
            best = "";
            int start = 0;
            for (int i = 0; i <= _charsUpper.Length; i++)
            {
                if (i < _charsUpper.Length && !_wild[i]) continue;
                if (i - start > best.Length) best = _charsUpper[start..i];
                start = i + 1;
            }
        }
        if (string.IsNullOrEmpty(best)) return null;
        // Case-insensitive tests compare against exactly this text; a cased match of an ASCII literal
        // implies the folded value holds its upper-cased form too (ASCII folds character by character).
        if (Cased && !System.Text.Ascii.IsValid(best)) return null;
        return best;
    }

    /// <summary>'*'-only glob: anchored first/last parts, then left-most search for the middle parts (greedy is exact here).</summary>
    private bool MatchParts(ReadOnlySpan<char> value, string[] parts, StringComparison cmp)
    {
        int first = 0, last = parts.Length - 1;
        if (_anchorStart)
        {
            if (!value.StartsWith(parts[0], cmp)) return false;
            value = value[parts[0].Length..];
            first = 1;
        }
        if (_anchorEnd)
        {
            if (value.Length < parts[last].Length || !value.EndsWith(parts[last], cmp)) return false;
            value = value[..^parts[last].Length];
            last--;
        }
        for (int i = first; i <= last; i++)
        {
            if (parts[i].Length == 0) continue;
            int at = value.IndexOf(parts[i], cmp);
            if (at < 0) return false;
            value = value[(at + parts[i].Length)..];
        }
        return true;
    }

    /// <summary>General glob with '?' (one character) and '*' (any run), backtracking to the last '*'.</summary>
    private bool MatchChars(ReadOnlySpan<char> value, string p, bool ignoreCase)
    {
        bool[] w = _wild;
        int pi = 0, vi = 0, star = -1, mark = 0;
        while (vi < value.Length)
        {
            if (pi < p.Length && w[pi] && p[pi] == '*') { star = pi++; mark = vi; }
            else if (pi < p.Length && ((w[pi] && p[pi] == '?') || (!w[pi] && CharEquals(p[pi], value[vi], ignoreCase)))) { pi++; vi++; }
            else if (star >= 0) { pi = star + 1; vi = ++mark; }
            else return false;
        }
        while (pi < p.Length && w[pi] && p[pi] == '*') pi++;
        return pi == p.Length;
    }

    private static bool CharEquals(char a, char b, bool ignoreCase) =>
        a == b || (ignoreCase && char.ToUpperInvariant(a) == char.ToUpperInvariant(b));
}
