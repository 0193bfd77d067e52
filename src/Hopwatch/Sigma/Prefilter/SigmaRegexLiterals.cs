namespace Hopwatch.Sigma;

/// <summary>
/// Texts one of which every value a regex matches must contain, worked out from the pattern, so the prefilter can
/// gate rules whose only selective test is a regex (`CommandLine|re: '\$PSHome\[\s*\d{1,3}...'`) as it gates plain
/// `contains` rules. A necessary condition, never a sufficient one: where the pattern holds anything this does not
/// follow (lookarounds, conditionals, class subtraction, `x` mode, non-ASCII literals) it answers null and the rule
/// always runs.
/// </summary>
/// <remarks>
/// Each piece of the pattern is described by the set of strings it matches exactly, when that set is small (a literal,
/// a small class, an alternation of those), or else by a set of which every match contains one. A sequence chains
/// exact pieces into runs (every match holds one of the run's strings, contiguous) and keeps the most selective run
/// or required set; an alternation unites its branches' sets. Anything else (`.`, `\s`, big classes, anchors, optional
/// or repeated pieces) ends a run — always safe: a shorter run requires less. The texts come out upper-cased, as the
/// prefilter compares them with the value upper-cased.
/// </remarks>
internal static class SigmaRegexLiterals
{
    /// <summary>Most strings an exact set holds before it is dropped (a class or alternation of more says little).</summary>
    private const int MaxExact = 16;
    /// <summary>Most strings a required set (a union of alternatives) holds.</summary>
    private const int MaxRequired = 64;
    private const int MaxTextLength = 64;
    /// <summary>Most characters a class may stand for and still count as an exact set.</summary>
    private const int MaxClassChars = 8;
    /// <summary>Deepest group nesting read (the parser recurses per group: a hostile rule must not exhaust the stack).</summary>
    private const int MaxDepth = 64;

    /// <summary>
    /// ASCII letters that .NET's case-insensitive regex matching takes as equal to a non-ASCII character the prefilter's
    /// upper-casing does not map onto them: the KELVIN SIGN (U+212A) matches `k` under IgnoreCase, but upper-cases
    /// to itself. A case-insensitive required text holding one of these also opens on any non-ASCII value.
    /// (A test checks this list against the regex engine over every character.)
    /// </summary>
    internal const string LettersWithNonAsciiCaseMates = "K";

    /// <summary>The result: upper-cased ASCII texts one of which every match contains, and whether a non-ASCII value must open the rule too.</summary>
    internal sealed record Required(string[] Texts, bool AlsoNonAscii);

    /// <summary>The texts, or null when none can be shown (or they are shorter than <paramref name="minLength"/>).</summary>
    /// <param name="ignoreCase">Whether the regex runs case-insensitively (`re|i`); inline `(?i)` is found in the pattern.</param>
    public static Required? Of(string pattern, bool ignoreCase, int minLength)
    {
        var parser = new Parser(pattern);
        Piece top;
        try
        {
            top = parser.Alternation();
            if (!parser.AtEnd) return null; // an unmatched ')'
        }
        catch (GiveUp) { return null; }
        if (top.Required is not { } texts || texts.Count == 0) return null;
        foreach (var t in texts)
            if (t.Length < minLength) return null;
        bool caseless = ignoreCase || parser.InlineIgnoreCase;
        bool alsoNonAscii = caseless && texts.Any(t => t.AsSpan().IndexOfAny(LettersWithNonAsciiCaseMates) >= 0);
        return new Required(texts.ToArray(), alsoNonAscii);
    }

    private sealed class GiveUp : Exception;

    /// <summary>What a piece of the pattern is known to match: exactly one of <see cref="Exact"/>, or something containing one of <see cref="Required"/> (either may be null).</summary>
    private readonly record struct Piece(List<string>? Exact, List<string>? Required)
    {
        public static readonly Piece Unknown = new(null, null);
        public static Piece Literal(char c) => new([c.ToString()], [c.ToString()]);
    }

    private sealed class Parser(string pattern)
    {
        private int _at, _depth;
        public bool InlineIgnoreCase { get; private set; }
        public bool AtEnd => _at >= pattern.Length;

        private char Peek => pattern[_at];
        private bool Next(char c) => _at < pattern.Length && pattern[_at] == c;

        public Piece Alternation()
        {
            if (++_depth > MaxDepth) throw new GiveUp();
            try { return AlternationCore(); }
            finally { _depth--; }
        }

        private Piece AlternationCore()
        {
            var branches = new List<Piece> { Sequence() };
            while (Next('|'))
            {
                _at++;
                branches.Add(Sequence());
            }
            if (branches.Count == 1) return branches[0];
            List<string>? exact = new(), required = new();
            foreach (var b in branches)
            {
                exact = b.Exact is null || exact is null ? null : Union(exact, b.Exact, MaxExact);
                // A branch that guarantees nothing (or may match the empty string) leaves the whole alternation without texts.
                var set = b.Exact ?? b.Required;
                required = set is null || required is null || set.Contains("") ? null : Union(required, set, MaxRequired);
            }
            return new Piece(exact, required);
        }

        private Piece Sequence()
        {
            List<string> run = [""];
            var candidates = new List<List<string>>();
            bool allExact = true;
            while (!AtEnd && Peek != '|' && Peek != ')')
            {
                var piece = Quantified(Atom());
                if (piece.Exact is { } exact)
                {
                    if (Cross(run, exact) is { } longer) run = longer;
                    else
                    {
                        // Too many or too long: the run so far is one candidate, a new one starts here.
                        candidates.Add(run);
                        run = exact;
                        allExact = false;
                    }
                    continue;
                }
                allExact = false;
                candidates.Add(run);
                run = [""];
                if (piece.Required is { } required) candidates.Add(required);
            }
            candidates.Add(run);
            return new Piece(allExact ? run : null, Best(candidates));
        }

        /// <summary>The piece with what follows it: optional or repeated pieces guarantee at most one copy of themselves.</summary>
        private Piece Quantified(Piece atom)
        {
            if (AtEnd) return atom;
            int min;
            switch (Peek)
            {
                case '*': case '?': min = 0; _at++; break;
                case '+': min = 1; _at++; break;
                case '{' when Counted(out int from, out int length): min = from; _at += length; break;
                default: return atom;
            }
            if (Next('?')) _at++; // lazy
            if (!AtEnd && Peek is '*' or '+' or '?' || Next('{') && Counted(out _, out _)) throw new GiveUp(); // nested quantifier: not a .NET pattern
            return min == 0 ? Piece.Unknown : new Piece(null, atom.Exact ?? atom.Required);
        }

        /// <summary>Whether a `{n}`, `{n,}` or `{n,m}` starts here (else `{` is a literal brace, as .NET reads it).</summary>
        private bool Counted(out int min, out int length)
        {
            min = 0;
            length = 0;
            int i = _at + 1, digits = 0;
            while (i < pattern.Length && char.IsAsciiDigit(pattern[i]))
            {
                min = Math.Min(min * 10 + (pattern[i] - '0'), 1_000_000);
                i++;
                digits++;
            }
            if (digits == 0) return false;
            if (i < pattern.Length && pattern[i] == ',')
            {
                i++;
                while (i < pattern.Length && char.IsAsciiDigit(pattern[i])) i++;
            }
            if (i >= pattern.Length || pattern[i] != '}') return false;
            length = i + 1 - _at;
            return true;
        }

        private Piece Atom()
        {
            char c = pattern[_at++];
            switch (c)
            {
                case '(':
                    return Group();
                case '[':
                    return Class();
                case '\\':
                    return Escape();
                case '.' or '^' or '$':
                    return Piece.Unknown;
                case '*' or '+' or '?':
                    throw new GiveUp(); // a quantifier with nothing before it: not a valid pattern
                case '{':
                    _at--;
                    if (Counted(out _, out _)) throw new GiveUp();
                    _at++;
                    return Piece.Literal('{');
                default:
                    return Char(c);
            }
        }

        /// <summary>A literal character: ASCII (upper-cased), or unknown (the prefilter's texts are ASCII).</summary>
        private static Piece Char(char c) =>
            c is > (char)0 and < (char)128 ? Piece.Literal(SigmaLiteralFinder.Up(c)) : Piece.Unknown;

        private Piece Group()
        {
            if (!Next('?'))
            {
                var inner = Alternation();
                Close();
                return inner;
            }
            _at++;
            if (AtEnd) throw new GiveUp();
            switch (Peek)
            {
                case ':': case '>': // non-capturing, atomic: match what they hold
                    _at++;
                    return Inner();
                case '=': case '!': // lookahead: zero-width
                    _at++;
                    Inner();
                    return Piece.Unknown;
                case '<' when _at + 1 < pattern.Length && pattern[_at + 1] is '=' or '!': // lookbehind
                    _at += 2;
                    Inner();
                    return Piece.Unknown;
                case '<': case '\'': // named group
                {
                    char end = Peek == '<' ? '>' : '\'';
                    int close = pattern.IndexOf(end, _at + 1);
                    if (close < 0) throw new GiveUp();
                    _at = close + 1;
                    return Inner();
                }
                case '#': // comment
                {
                    int close = pattern.IndexOf(')', _at);
                    if (close < 0) throw new GiveUp();
                    _at = close + 1;
                    return Piece.Unknown;
                }
                default:
                {
                    // Options: (?imnsx-imnsx) for what follows, or (?imnsx-imnsx:...) for the group.
                    bool on = true;
                    while (!AtEnd && Peek is not (')' or ':'))
                    {
                        char o = Peek;
                        if (o == '-') on = false;
                        else if (o is 'x' or 'X') throw new GiveUp(); // whitespace and comments in the pattern
                        else if (o is 'i' or 'I') { if (on) InlineIgnoreCase = true; }
                        else if (o is not ('m' or 'M' or 'n' or 'N' or 's' or 'S')) throw new GiveUp(); // conditionals, balancing groups...
                        _at++;
                    }
                    if (AtEnd) throw new GiveUp();
                    if (Peek == ')') { _at++; return Piece.Unknown; }
                    _at++;
                    return Inner();
                }
            }
        }

        private Piece Inner()
        {
            var inner = Alternation();
            Close();
            return inner;
        }

        private void Close()
        {
            if (!Next(')')) throw new GiveUp();
            _at++;
        }

        private Piece Escape()
        {
            if (AtEnd) throw new GiveUp();
            char c = pattern[_at++];
            if (char.IsAsciiDigit(c))
            {
                // A back reference or an octal code, with all the digits that follow (\12 is one of them, not \1 then '2').
                while (!AtEnd && char.IsAsciiDigit(Peek)) _at++;
                return Piece.Unknown;
            }
            if (!char.IsAsciiLetter(c)) return Char(c);
            switch (c)
            {
                case 'n': return Char('\n');
                case 't': return Char('\t');
                case 'r': return Char('\r');
                case 'f': return Char('\f');
                case 'v': return Char('\v');
                case 'a': return Char('\a');
                case 'e': return Char('\u001B');
                case 'x': return Hex(2);
                case 'u': return Hex(4);
                case 'd' or 'D' or 'w' or 'W' or 's' or 'S' or 'b' or 'B' or 'A' or 'z' or 'Z' or 'G':
                    return Piece.Unknown;
                case 'p' or 'P' or 'k':
                    // \p{Lu}, \k<name>: skip the name.
                    int close = _at < pattern.Length && pattern[_at] is '{' or '<' or '\'' ? pattern.IndexOfAny(['}', '>', '\''], _at + 1) : -1;
                    if (close < 0) throw new GiveUp();
                    _at = close + 1;
                    return Piece.Unknown;
                case 'c':
                    if (AtEnd) throw new GiveUp();
                    _at++;
                    return Piece.Unknown;
                default:
                    throw new GiveUp(); // not an escape .NET knows
            }
        }

        private Piece Hex(int digits)
        {
            if (_at + digits > pattern.Length || !int.TryParse(pattern.AsSpan(_at, digits), System.Globalization.NumberStyles.AllowHexSpecifier, null, out int code))
                throw new GiveUp();
            _at += digits;
            return Char((char)code);
        }

        /// <summary>A character class: an exact set when it stands for a few ASCII characters (upper-cased), else unknown.</summary>
        private Piece Class()
        {
            bool negated = Next('^');
            if (negated) _at++;
            var chars = new HashSet<char>();
            bool big = false, first = true;
            while (true)
            {
                if (AtEnd) throw new GiveUp();
                char c = pattern[_at++];
                if (c == ']' && !first) break;
                first = false;
                if (c == '[') throw new GiveUp(); // subtraction (or a literal '[': rare enough to give up on)
                int lo;
                if (c == '\\')
                {
                    if (AtEnd) throw new GiveUp();
                    char e = pattern[_at++];
                    if (char.IsAsciiLetterOrDigit(e))
                    {
                        int? single = e switch { 'n' => '\n', 't' => '\t', 'r' => '\r', 'f' => '\f', 'v' => '\v', 'a' => '\a', 'e' => 0x1B, 'b' => '\b', _ => null };
                        if (single is null)
                        {
                            if (e is 'p' or 'P')
                            {
                                int close = pattern.IndexOf('}', _at);
                                if (close < 0) throw new GiveUp();
                                _at = close + 1;
                            }
                            else if (e is 'x' or 'u')
                            {
                                int n = e == 'x' ? 2 : 4;
                                if (_at + n > pattern.Length) throw new GiveUp();
                                _at += n;
                            }
                            else if (e is 'c') _at++;
                            big = true; // \d, \w, \s, properties, codes: many characters, or ones not worth reading
                            continue;
                        }
                        lo = single.Value;
                    }
                    else lo = e;
                }
                else lo = c;
                // A range lo-hi (a '-' before ']' is a literal).
                if (_at + 1 < pattern.Length && pattern[_at] == '-' && pattern[_at + 1] != ']')
                {
                    _at++;
                    char h = pattern[_at++];
                    if (h == '\\' || h == '[') throw new GiveUp();
                    if (h - lo + 1 > MaxClassChars || h < lo) { big = true; continue; }
                    for (int x = lo; x <= h; x++) chars.Add((char)x);
                    continue;
                }
                chars.Add((char)lo);
            }
            if (negated || big) return Piece.Unknown;
            var upper = new List<string>();
            foreach (char c in chars)
            {
                if (c is (char)0 or >= (char)128) return Piece.Unknown;
                string s = SigmaLiteralFinder.Up(c).ToString();
                if (!upper.Contains(s)) upper.Add(s);
            }
            if (upper.Count == 0 || upper.Count > MaxClassChars) return Piece.Unknown;
            return new Piece(upper, upper);
        }
    }

    /// <summary>Every string of <paramref name="a"/> followed by every string of <paramref name="b"/>, or null when too many or too long.</summary>
    private static List<string>? Cross(List<string> a, List<string> b)
    {
        if (a.Count * b.Count > MaxExact) return null;
        var result = new List<string>(a.Count * b.Count);
        foreach (var x in a)
            foreach (var y in b)
            {
                if (x.Length + y.Length > MaxTextLength) return null;
                string s = x + y;
                if (!result.Contains(s)) result.Add(s);
            }
        return result;
    }

    private static List<string>? Union(List<string> a, List<string> b, int max)
    {
        var result = new List<string>(a);
        foreach (var s in b)
            if (!result.Contains(s)) result.Add(s);
        return result.Count > max ? null : result;
    }

    /// <summary>AND: every candidate holds; the most selective is the one whose shortest text is longest (fewer texts among equals). Null if none has text.</summary>
    private static List<string>? Best(List<List<string>> candidates)
    {
        List<string>? best = null;
        int bestShortest = 0;
        foreach (var c in candidates)
        {
            if (c.Count == 0) continue;
            int shortest = c.Min(s => s.Length);
            if (shortest > bestShortest || shortest == bestShortest && best is not null && c.Count < best.Count)
            {
                best = c;
                bestShortest = shortest;
            }
        }
        return bestShortest > 0 ? best : null;
    }
}
