namespace Hopwatch.Sigma;

/// <summary>Something wrong with one rule file: where (file and 1-based line, 0 when unknown) and what.</summary>
public sealed record SigmaRuleError(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>A rule that parsed but will not run, and why (unfilled placeholder, unsupported log source, ...).</summary>
public sealed record SigmaSkippedRule(string File, int Line, string RuleId, string Title, string Reason)
{
    public override string ToString() => $"{File}:{Line}: {RuleId} '{Title}' skipped: {Reason}";
}

/// <summary>Thrown inside the parser for a rule error; caught per document and turned into a <see cref="SigmaRuleError"/>.</summary>
internal sealed class SigmaRuleException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}
