using System.Text.Json.Serialization;

namespace Hopwatch.Scoring;

/// <summary>The answer to one triage question of the playbook, with the facts behind it.</summary>
public sealed class TriageAnswer
{
    /// <summary>Stable id: source_normal, time_normal, failures_before_success, first_access, admin_source, executed_after_logon, credential_access.</summary>
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    [JsonPropertyName("question")] public string Question { get; init; } = "";
    /// <summary>"yes", "no" or "unknown".</summary>
    [JsonPropertyName("answer")] public string Answer { get; init; } = "unknown";
    /// <summary>True when the answer points towards an attack.</summary>
    [JsonPropertyName("suspicious")] public bool Suspicious { get; init; }
    [JsonPropertyName("summary")] public string Summary { get; init; } = "";
    [JsonPropertyName("evidence")] public List<string> Evidence { get; init; } = new();
}
