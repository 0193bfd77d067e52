using System.Text.Json.Serialization;
using Hopwatch.Events;

namespace Hopwatch.Service.Store;

/// <summary>
/// Scores an incident and answers the triage questions from its alerts. The seam for the scoring
/// stage (Hopwatch.Scoring.IncidentAnalysis); <see cref="BasicIncidentAnalyzer"/> is used until then.
/// </summary>
public interface IIncidentAnalyzer
{
    IncidentAssessment Assess(IReadOnlyList<Alert> alerts);
}

public sealed class IncidentAssessment
{
    /// <summary>"escalate", "investigate" or "monitor".</summary>
    public string Verdict { get; init; } = "monitor";
    public double Score { get; init; }
    /// <summary>A better title than the default one, or null.</summary>
    public string? Title { get; init; }
    public List<TriageAnswer> Triage { get; init; } = new();
}

/// <summary>One triage question of the analyst's playbook and what the evidence says.</summary>
public sealed record TriageAnswer(
    [property: JsonPropertyName("question")] string Question,
    [property: JsonPropertyName("answer")] string Answer);
