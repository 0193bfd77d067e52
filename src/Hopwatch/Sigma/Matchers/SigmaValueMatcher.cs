namespace Hopwatch.Sigma;

/// <summary>Tests one field value (null = field absent or null) against one compiled rule value.</summary>
internal abstract class SigmaValueMatcher
{
    public abstract bool Matches(string? value, SigmaEventView view);

    /// <summary>Same test for a present value that sits at <paramref name="fieldIndex"/> of the event (lets matchers use the view's per-event caches).</summary>
    public virtual bool MatchesField(int fieldIndex, string value, SigmaEventView view) => Matches(value, view);
    /// <summary>Short text for listings and tests.</summary>
    public abstract string Describe();
    public override string ToString() => Describe();
}
