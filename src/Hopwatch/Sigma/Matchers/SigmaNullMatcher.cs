namespace Hopwatch.Sigma;

/// <summary>YAML `null`: the field is absent, null or empty.</summary>
internal sealed class SigmaNullMatcher : SigmaValueMatcher
{
    public static readonly SigmaNullMatcher Instance = new();
    public override bool Matches(string? value, SigmaEventView view) => string.IsNullOrEmpty(value);
    public override string Describe() => "null";
}
