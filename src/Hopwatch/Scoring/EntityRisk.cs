using System.Text.Json.Serialization;

namespace Hopwatch.Scoring;

/// <summary>The kind of entity a risk score is about.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EntityKind>))]
public enum EntityKind
{
    [JsonStringEnumMemberName("user")] User,
    [JsonStringEnumMemberName("source_host")] SourceHost,
    [JsonStringEnumMemberName("target_host")] TargetHost,
}

/// <summary>Accumulated risk of one user or host over all alerts naming it, with every contribution.</summary>
public sealed class EntityRisk
{
    [JsonPropertyName("kind")] public EntityKind Kind { get; init; }
    [JsonPropertyName("name")] public string Name { get; init; } = "";
    [JsonPropertyName("score")] public int Score { get; set; }
    [JsonPropertyName("alert_count")] public int AlertCount { get; set; }
    [JsonPropertyName("contributions")] public List<RiskContribution> Contributions { get; } = new();
}
