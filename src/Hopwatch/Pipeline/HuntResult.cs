using Hopwatch.Events;

namespace Hopwatch.Pipeline;

/// <summary>What a hunt produced: the alerts (sorted by time, then id) and how reading went.</summary>
public sealed class HuntResult
{
    public required IReadOnlyList<Alert> Alerts { get; init; }
    public required ReadDiagnostics Diagnostics { get; init; }
    public long EventCount { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>Alerts an allowlist suppressed, with the reason (kept for --show-suppressed).</summary>
    public IReadOnlyList<(Alert Alert, string Reason)> Suppressed { get; init; } = Array.Empty<(Alert, string)>();
    /// <summary>Incidents, risk and triage built from the alerts (null when scoring did not run).</summary>
    public Hopwatch.Scoring.IncidentAnalysisResult? Analysis { get; set; }
    /// <summary>Problems with the hunt's configuration that did not stop it (rule errors, skipped rules).</summary>
    public IReadOnlyList<string> SetupWarnings { get; init; } = Array.Empty<string>();
}
