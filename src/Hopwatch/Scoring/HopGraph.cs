using System.Text.Json.Serialization;

namespace Hopwatch.Scoring;

/// <summary>Hosts and the hops between them in one incident. Nodes come in path order: sources first, then hop by hop.</summary>
public sealed class HopGraph
{
    [JsonPropertyName("nodes")] public List<HopNode> Nodes { get; } = new();
    [JsonPropertyName("edges")] public List<HopEdge> Edges { get; } = new();

    /// <summary>The longest ordered host path found by a chain analytic (empty when none).</summary>
    [JsonPropertyName("path")] public List<string> Path { get; } = new();
}

public sealed class HopNode
{
    [JsonPropertyName("id")] public string Id { get; init; } = "";
    /// <summary>Layout column: 0 for pure sources, then one more per hop.</summary>
    [JsonPropertyName("layer")] public int Layer { get; set; }
    [JsonPropertyName("role")] public string? Role { get; set; }
    /// <summary>"source", "target" or "both".</summary>
    [JsonPropertyName("kind")] public string Kind { get; set; } = "target";
    [JsonPropertyName("first_seen")] public DateTime FirstSeen { get; set; }
    [JsonPropertyName("sensitive")] public bool Sensitive { get; set; }
    /// <summary>Credential access (LSASS) was seen on this host.</summary>
    [JsonPropertyName("credential_access")] public bool CredentialAccess { get; set; }
}

public sealed class HopEdge
{
    [JsonPropertyName("from")] public string From { get; init; } = "";
    [JsonPropertyName("to")] public string To { get; init; } = "";
    [JsonPropertyName("users")] public List<string> Users { get; } = new();
    [JsonPropertyName("techniques")] public List<string> Techniques { get; } = new();
    [JsonPropertyName("analytics")] public List<string> Analytics { get; } = new();
    [JsonPropertyName("alert_count")] public int AlertCount { get; set; }
    [JsonPropertyName("first_seen")] public DateTime FirstSeen { get; set; }
    [JsonPropertyName("last_seen")] public DateTime LastSeen { get; set; }
    /// <summary>1-based hop number along the chain path, 0 when the edge is not on it.</summary>
    [JsonPropertyName("hop")] public int Hop { get; set; }
}
