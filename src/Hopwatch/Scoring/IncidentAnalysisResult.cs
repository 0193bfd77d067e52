namespace Hopwatch.Scoring;

/// <summary>What scoring produced: incidents sorted by risk (highest first) and per-entity risk.</summary>
public sealed class IncidentAnalysisResult
{
    public required IReadOnlyList<Incident> Incidents { get; init; }
    public required IReadOnlyList<EntityRisk> EntityRisks { get; init; }
}
