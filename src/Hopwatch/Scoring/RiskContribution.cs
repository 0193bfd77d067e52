using System.Text.Json.Serialization;

namespace Hopwatch.Scoring;

/// <summary>One reason a score went up (or down): the factor, what it was about, and the points.</summary>
public sealed record RiskContribution(
    [property: JsonPropertyName("factor")] string Factor,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("points")] int Points,
    [property: JsonPropertyName("count")] int Count = 1);
