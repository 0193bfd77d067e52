namespace Hopwatch.Service.Store;

/// <summary>Filters shared by the alert and incident lists (all optional, combined with AND).</summary>
public sealed class QueryFilter
{
    public DateTime? Since { get; init; }
    public DateTime? Until { get; init; }
    /// <summary>Minimum severity (0 informational .. 4 critical).</summary>
    public int? MinSeverity { get; init; }
    public string? User { get; init; }
    public string? Host { get; init; }
    public string? Status { get; init; }
    public string? Verdict { get; init; }
    public string? Analytic { get; init; }
    public string? IncidentId { get; init; }
    public int Limit { get; init; } = 100;
    public int Offset { get; init; }
}
