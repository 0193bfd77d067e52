namespace Hopwatch.Sigma;

/// <summary>`neq`: true when the inner value does not match (an absent field differs from any value).</summary>
internal sealed class SigmaNotMatcher(SigmaValueMatcher inner) : SigmaValueMatcher
{
    public override bool Matches(string? value, SigmaEventView view) => !inner.Matches(value, view);
    public override string Describe() => "not " + inner.Describe();
}
