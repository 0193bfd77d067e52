namespace Hopwatch.Sigma;

/// <summary>Plain string value with wildcards (and contains/startswith/endswith/cased): the common case.</summary>
internal sealed class SigmaStringMatcher(SigmaStringPattern pattern) : SigmaValueMatcher
{
    public SigmaStringPattern Pattern { get; } = pattern;

    public override bool Matches(string? value, SigmaEventView view) => value is not null && Pattern.Matches(value);

    public override bool MatchesField(int fieldIndex, string value, SigmaEventView view) =>
        Pattern.Cased ? Pattern.Matches(value)
            // A value of a length the pattern cannot match fails without being upper-cased first (folding keeps lengths).
            : Pattern.CanMatchLength(value.Length) && Pattern.MatchesFolded(view.Folded(fieldIndex, value));

    public override string Describe() => (Pattern.Cased ? "cased " : "") + Pattern.Kind.ToString().ToLowerInvariant() + " '" + Pattern.Source + "'";
}
