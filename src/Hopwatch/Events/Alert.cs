using System.Text.Json.Serialization;

namespace Hopwatch.Events;

/// <summary>
/// One detection, in the shape of the alerts.jsonl contract (docs/alert-schema.md). Property names
/// are snake_case on the wire. Extra fields may be added; the contract fields keep their meaning.
/// </summary>
public sealed class Alert
{
    /// <summary>Deterministic id: same evidence and rule give the same id on every run.</summary>
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    /// <summary>"sigma", "rdp-chain", "fan-out", ...</summary>
    [JsonPropertyName("analytic")] public string Analytic { get; set; } = "";
    [JsonPropertyName("rule_id")] public string RuleId { get; set; } = "";
    [JsonPropertyName("title")] public string Title { get; set; } = "";
    [JsonPropertyName("severity")] public Severity Severity { get; set; } = Severity.Medium;
    [JsonPropertyName("techniques")] public List<string> Techniques { get; set; } = new();
    [JsonPropertyName("time_first")] public DateTime TimeFirst { get; set; }
    [JsonPropertyName("time_last")] public DateTime TimeLast { get; set; }
    [JsonPropertyName("entities")] public AlertEntities Entities { get; set; } = new();
    [JsonPropertyName("evidence")] public List<AlertEvidence> Evidence { get; set; } = new();
    [JsonPropertyName("description")] public string Description { get; set; } = "";

    /// <summary>Analytic-specific details (path of a chain, counts, thresholds hit, ...).</summary>
    [JsonPropertyName("details")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, object?>? Details { get; set; }
}

public sealed class AlertEntities
{
    [JsonPropertyName("users")] public List<string> Users { get; set; } = new();
    [JsonPropertyName("source_hosts")] public List<string> SourceHosts { get; set; } = new();
    [JsonPropertyName("source_ips")] public List<string> SourceIps { get; set; } = new();
    [JsonPropertyName("target_hosts")] public List<string> TargetHosts { get; set; } = new();

    /// <summary>Adds the entities an event names, without duplicates.</summary>
    public void AddFrom(LogEvent e)
    {
        AddDistinct(Users, e.UserName);
        AddDistinct(SourceHosts, e.SourceHost);
        AddDistinct(SourceIps, e.SourceIp);
        AddDistinct(TargetHosts, e.Host ?? NullIfEmpty(e.Computer?.ToLowerInvariant()));
    }

    public static void AddDistinct(List<string> list, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value == "-") return;
        foreach (var v in list) if (string.Equals(v, value, StringComparison.OrdinalIgnoreCase)) return;
        list.Add(value);
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}

public sealed class AlertEvidence
{
    [JsonPropertyName("file")] public string File { get; set; } = "";
    [JsonPropertyName("record_id")] public long RecordId { get; set; }
    [JsonPropertyName("time")] public DateTime Time { get; set; }
    [JsonPropertyName("host")] public string Host { get; set; } = "";
    [JsonPropertyName("channel")] public string Channel { get; set; } = "";
    [JsonPropertyName("event_id")] public int EventId { get; set; }

    public static AlertEvidence From(LogEvent e) => new()
    {
        File = e.File,
        RecordId = e.RecordId,
        Time = e.Time,
        Host = e.Computer,
        Channel = e.Channel,
        EventId = e.EventId,
    };
}

[JsonConverter(typeof(JsonStringEnumConverter<Severity>))]
public enum Severity
{
    [JsonStringEnumMemberName("informational")] Informational = 0,
    [JsonStringEnumMemberName("low")] Low = 1,
    [JsonStringEnumMemberName("medium")] Medium = 2,
    [JsonStringEnumMemberName("high")] High = 3,
    [JsonStringEnumMemberName("critical")] Critical = 4,
}
