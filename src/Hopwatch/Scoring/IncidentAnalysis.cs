using Hopwatch.Events;

namespace Hopwatch.Scoring;

/// <summary>
/// The score stage: alerts + the triage baseline → incidents (grouped, scored, triaged, with a
/// verdict and containment) and entity risk. Pure: the same input gives the same output.
/// </summary>
public static class IncidentAnalysis
{
    public static IncidentAnalysisResult Run(IReadOnlyList<Alert> alerts, TriageBaseline baseline, ScoringOptions options)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(options);

        var scorer = new EntityRiskScorer(options, baseline);
        var builder = new IncidentBuilder(options, baseline);
        var triage = new TriageAnswers(options, baseline);
        var rules = new VerdictRules(options, baseline);
        var planner = new ContainmentPlanner(baseline);

        var contributions = new Dictionary<Alert, List<RiskContribution>>(ReferenceEqualityComparer.Instance);
        List<RiskContribution> ContributionsOf(Alert a)
        {
            if (!contributions.TryGetValue(a, out var c)) contributions[a] = c = scorer.Score(a);
            return c;
        }

        var incidents = new List<Incident>();
        foreach (var group in builder.Group(alerts))
        {
            var inc = builder.Build(group);
            inc.Triage.AddRange(triage.Answer(inc));
            AddTriageTimeline(inc, baseline, options);
            var (kind, ruleId, rule, reason) = rules.Decide(inc);
            inc.Verdict = new Verdict { Kind = kind, RuleId = ruleId, Rule = rule, Reason = reason, Containment = planner.Plan(inc, kind, reason) };
            ScoreIncident(inc, group.Select(ContributionsOf), kind);
            incidents.Add(inc);
        }
        incidents.Sort((a, b) =>
        {
            int c = b.RiskScore.CompareTo(a.RiskScore);
            if (c == 0) c = b.Verdict.Kind.CompareTo(a.Verdict.Kind);
            if (c == 0) c = a.FirstSeen.CompareTo(b.FirstSeen);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });
        var entities = scorer.ScoreEntities(alerts, ContributionsOf);
        return new IncidentAnalysisResult { Incidents = incidents, EntityRisks = entities };
    }

    /// <summary>
    /// Incident risk: the alerts' points plus triage findings, minus benign findings (every
    /// contribution listed, their sum in risk_points), mapped to 0–100 by <see cref="RiskScoreOf"/>.
    /// </summary>
    private static void ScoreIncident(Incident inc, IEnumerable<List<RiskContribution>> alertContributions, VerdictKind kind)
    {
        var tally = new ContributionTally();
        foreach (var list in alertContributions)
            foreach (var c in list) tally.Add(c);
        tally.CopyTo(inc.RiskContributions);
        void Triage(string id, string factor, int points)
        {
            var t = inc.Triage.First(x => x.Id == id);
            if (t.Suspicious) inc.RiskContributions.Add(new RiskContribution(factor, t.Summary, points));
        }
        Triage(TriageAnswers.CredentialAccess, "triage", 25);
        Triage(TriageAnswers.FailuresBeforeSuccess, "triage", 15);
        Triage(TriageAnswers.ExecutedAfterLogon, "triage", 10);
        Triage(TriageAnswers.FirstAccess, "triage", 8);
        Triage(TriageAnswers.SourceNormal, "triage", 8);
        Triage(TriageAnswers.TimeNormal, "triage", 5);
        if (inc.TargetHostCount > 1)
            inc.RiskContributions.Add(new RiskContribution("spread", $"{inc.TargetHostCount} target hosts", Math.Min(20, 2 * inc.TargetHostCount)));
        if (inc.Graph.Nodes.Any(n => n.Sensitive && n.Kind != "source"))
            inc.RiskContributions.Add(new RiskContribution("sensitive", "reaches " + string.Join(", ", inc.Graph.Nodes.Where(n => n.Sensitive && n.Kind != "source").Select(n => n.Id)), 10));
        if (kind == VerdictKind.LikelyBenign)
            inc.RiskContributions.Add(new RiskContribution("benign", inc.Verdict.Rule, -40));
        int total = inc.RiskContributions.Sum(c => c.Points * c.Count);
        inc.RiskPoints = total;
        inc.RiskScore = RiskScoreOf(total);
        inc.RiskContributions.Sort((a, b) => (b.Points * b.Count).CompareTo(a.Points * a.Count));
    }

    /// <summary>
    /// Points → 0–100 with diminishing returns (100·(1 − e^(−points/60))), so big incidents keep
    /// their order instead of all saturating at 100: 10 points → 15, 60 → 63, 150 → 92.
    /// </summary>
    public static int RiskScoreOf(int points) => points <= 0 ? 0 : (int)Math.Round(100 * (1 - Math.Exp(-points / 60.0)));

    private static void AddTriageTimeline(Incident inc, TriageBaseline baseline, ScoringOptions options)
    {
        var users = inc.Users.ToHashSet(StringComparer.Ordinal);
        var from = SafeTime.Add(inc.FirstSeen, -options.FailureLookback);
        // Each failure once, by record and file (the number first, so the key reads back one way).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool FirstSight(FailureFact f) => seen.Add(string.Concat(f.RecordId.ToString(System.Globalization.CultureInfo.InvariantCulture), "|", f.File));
        foreach (var s in inc.SourceHosts.Concat(inc.SourceIps))
            foreach (var f in baseline.FailuresFromSource(s))
                if (f.Time >= from && f.Time <= inc.LastSeen && FirstSight(f) && seen.Count <= 200)
                    inc.Timeline.Add(new TimelineEntry { Time = f.Time, Kind = "failure", Title = $"failed logon ({f.EventId})", Host = f.Host, User = f.User, Source = f.Source, File = f.File, RecordId = f.RecordId });
        foreach (var u in users)
            foreach (var f in baseline.FailuresForUser(u))
                if (f.Time >= from && f.Time <= inc.LastSeen && FirstSight(f) && seen.Count <= 200)
                    inc.Timeline.Add(new TimelineEntry { Time = f.Time, Kind = "failure", Title = $"failed logon ({f.EventId})", Host = f.Host, User = f.User, Source = f.Source, File = f.File, RecordId = f.RecordId });
        var until = SafeTime.Add(inc.LastSeen, options.PostLogonWindow);
        int n = 0;
        foreach (var h in inc.TargetHosts)
            foreach (var a in baseline.ActivityOn(h))
                if (a.Time >= SafeTime.Minutes(inc.FirstSeen, -1) && a.Time <= until && (a.Kind is "service install" or "scheduled task" || a.User is null || users.Count == 0 || users.Contains(a.User)) && n++ < 200)
                    inc.Timeline.Add(new TimelineEntry { Time = a.Time, Kind = "activity", Title = a.Kind + ": " + a.Detail, Host = a.Host, User = a.User, File = a.File, RecordId = a.RecordId });
        var credFrom = SafeTime.Add(inc.FirstSeen, -options.CredentialAccessLookback);
        foreach (var node in inc.Graph.Nodes.Where(x => x.CredentialAccess))
            foreach (var c in baseline.CredentialAccessOn(node.Id))
                if (c.Time >= credFrom && c.Time <= inc.LastSeen)
                    inc.Timeline.Add(new TimelineEntry { Time = c.Time, Kind = "credential-access", Title = $"{c.SourceImage ?? "?"} opened lsass.exe", Host = c.Host, User = c.User, File = c.File, RecordId = c.RecordId });
        inc.Timeline.Sort((a, b) => a.Time.CompareTo(b.Time));
    }
}
