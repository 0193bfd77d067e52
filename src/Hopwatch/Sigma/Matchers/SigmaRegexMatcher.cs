using System.Text.RegularExpressions;

namespace Hopwatch.Sigma;

/// <summary>
/// `re` (with i/m/s). The pattern is checked when the rule loads; the matcher itself is built on
/// first use (most rules never reach their regex) as a linear-time NonBacktracking regex where the
/// pattern allows it — the spec's regex subset always does — so no event can make a rule slow and
/// results never depend on machine load. Otherwise it backtracks with a match timeout; a time-out
/// counts as no match and is counted on the view.
/// </summary>
internal sealed class SigmaRegexMatcher : SigmaValueMatcher
{
    private readonly string _pattern;
    private readonly RegexOptions _options;
    private readonly TimeSpan _timeout;
    private Regex? _regex;

    public SigmaRegexMatcher(string pattern, bool ignoreCase, bool multiline, bool singleline, TimeSpan timeout)
    {
        var options = RegexOptions.CultureInvariant;
        if (ignoreCase) options |= RegexOptions.IgnoreCase;
        if (multiline) options |= RegexOptions.Multiline;
        if (singleline) options |= RegexOptions.Singleline;
        _pattern = pattern;
        _options = options;
        _timeout = timeout;
        _ = new Regex(pattern, options, timeout); // validates: a bad pattern throws ArgumentException, reported by the parser
    }

    private Regex Build()
    {
        Regex r;
        try { r = new Regex(_pattern, _options | RegexOptions.NonBacktracking, _timeout); }
        catch (NotSupportedException) { r = new Regex(_pattern, _options, _timeout); }
        return Interlocked.CompareExchange(ref _regex, r, null) ?? r;
    }

    public override bool Matches(string? value, SigmaEventView view)
    {
        if (value is null) return false;
        var regex = _regex ?? Build();
        try
        {
            return regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            view.RegexTimeouts++;
            return false;
        }
    }

    public override string Describe() => "re '" + _pattern + "'";
}
