namespace Hopwatch.Scoring;

/// <summary>
/// Turns triage answers into ESCALATE / INVESTIGATE / LIKELY BENIGN. Rules are tried in order and
/// the first that fires decides; its id and text go into the verdict. Hard signs of compromise
/// (credential access, brute force) come before the benign rules so an allowlisted source with
/// LSASS access is still escalated. The escalation rules follow the playbook (reference 004).
/// </summary>
public sealed class VerdictRules
{
    private readonly ScoringOptions _options;
    private readonly TriageBaseline _baseline;

    public VerdictRules(ScoringOptions options, TriageBaseline baseline)
    {
        _options = options;
        _baseline = baseline;
    }

    public (VerdictKind Kind, string RuleId, string Rule, string Reason) Decide(Incident inc)
    {
        TriageAnswer A(string id) => inc.Triage.First(t => t.Id == id);
        var cred = A(TriageAnswers.CredentialAccess);
        var fail = A(TriageAnswers.FailuresBeforeSuccess);
        var first = A(TriageAnswers.FirstAccess);
        var admin = A(TriageAnswers.AdminSource);
        var exec = A(TriageAnswers.ExecutedAfterLogon);
        var src = A(TriageAnswers.SourceNormal);
        var time = A(TriageAnswers.TimeNormal);

        if (cred.Suspicious)
            return (VerdictKind.Escalate, "ESC-CRED", "Credential access (LSASS) on a source host of the movement", cred.Summary);
        if (fail.Suspicious)
            return (VerdictKind.Escalate, "ESC-BRUTE", "Brute-force failures followed by a successful logon", fail.Summary);

        var allow = AllowlistHit(inc);
        if (allow is not null)
            return (VerdictKind.LikelyBenign, "BENIGN-ALLOW", "Every source or account is allowlisted and no compromise sign was found", allow);
        if (admin.Answer == "yes" && !exec.Suspicious && !inc.Analytics.Contains("rdp-chain") && !inc.Analytics.Contains("pass-the-hash"))
            return (VerdictKind.LikelyBenign, "BENIGN-ROLE", "Every source is an admin/jump/backup host, with no chain, pass-the-hash or execution", admin.Summary);

        bool chain = inc.Graph.Path.Count >= 3 || inc.Analytics.Contains("rdp-chain") || inc.Analytics.Contains("logon-chain");
        if (chain)
            return (VerdictKind.Escalate, "ESC-CHAIN", "Multi-hop lateral movement chain",
                inc.Graph.Path.Count > 0 ? $"{inc.Graph.Path.Count} hosts in order: {string.Join(" → ", inc.Graph.Path)}" : "a chain analytic fired");
        var sensitive = inc.Graph.Nodes.Where(n => n.Sensitive && n.Kind != "source").Select(n => n.Id).ToList();
        if (first.Suspicious && sensitive.Count > 0)
            return (VerdictKind.Escalate, "ESC-SENSITIVE", "Sensitive or critical system accessed by an account with no prior history",
                $"first access to {string.Join(", ", sensitive)}");
        if (inc.TargetHostCount >= _options.SpreadMinTargets && (src.Suspicious || first.Suspicious || time.Suspicious))
            return (VerdictKind.Escalate, "ESC-SPREAD", "Multiple systems accessed outside known patterns",
                $"{inc.TargetHostCount} target hosts; {(src.Suspicious ? "unusual source; " : "")}{(first.Suspicious ? "first access; " : "")}{(time.Suspicious ? "unusual time" : "")}".TrimEnd(' ', ';'));
        if (inc.Analytics.Contains("pass-the-hash") || inc.Analytics.Contains("pass-the-ticket"))
            return (VerdictKind.Escalate, "ESC-PTH", "Pass-the-hash or pass-the-ticket authentication", "NTLM/ticket use without the expected Kerberos exchange");
        if (exec.Suspicious && (src.Suspicious || first.Suspicious))
            return (VerdictKind.Escalate, "ESC-EXEC", "Remote execution after a logon from an unusual source or to a new host", exec.Summary);
        if (inc.Severity == Hopwatch.Events.Severity.Critical)
            return (VerdictKind.Escalate, "ESC-CRITICAL", "A critical-severity alert", inc.Title);

        // Informational Sigma rules (logoffs, group changes) give context, not detections: on their
        // own they must not queue work for an analyst.
        if (inc.Severity == Hopwatch.Events.Severity.Informational)
            return (VerdictKind.LikelyBenign, "BENIGN-INFO", "Only informational alerts: context, not a detection", inc.Title);
        if (!src.Suspicious && src.Answer == "yes" && !time.Suspicious && !first.Suspicious && !exec.Suspicious)
            return (VerdictKind.LikelyBenign, "BENIGN-BASELINE", "Usual source, usual time, known hosts and nothing executed", src.Summary);
        return (VerdictKind.Investigate, "INVESTIGATE-DEFAULT", "Lateral-movement alert without a decisive escalation or benign sign",
            string.Join("; ", inc.Triage.Where(t => t.Suspicious).Select(t => t.Summary).DefaultIfEmpty("no triage question was decisive")));
    }

    private string? AllowlistHit(Incident inc)
    {
        if (_options.Allowlist.Count == 0) return null;
        var reasons = new List<string>();
        var sources = IncidentBuilder.SourceMachines(inc);
        if (sources.Count > 0 && sources.All(s => _options.AllowlistFor(s, null) is not null))
            reasons.AddRange(sources.Select(s => $"{s}: {_options.AllowlistFor(s, null)!.Reason}"));
        else if (inc.Users.Count > 0 && inc.Users.All(u => _options.AllowlistFor(null, u) is not null))
            reasons.AddRange(inc.Users.Select(u => $"{u}: {_options.AllowlistFor(null, u)!.Reason}"));
        return reasons.Count > 0 ? string.Join("; ", reasons.Distinct()) : null;
    }
}
