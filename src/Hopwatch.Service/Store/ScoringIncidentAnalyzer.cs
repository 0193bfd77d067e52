using Hopwatch.Events;
using Hopwatch.Scoring;

namespace Hopwatch.Service.Store;

/// <summary>
/// Scores a service incident with the scoring stage (<see cref="IncidentAnalysis"/>): its risk
/// score, escalation verdict, triage answers and containment steps, over the triage facts the
/// processing thread has collected. Called on the processing thread only.
/// </summary>
public sealed class ScoringIncidentAnalyzer(TriageBaseline triage) : IIncidentAnalyzer
{
    private readonly ScoringOptions _options = new();
    private readonly BasicIncidentAnalyzer _fallback = new();

    public IncidentAssessment Assess(IReadOnlyList<Alert> alerts)
    {
        var result = IncidentAnalysis.Run(alerts, triage, _options);
        // The service groups by principal; scoring may split that group: the riskiest part speaks for it.
        var top = result.Incidents.OrderByDescending(i => i.RiskScore).FirstOrDefault();
        if (top is null) return _fallback.Assess(alerts);
        var answers = top.Triage.Select(t => new Hopwatch.Service.Store.TriageAnswer(t.Question, string.IsNullOrEmpty(t.Summary) ? t.Answer : $"{t.Answer}: {t.Summary}")).ToList();
        answers.Add(new("Verdict reason", string.IsNullOrEmpty(top.Verdict.Reason) ? Verdict.Label(top.Verdict.Kind) : top.Verdict.Reason));
        foreach (var step in top.Verdict.Containment)
            answers.Add(new("Containment", string.IsNullOrEmpty(step.Text) ? step.Action + " " + string.Join(", ", step.Targets) : step.Text));
        return new IncidentAssessment
        {
            Verdict = top.Verdict.Kind switch
            {
                VerdictKind.Escalate => "escalate",
                VerdictKind.Investigate => "investigate",
                _ => "monitor",
            },
            Score = top.RiskScore,
            Title = string.IsNullOrEmpty(top.Title) ? null : top.Title,
            Triage = answers,
        };
    }
}
