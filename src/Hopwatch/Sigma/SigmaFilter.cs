namespace Hopwatch.Sigma;

/// <summary>
/// A Sigma meta-filter: a detection that, where it matches, suppresses the named rules (by id or
/// name) — or every rule of its log source when it names none. Applied as `rule and not filter`.
/// </summary>
public sealed class SigmaFilter
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    public SigmaLogSource LogSource { get; init; } = SigmaLogSource.Empty;
    public IReadOnlyList<string> Rules { get; init; } = [];
    public required SigmaDetection Detection { get; init; }
    public string File { get; init; } = "";
    public int Line { get; init; }

    public bool AppliesTo(SigmaRule rule) =>
        LogSource.IsCoveredBy(rule.LogSource) &&
        (Rules.Count == 0 || Rules.Any(r => string.Equals(r, rule.Id, StringComparison.OrdinalIgnoreCase)
                                            || (rule.Name is not null && string.Equals(r, rule.Name, StringComparison.OrdinalIgnoreCase))));
}
