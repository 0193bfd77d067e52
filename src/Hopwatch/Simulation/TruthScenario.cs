using System.Text.Json.Serialization;

namespace Hopwatch.Simulation;

/// <summary>What one injected attack did: the ground truth `hopwatch eval` scores alerts against.</summary>
public sealed class TruthScenario
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("description")] public string Description { get; set; } = "";
    /// <summary>ATT&amp;CK (sub-)techniques; the first is the T1021 sub-technique a detection must name.</summary>
    [JsonPropertyName("techniques")] public List<string> Techniques { get; set; } = new();
    [JsonPropertyName("start")] public DateTime Start { get; set; }
    [JsonPropertyName("end")] public DateTime End { get; set; }
    /// <summary>Where the attacker came from (first host of the path).</summary>
    [JsonPropertyName("source_hosts")] public List<string> SourceHosts { get; set; } = new();
    [JsonPropertyName("target_hosts")] public List<string> TargetHosts { get; set; } = new();
    [JsonPropertyName("accounts")] public List<string> Accounts { get; set; } = new();
    [JsonPropertyName("source_ips")] public List<string> SourceIps { get; set; } = new();
    [JsonPropertyName("event_count")] public long EventCount { get; set; }

    [JsonIgnore] public IEnumerable<string> AllHosts => SourceHosts.Concat(TargetHosts);
}

/// <summary>The truth.json file: the organisation summary and every injected scenario.</summary>
public sealed class TruthFile
{
    [JsonPropertyName("generator")] public string Generator { get; set; } = "hopwatch simulate";
    [JsonPropertyName("seed")] public int Seed { get; set; }
    [JsonPropertyName("hosts")] public int Hosts { get; set; }
    [JsonPropertyName("days")] public int Days { get; set; }
    [JsonPropertyName("start")] public DateTime Start { get; set; }
    [JsonPropertyName("end")] public DateTime End { get; set; }
    [JsonPropertyName("domain")] public string Domain { get; set; } = Organisation.DnsDomain;
    [JsonPropertyName("event_count")] public long EventCount { get; set; }
    [JsonPropertyName("scenarios")] public List<TruthScenario> Scenarios { get; set; } = new();

    private static readonly System.Text.Json.JsonSerializerOptions Options = new() { WriteIndented = true, TypeInfoResolver = Hopwatch.Reporting.HopwatchJson.Resolver() };

    public string ToJson() => Hopwatch.Reporting.HopwatchJson.Serialize(this, Options);

    public static TruthFile Load(string path) =>
        Hopwatch.Reporting.HopwatchJson.Deserialize<TruthFile>(File.ReadAllText(path), Hopwatch.Reporting.HopwatchJson.Plain)
        ?? throw new InvalidDataException(path + ": empty truth file");
}
