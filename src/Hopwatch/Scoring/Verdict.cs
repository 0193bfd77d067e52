using System.Text.Json.Serialization;

namespace Hopwatch.Scoring;

[JsonConverter(typeof(JsonStringEnumConverter<VerdictKind>))]
public enum VerdictKind
{
    [JsonStringEnumMemberName("LIKELY BENIGN")] LikelyBenign = 0,
    [JsonStringEnumMemberName("INVESTIGATE")] Investigate = 1,
    [JsonStringEnumMemberName("ESCALATE")] Escalate = 2,
}

/// <summary>The verdict, the rule that produced it, and containment steps built from the incident.</summary>
public sealed class Verdict
{
    [JsonPropertyName("verdict")] public VerdictKind Kind { get; init; }
    [JsonPropertyName("rule_id")] public string RuleId { get; init; } = "";
    [JsonPropertyName("rule")] public string Rule { get; init; } = "";
    [JsonPropertyName("reason")] public string Reason { get; init; } = "";
    [JsonPropertyName("containment")] public List<ContainmentStep> Containment { get; init; } = new();

    public static string Label(VerdictKind k) => k switch
    {
        VerdictKind.Escalate => "ESCALATE",
        VerdictKind.Investigate => "INVESTIGATE",
        _ => "LIKELY BENIGN",
    };
}

/// <summary>One concrete response step: what to do, to which accounts/hosts, on which ports.</summary>
public sealed class ContainmentStep
{
    /// <summary>"disable-account", "reset-password", "revoke-sessions", "isolate-host", "block-source", "confirm-with-owner", "review-sensitive", "examine-evidence", "record".</summary>
    [JsonPropertyName("action")] public string Action { get; init; } = "";
    [JsonPropertyName("targets")] public List<string> Targets { get; init; } = new();
    [JsonPropertyName("ports")] public List<string> Ports { get; init; } = new();
    [JsonPropertyName("text")] public string Text { get; init; } = "";
}
