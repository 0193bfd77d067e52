using System.Text.Json.Serialization;

namespace Hopwatch.Scoring;

/// <summary>One dated thing in an incident: an alert, a failure, an execution, a credential access.</summary>
public sealed class TimelineEntry
{
    [JsonPropertyName("time")] public DateTime Time { get; init; }
    /// <summary>"alert", "failure", "activity" or "credential-access".</summary>
    [JsonPropertyName("kind")] public string Kind { get; init; } = "alert";
    [JsonPropertyName("title")] public string Title { get; init; } = "";
    [JsonPropertyName("severity")] public string? Severity { get; init; }
    [JsonPropertyName("host")] public string? Host { get; init; }
    [JsonPropertyName("user")] public string? User { get; init; }
    [JsonPropertyName("source")] public string? Source { get; init; }
    [JsonPropertyName("alert_id")] public string? AlertId { get; init; }
    [JsonPropertyName("techniques")] public List<string> Techniques { get; init; } = new();
    [JsonPropertyName("file")] public string? File { get; init; }
    [JsonPropertyName("record_id")] public long? RecordId { get; init; }
}
