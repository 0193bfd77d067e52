using Hopwatch.Events;

namespace Hopwatch.Service.Store;

/// <summary>
/// A plain, explainable default until the scoring stage plugs in: score from severities and reach,
/// verdict from the score, triage answers straight from the alerts' entities.
/// </summary>
public sealed class BasicIncidentAnalyzer : IIncidentAnalyzer
{
    public IncidentAssessment Assess(IReadOnlyList<Alert> alerts)
    {
        var users = Distinct(alerts.SelectMany(a => a.Entities.Users));
        var sources = Distinct(alerts.SelectMany(a => a.Entities.SourceHosts.Concat(a.Entities.SourceIps)));
        var targets = Distinct(alerts.SelectMany(a => a.Entities.TargetHosts));
        var analytics = Distinct(alerts.Select(a => a.Analytic));
        double score = alerts.Sum(a => a.Severity switch
        {
            Severity.Critical => 40,
            Severity.High => 20,
            Severity.Medium => 8,
            Severity.Low => 3,
            _ => 1,
        }) + 10 * Math.Max(0, targets.Count - 1);
        score = Math.Min(100, score);
        string verdict = score >= 60 || alerts.Any(a => a.Severity == Severity.Critical) ? "escalate"
            : score >= 20 ? "investigate" : "monitor";
        var first = alerts.Min(a => a.TimeFirst);
        var last = alerts.Max(a => a.TimeLast);
        return new IncidentAssessment
        {
            Verdict = verdict,
            Score = Math.Round(score, 1),
            Triage =
            [
                new("Which accounts were used?", List(users)),
                new("Where did the activity come from?", List(sources)),
                new("Which hosts were reached?", List(targets)),
                new("What raised it?", List(analytics)),
                new("When?", $"{first:yyyy-MM-dd HH:mm:ss}Z to {last:yyyy-MM-dd HH:mm:ss}Z ({alerts.Count} alerts)"),
                new("Is it spreading?", targets.Count >= 3 ? $"yes: {targets.Count} hosts reached" : targets.Count == 2 ? "possibly: 2 hosts reached" : "no sign of it yet"),
            ],
        };
    }

    private static List<string> Distinct(IEnumerable<string> values) =>
        values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v.ToLowerInvariant()).Distinct().Order(StringComparer.Ordinal).ToList();

    private static string List(List<string> values) => values.Count == 0 ? "unknown" : string.Join(", ", values.Take(20)) + (values.Count > 20 ? $" and {values.Count - 20} more" : "");
}
