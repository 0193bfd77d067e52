namespace Hopwatch.Sigma;

/// <summary>Tests one field value (null = field absent or null) against one compiled rule value.</summary>
internal abstract class SigmaValueMatcher
{
    public abstract bool Matches(string? value, SigmaEventView view);
    /// <summary>Short text for listings and tests.</summary>
    public abstract string Describe();
    public override string ToString() => Describe();
}
