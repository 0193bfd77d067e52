namespace Hopwatch.Sigma;

/// <summary>How a rule set is loaded.</summary>
public sealed class SigmaOptions
{
    /// <summary>YAML file giving values for `%placeholder%`s used with the `expand` modifier (see docs/sigma.md).</summary>
    public string? PlaceholderConfigPath { get; set; }

    /// <summary>Sigma filter files or directories (the spec's meta-filters) applied on top of the rules.</summary>
    public List<string> FilterPaths { get; set; } = new();

    /// <summary>A log-source pipeline YAML replacing the built-in Pipelines/windows.yml; null uses the built-in one.</summary>
    public string? PipelinePath { get; set; }

    /// <summary>
    /// Folder for the parsed-rule cache (<see cref="SigmaParseCache"/>): a second load of unchanged rule files
    /// skips YAML parsing. Null (the default): no cache. The CLI passes <see cref="DefaultRuleCacheDirectory"/>.
    /// </summary>
    public string? RuleCacheDirectory { get; set; }

    /// <summary>
    /// With <see cref="RuleCacheDirectory"/>: keep the whole loaded set there too (<see cref="SigmaRuleSetSnapshot"/>), and
    /// load from it when nothing changed. Off only to test the load without it.
    /// </summary>
    internal bool RuleSetSnapshot { get; set; } = true;

    /// <summary>$XDG_CACHE_HOME/hopwatch, else ~/.cache/hopwatch.</summary>
    public static string DefaultRuleCacheDirectory => SigmaParseCache.DefaultDirectory();

    /// <summary>Skip rules whose status is `deprecated` or `unsupported` (they are listed in Skipped).</summary>
    public bool SkipDeprecated { get; set; } = true;

    /// <summary>Time allowed to one regular-expression match before it counts as no match.</summary>
    public TimeSpan RegexTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Most open correlation groups kept per correlation rule; the oldest are dropped beyond it.</summary>
    public int MaxCorrelationGroups { get; set; } = 100_000;

    /// <summary>
    /// Skip rules an event cannot match because it lacks every text the rule requires (found in one pass
    /// per field by <see cref="SigmaPrefilter"/>). Off only to check the prefilter against a plain run.
    /// </summary>
    public bool Prefilter { get; set; } = true;

    /// <summary>Most events kept as evidence of one correlation hit.</summary>
    public int MaxEvidencePerAlert { get; set; } = 50;

    /// <summary>When set, called with a name as each step of <see cref="SigmaRuleSet.Load"/> ends (for measuring where load time goes).</summary>
    public Action<string>? OnLoadStep { get; set; }
}
