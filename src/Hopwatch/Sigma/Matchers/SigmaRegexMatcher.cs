using System.Text.RegularExpressions;

namespace Hopwatch.Sigma;

/// <summary>
/// `re` (with i/m/s): compiled once per rule value. Patterns run on the non-backtracking engine
/// (linear time, so the result never depends on machine load); the few that need backtracking
/// (lookarounds, backreferences) run with a match timeout so a hostile pattern or event cannot hang
/// a hunt — a time-out counts as no match and is counted on the view.
/// </summary>
internal sealed class SigmaRegexMatcher : SigmaValueMatcher
{
    private readonly Regex _regex;

    public SigmaRegexMatcher(string pattern, bool ignoreCase, bool multiline, bool singleline, TimeSpan timeout)
    {
        var options = RegexOptions.CultureInvariant;
        if (ignoreCase) options |= RegexOptions.IgnoreCase;
        if (multiline) options |= RegexOptions.Multiline;
        if (singleline) options |= RegexOptions.Singleline;
        try
        {
            _regex = new Regex(pattern, options | RegexOptions.NonBacktracking, timeout);
        }
        catch (NotSupportedException)
        {
            _regex = new Regex(pattern, options, timeout); // throws ArgumentException for a bad pattern: reported by the parser
        }
    }

    public override bool Matches(string? value, SigmaEventView view)
    {
        if (value is null) return false;
        try
        {
            return _regex.IsMatch(value);
        }
        catch (RegexMatchTimeoutException)
        {
            view.RegexTimeouts++;
            return false;
        }
    }

    public override string Describe() => "re '" + _regex + "'";
}
