using Hopwatch.Events;

namespace Hopwatch.Sigma;

/// <summary>One Sigma document: a detection rule, or a correlation rule (then <see cref="Correlation"/> is set).</summary>
public sealed class SigmaRule
{
    public required string Id { get; init; }
    public required string Title { get; init; }
    /// <summary>The optional `name` correlations refer to.</summary>
    public string? Name { get; init; }
    public string? Status { get; init; }
    public string? Description { get; init; }
    public string? Level { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public SigmaLogSource LogSource { get; init; } = SigmaLogSource.Empty;
    public SigmaDetection? Detection { get; init; }
    public SigmaCorrelation? Correlation { get; init; }
    public string File { get; init; } = "";
    public int Line { get; init; }

    public bool IsCorrelation => Correlation is not null;

    /// <summary>What compiling this rule told an earlier load (from the parsed-rule cache), or this load (to be cached); null when unknown.</summary>
    internal SigmaCompileFacts? CompileFacts { get; set; }

    public Severity Severity => LevelToSeverity(Level);

    /// <summary>ATT&amp;CK technique ids from `attack.tNNNN(.NNN)` tags, upper-case, in tag order.</summary>
    public IReadOnlyList<string> Techniques => _techniques ??= TechniquesFromTags(Tags);
    // Worked out once: every alert of the rule copies them (Tags cannot change after construction).
    private IReadOnlyList<string>? _techniques;

    public static Severity LevelToSeverity(string? level) => level?.ToLowerInvariant() switch
    {
        "informational" => Severity.Informational,
        "low" => Severity.Low,
        "high" => Severity.High,
        "critical" => Severity.Critical,
        _ => Severity.Medium,
    };

    public static List<string> TechniquesFromTags(IEnumerable<string> tags)
    {
        var list = new List<string>();
        foreach (var tag in tags)
        {
            if (!tag.StartsWith("attack.t", StringComparison.OrdinalIgnoreCase)) continue;
            string id = tag[7..].ToUpperInvariant();
            if (id.Length < 5 || !id[1..5].All(char.IsAsciiDigit)) continue;
            if (id.Length > 5 && !(id[5] == '.' && id.Length == 9 && id[6..].All(char.IsAsciiDigit))) continue;
            if (!list.Contains(id)) list.Add(id);
        }
        return list;
    }

    public override string ToString() => $"{Id} {Title}";
}
