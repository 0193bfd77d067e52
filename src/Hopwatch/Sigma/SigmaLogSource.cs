namespace Hopwatch.Sigma;

/// <summary>A rule's `logsource`: what kind of log it is written for. Values are lower-case; null when absent.</summary>
public sealed record SigmaLogSource(string? Product, string? Category, string? Service)
{
    public static readonly SigmaLogSource Empty = new(null, null, null);

    public override string ToString() =>
        string.Join("/", new[] { Product, Category, Service }.Where(s => s is not null));

    /// <summary>True when every field this source sets is also set, equally, in <paramref name="rule"/> (filters use it).</summary>
    public bool IsCoveredBy(SigmaLogSource rule) =>
        (Product is null || Product == rule.Product) &&
        (Category is null || Category == rule.Category) &&
        (Service is null || Service == rule.Service);
}
