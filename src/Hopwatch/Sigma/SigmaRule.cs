using Hopwatch.Events;

namespace Hopwatch.Sigma;

/// <summary>One Sigma document: a detection rule, or a correlation rule (then <see cref="Correlation"/> is set).</summary>
public sealed class SigmaRule
{
    public SigmaRule() { }

    /// <summary>A rule from the parsed-rule cache whose texts are read from <paramref name="cachedText"/> on first use (see <see cref="SigmaRuleText"/>).</summary>
    // Id and Title (required) come from the cached text, not from an initializer: the compiler cannot see that.
#pragma warning disable CS8618
    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    internal SigmaRule(ReadOnlyMemory<byte> cachedText) => _cachedText = cachedText;
#pragma warning restore CS8618

    // The texts: given (when parsed), or read from the cache on first use. A load uses few of them (they describe
    // alerts), so a load from the cache leaves most rules' texts unread.
    private SigmaRuleText? _text;
    private readonly ReadOnlyMemory<byte> _cachedText;
    private SigmaRuleText Given => _text ??= new SigmaRuleText();
    /// <summary>The texts in the parsed-rule cache's form (<see cref="SigmaParseCacheFormat.ReadRuleText"/>); empty when given.</summary>
    internal ReadOnlyMemory<byte> CachedText => _cachedText;
    private SigmaRuleText Text
    {
        get
        {
            if (_text is { } text) return text;
            // Several threads may describe hits of one rule at once: one copy wins, all use it.
            var read = SigmaParseCacheFormat.ReadRuleText(_cachedText);
            return Interlocked.CompareExchange(ref _text, read, null) ?? read;
        }
    }

    public required string Id { get => Text.Id; init => Given.Id = value; }
    public required string Title { get => Text.Title; init => Given.Title = value; }
    /// <summary>The optional `name` correlations refer to.</summary>
    public string? Name { get => Text.Name; init => Given.Name = value; }
    public string? Status { get; init; }
    public string? Description { get => Text.Description; init => Given.Description = value; }
    public string? Level { get => Text.Level; init => Given.Level = value; }
    public IReadOnlyList<string> Tags { get => Text.Tags; init => Given.Tags = value; }
    public SigmaLogSource LogSource { get; init; } = SigmaLogSource.Empty;
    public SigmaDetection? Detection
    {
        get
        {
            if (_detection is not null || CachedDetection.IsEmpty) return _detection;
            // Rules of several threads' tests may be built at once: one decoded copy wins, all use it.
            var decoded = SigmaParseCacheFormat.ReadDetection(CachedDetection);
            return Interlocked.CompareExchange(ref _detection, decoded, null) ?? decoded;
        }
        init => _detection = value;
    }
    private SigmaDetection? _detection;

    /// <summary>
    /// The detection in the parsed-rule cache's form (checked when the cache was read), read on first use of
    /// <see cref="Detection"/>: a load from the cache needs few of them. Empty: <see cref="Detection"/> is as given.
    /// </summary>
    internal ReadOnlyMemory<byte> CachedDetection { get; init; }
    public SigmaCorrelation? Correlation { get; init; }
    public string File
    {
        // A rule from the rule-set snapshot decodes its path on first use: a hunt names no rule file (2,400 strings of ~100 characters).
        get => _file ??= CachedFile.IsEmpty ? "" : System.Text.Encoding.UTF8.GetString(CachedFile.Span);
        init => _file = value;
    }
    private string? _file;
    /// <summary>
    /// The texts and detection in the parsed-rule cache's form, as this load wrote them there after parsing the rule
    /// (<see cref="SigmaParseCacheFormat.WriteResult"/>): the rule-set snapshot copies them instead of writing them again.
    /// </summary>
    internal (ReadOnlyMemory<byte> Text, ReadOnlyMemory<byte> Detection) CacheForm { get; set; }

    /// <summary>The rule file's path in UTF-8 (from the rule-set snapshot), read on first use of <see cref="File"/>; empty: as given.</summary>
    internal ReadOnlyMemory<byte> CachedFile { get; init; }
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

/// <summary>The texts of a <see cref="SigmaRule"/> that only describe it (not needed to index or run it).</summary>
internal sealed class SigmaRuleText
{
    public string Id { get; set; } = "";
    public string Title { get; set; } = "";
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Level { get; set; }
    public IReadOnlyList<string> Tags { get; set; } = [];
}
