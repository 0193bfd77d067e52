using System.Text.RegularExpressions;

namespace Hopwatch.Sigma;

/// <summary>
/// `re` (with i/m/s), compiled once. It runs as the cheap-to-build backtracking interpreter with a
/// match timeout; the first time a match times out (a hostile pattern or event, or just a loaded
/// machine), the matcher switches for good to .NET's linear-time NonBacktracking engine — which every
/// pattern of the spec's regex subset supports — and retries, so no event can hang a run and the
/// answer does not depend on machine load. A pattern NonBacktracking cannot run keeps the timeout:
/// a time-out then counts as no match and is counted on the view.
/// </summary>
internal sealed class SigmaRegexMatcher : SigmaValueMatcher
{
    private readonly string _pattern;
    private readonly RegexOptions _options;
    private readonly TimeSpan _timeout;
    private Regex? _regex;
    private volatile bool _linear, _noLinear;

    /// <param name="checkNow">
    /// Build the regex at once, which checks the pattern (a bad one throws ArgumentException, reported by the
    /// parser). False only for a rule compiled before with this very pattern (a test built on first use): the
    /// regex is then built on its first match, and never for the many rules whose regex is never reached.
    /// </param>
    public SigmaRegexMatcher(string pattern, bool ignoreCase, bool multiline, bool singleline, TimeSpan timeout, bool checkNow = true)
    {
        var options = RegexOptions.CultureInvariant;
        if (ignoreCase) options |= RegexOptions.IgnoreCase;
        if (multiline) options |= RegexOptions.Multiline;
        if (singleline) options |= RegexOptions.Singleline;
        _pattern = pattern;
        _options = options;
        _timeout = timeout;
        if (checkNow) _regex = new Regex(pattern, options, timeout);
        // Several unbounded runs (`\+.*\+.*\+...`) backtrack polynomially on every value that almost
        // matches — the costliest rule of SigmaHQ. Those run linear-time, built on first use (building
        // the linear engine is slow, and most rules never reach their regex).
        // Only plain chains of runs, though: counted repetitions ({0,5}), alternations and case-insensitivity
        // make that engine slow to build and run (~100 ms for such SigmaHQ patterns, which backtracking
        // handles in microseconds after its literal prefix search); those keep backtracking and its timeout.
        _preferLinear = UnboundedRuns(pattern) >= 4 && !HasCountedRepetition(pattern) && !pattern.Contains('|')
                        && !pattern.Contains("(?i", StringComparison.Ordinal) && !ignoreCase;
        if (!ignoreCase) _chain = CharChain(pattern);
        _singleline = singleline;
    }

    private readonly bool _singleline;

    /// <summary>For a pattern that is single characters joined by `.*` (`\+.*\+.*\+`): those characters, in order.</summary>
    private readonly char[]? _chain;

    /// <summary>
    /// The characters of a plain chain `c1.*c2.*...` (each a literal character or an escaped one), or null for
    /// any other pattern. Such a pattern matches exactly when c1, c2, ... occur in that order within one line
    /// (within the value with `s`, where `.` also takes line breaks): one pass answers it, no regex runs. The
    /// regex engines would backtrack polynomially on these (SigmaHQ's `\+.*\+.*...` obfuscation tests) or, in
    /// linear time, build a large automaton first.
    /// </summary>
    internal static char[]? CharChain(string pattern)
    {
        var chain = new List<char>();
        int i = 0;
        while (i < pattern.Length)
        {
            if (pattern[i] == '.' && i + 1 < pattern.Length && pattern[i + 1] == '*') { i += 2; continue; }
            char c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length || char.IsLetterOrDigit(pattern[i + 1])) return null; // \d, \s, \1 ... are classes or references
                chain.Add(pattern[i + 1]);
                i += 2;
            }
            else if ("^$|?*+()[]{}.\n".Contains(c)) return null;
            else { chain.Add(c); i++; }
            // Between two characters there must be a run (or the pattern ends).
            if (i < pattern.Length && !(pattern[i] == '.' && i + 1 < pattern.Length && pattern[i + 1] == '*')) return null;
        }
        return chain.Count >= 2 ? chain.ToArray() : null;
    }

    private static bool HoldsInOrder(string value, char[] chain, bool acrossLines)
    {
        int j = 0;
        foreach (char c in value)
        {
            if (c == chain[j]) { if (++j == chain.Length) return true; }
            else if (c == '\n' && !acrossLines) j = 0; // `.` does not take a line break: start again on the next line
        }
        return false;
    }

    private bool _preferLinear;

    private void SwitchToLinear()
    {
        _preferLinear = false;
        try
        {
            _regex = new Regex(_pattern, _options | RegexOptions.NonBacktracking);
            _linear = true;
        }
        catch (NotSupportedException) { _noLinear = true; }
    }

    private static bool HasCountedRepetition(string pattern)
    {
        for (int i = 0; i + 1 < pattern.Length; i++)
        {
            if (pattern[i] == '\\') { i++; continue; }
            if (pattern[i] == '{' && char.IsAsciiDigit(pattern[i + 1])) return true;
        }
        return false;
    }

    /// <summary>How many `.*` / `.+` the pattern has (escaped dots excluded).</summary>
    private static int UnboundedRuns(string pattern)
    {
        int n = 0;
        for (int i = 0; i + 1 < pattern.Length; i++)
        {
            if (pattern[i] == '\\') { i++; continue; }
            if (pattern[i] == '.' && pattern[i + 1] is '*' or '+') n++;
        }
        return n;
    }

    public override bool Matches(string? value, SigmaEventView view)
    {
        if (value is null) return false;
        if (_chain is not null) return HoldsInOrder(value, _chain, _singleline);
        if (_preferLinear) SwitchToLinear();
        try
        {
            return (_regex ??= new Regex(_pattern, _options, _timeout)).IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            view.RegexTimeouts++;
            if (_linear || _noLinear) return false;
            try
            {
                _regex = new Regex(_pattern, _options | RegexOptions.NonBacktracking);
                _linear = true;
                return _regex.IsMatch(value);
            }
            catch (NotSupportedException)
            {
                _noLinear = true; // backreferences, lookarounds: the timeout stays the guard
                return false;
            }
        }
    }

    public override string Describe() => "re '" + _pattern + "'";

    /// <summary>The pattern as written, and whether it runs case-insensitively (`i`; inline options are in the pattern).</summary>
    public string Pattern => _pattern;
    public bool IgnoreCase => (_options & RegexOptions.IgnoreCase) != 0;
}
