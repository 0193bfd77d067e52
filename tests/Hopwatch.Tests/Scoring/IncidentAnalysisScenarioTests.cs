using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Reporting;
using Hopwatch.Scoring;

namespace Hopwatch.Tests.Scoring;

public class IncidentAnalysisScenarioTests
{
    private static TriageAnswer Q(Incident inc, string id) => inc.Triage.Single(t => t.Id == id);

    [Fact]
    public void RdpChainOfReference000IsOneEscalateIncidentWithTheEightHostsInOrder()
    {
        var s = Scenario.RdpChain();
        var result = s.Analyse();

        var inc = Assert.Single(result.Incidents);
        Assert.Equal(VerdictKind.Escalate, inc.Verdict.Kind);
        Assert.Equal(8, inc.AlertCount); // 7 per-hop alerts + the chain alert
        Assert.Equal(Scenario.ChainHosts, inc.Graph.Path);
        Assert.Equal(Scenario.ChainHosts, inc.Graph.Nodes.Select(n => n.Id));
        Assert.Equal(Enumerable.Range(0, 8), inc.Graph.Nodes.Select(n => n.Layer));
        var hops = inc.Graph.Edges.Where(e => e.Hop > 0).OrderBy(e => e.Hop).ToList();
        Assert.Equal(7, hops.Count);
        for (int i = 0; i < 7; i++)
        {
            Assert.Equal(Scenario.ChainHosts[i], hops[i].From);
            Assert.Equal(Scenario.ChainHosts[i + 1], hops[i].To);
        }
        // Hop times increase along the chain and span the 35 minutes of the reference.
        Assert.True(hops.Zip(hops.Skip(1)).All(p => p.First.FirstSeen < p.Second.FirstSeen));
        Assert.Equal(35, (inc.LastSeen - inc.FirstSeen).TotalMinutes);
        Assert.True(inc.Graph.Nodes.Single(n => n.Id == "dc01").Sensitive);
        Assert.Equal("ws-fin-012", inc.Graph.Nodes[0].Id);
        Assert.Equal("source", inc.Graph.Nodes[0].Kind);
    }

    [Fact]
    public void RdpChainAggregatesLikeTheKqlHunt()
    {
        var inc = Scenario.RdpChain().Analyse().Incidents.Single();
        Assert.Equal(["da_svc_backup"], inc.Users);
        Assert.Equal(["CORP"], inc.Domains);
        Assert.Equal(7, inc.TargetHostCount);
        Assert.Equal(Scenario.ChainStart, inc.FirstSeen);
        Assert.Equal(["RemoteInteractive"], inc.LogonTypes); // the history's network logons from bkp01 are outside the incident
        Assert.Equal(3, inc.MaxLogonRisk); // 02:10 UTC is off-hours and "backup" is a privileged name
        Assert.Equal(Severity.Critical, inc.Severity);
        Assert.InRange(inc.RiskScore, 90, 100);
        Assert.Equal(inc.RiskPoints, inc.RiskContributions.Sum(c => c.Points * c.Count));
        Assert.Equal(IncidentAnalysis.RiskScoreOf(inc.RiskPoints), inc.RiskScore);
        Assert.Contains(inc.RiskContributions, c => c.Factor == "time");
        Assert.Contains(inc.RiskContributions, c => c.Factor == "privilege");
        Assert.Contains(inc.RiskContributions, c => c.Factor == "analytic" && c.Reason.Contains("rdp-chain"));
    }

    [Fact]
    public void RdpChainTriageAnswersCarryTheirEvidence()
    {
        var inc = Scenario.RdpChain().Analyse().Incidents.Single();
        Assert.Equal(7, inc.Triage.Count);

        var src = Q(inc, TriageAnswers.SourceNormal);
        Assert.Equal("no", src.Answer);
        Assert.True(src.Suspicious);
        Assert.Contains(src.Evidence, e => e.Contains("ws-fin-012") && e.Contains("bkp01"));

        var time = Q(inc, TriageAnswers.TimeNormal);
        Assert.Equal("no", time.Answer);
        Assert.Contains(time.Evidence, e => e.Contains("02h") && e.Contains("0 of 5"));

        var fail = Q(inc, TriageAnswers.FailuresBeforeSuccess);
        Assert.Equal("no", fail.Answer);
        Assert.False(fail.Suspicious);

        var first = Q(inc, TriageAnswers.FirstAccess);
        Assert.Equal("yes", first.Answer);
        Assert.Contains(first.Evidence, e => e.Contains("dc01") && e.Contains("sensitive"));
        Assert.Contains(first.Evidence, e => e.Contains("fs01") && e.Contains("logged on before"));

        Assert.NotEqual("yes", Q(inc, TriageAnswers.AdminSource).Answer); // no asset role says ws-fin-012 is an admin host

        var exec = Q(inc, TriageAnswers.ExecutedAfterLogon);
        Assert.Equal("yes", exec.Answer);
        Assert.Contains(exec.Evidence, e => e.Contains("PSEXESVC") && e.Contains("dc01"));

        var cred = Q(inc, TriageAnswers.CredentialAccess);
        Assert.Equal("yes", cred.Answer);
        Assert.Contains(cred.Evidence, e => e.Contains("mimikatz.exe") && e.Contains("ws-fin-012"));
        Assert.True(inc.Graph.Nodes.Single(n => n.Id == "ws-fin-012").CredentialAccess);
        Assert.Equal("ESC-CRED", inc.Verdict.RuleId);
    }

    [Fact]
    public void ChainAloneEscalatesByTheChainRule()
    {
        var s = Scenario.RdpChain();
        s.Events.RemoveAll(e => e.Kind is EventKind.ProcessAccess);
        var inc = s.Analyse().Incidents.Single();
        Assert.Equal(VerdictKind.Escalate, inc.Verdict.Kind);
        Assert.Equal("ESC-CHAIN", inc.Verdict.RuleId);
        Assert.Contains("ws-fin-012 → srv-app01", inc.Verdict.Reason);
    }

    [Fact]
    public void ContainmentIsBuiltFromTheIncidentsAccountsHostsAndPorts()
    {
        var inc = Scenario.RdpChain().Analyse().Incidents.Single();
        var steps = inc.Verdict.Containment;
        var disable = steps.Single(x => x.Action == "disable-account");
        Assert.Equal([@"CORP\da_svc_backup"], disable.Targets);
        Assert.Contains(@"CORP\da_svc_backup", disable.Text);
        var revoke = steps.Single(x => x.Action == "revoke-sessions");
        Assert.Contains("dc01", revoke.Targets);
        var isolate = steps.Single(x => x.Action == "isolate-host");
        Assert.Contains("ws-fin-012", isolate.Targets);
        Assert.Contains("LSASS", isolate.Text);
        var block = steps.Single(x => x.Action == "block-source");
        Assert.Contains("3389/tcp (RDP)", block.Ports);
        Assert.Contains("ws-fin-012", block.Targets);
        Assert.Contains(steps, x => x.Action == "review-sensitive" && x.Targets.Contains("dc01"));
    }

    [Fact]
    public void KnownBackupServerFanOutIsLikelyBenign()
    {
        var inc = Scenario.BackupFanOut().Analyse().Incidents.Single();
        Assert.Equal(VerdictKind.LikelyBenign, inc.Verdict.Kind);
        Assert.Equal("BENIGN-ROLE", inc.Verdict.RuleId);
        Assert.Equal(15, inc.TargetHostCount);
        Assert.Equal("yes", Q(inc, TriageAnswers.AdminSource).Answer);
        Assert.Equal("yes", Q(inc, TriageAnswers.SourceNormal).Answer);
        Assert.Equal("yes", Q(inc, TriageAnswers.TimeNormal).Answer);
        Assert.Equal("no", Q(inc, TriageAnswers.FirstAccess).Answer);
        var step = Assert.Single(inc.Verdict.Containment);
        Assert.Equal("record", step.Action);
        Assert.Contains("bkp01", step.Text);
        Assert.Contains("svc_backup", step.Text);
        Assert.Contains(inc.RiskContributions, c => c.Factor == "benign" && c.Points < 0);
    }

    [Fact]
    public void AllowlistedBackupServerWithoutAssetRoleIsLikelyBenign()
    {
        var options = new ScoringOptions { Allowlist = [new AllowlistEntry("BKP01.corp.local", null, "nightly Veeam backup server")] };
        var inc = Scenario.BackupFanOut(withRole: false).Analyse(options).Incidents.Single();
        Assert.Equal(VerdictKind.LikelyBenign, inc.Verdict.Kind);
        Assert.Equal("BENIGN-ALLOW", inc.Verdict.RuleId);
        Assert.Contains("nightly Veeam backup server", inc.Verdict.Reason);
    }

    [Fact]
    public void BackupServerWithLsassAccessIsEscalatedDespiteItsRole()
    {
        var inc = Scenario.BackupFanOut(lsassOnSource: true).Analyse().Incidents.Single();
        Assert.Equal(VerdictKind.Escalate, inc.Verdict.Kind);
        Assert.Equal("ESC-CRED", inc.Verdict.RuleId);
        Assert.Contains(inc.Verdict.Containment, x => x.Action == "block-source" && x.Ports.Contains("445/tcp (SMB)"));
    }

    [Fact]
    public void SameFanOutFromAnUnknownHostWithoutHistoryEscalatesAsSpread()
    {
        var inc = Scenario.BackupFanOut(withRole: false, previousNights: 0).Analyse().Incidents.Single();
        Assert.Equal(VerdictKind.Escalate, inc.Verdict.Kind);
        Assert.Equal("ESC-SPREAD", inc.Verdict.RuleId);
        Assert.Equal("unknown", inc.Triage.Single(t => t.Id == TriageAnswers.AdminSource).Answer);
    }

    [Fact]
    public void FailuresBeforeSuccessEscalateAsBruteForce()
    {
        var s = new Scenario();
        var t = new DateTime(2024, 5, 2, 14, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < 12; i++) s.Failure(t.AddSeconds(5 * i), "srv-web01", "jsmith", "ws-022", "10.2.0.22");
        var ok = s.Logon(t.AddMinutes(2), "srv-web01", "jsmith", "ws-022", "10.2.0.22", 3, "NTLM");
        s.Alert("sigma", "net-logon", "Network logon", Severity.Low, ["T1021.002"], [ok]);
        var inc = s.Analyse().Incidents.Single();
        var fail = inc.Triage.Single(x => x.Id == TriageAnswers.FailuresBeforeSuccess);
        Assert.Equal("yes", fail.Answer);
        Assert.True(fail.Suspicious);
        Assert.Contains("12 failure(s)", fail.Summary);
        Assert.Equal("ESC-BRUTE", inc.Verdict.RuleId);
        Assert.Equal(12, inc.Timeline.Count(e => e.Kind == "failure"));
    }

    [Fact]
    public void UnrelatedAlertsStaySeparateAndSharedTargetAloneDoesNotMerge()
    {
        var s = new Scenario();
        var t = new DateTime(2024, 5, 2, 10, 0, 0, DateTimeKind.Utc);
        var a = s.Logon(t, "dc01", "alice", "ws-001", null, 10);
        var b = s.Logon(t.AddMinutes(10), "dc01", "bob", "ws-002", null, 10);
        var c = s.Logon(t.AddMinutes(20), "srv-x", "alice", "ws-001", null, 10);
        var d = s.Logon(t.AddHours(9), "srv-y", "alice", "ws-001", null, 10); // same user, outside the 2 h window
        foreach (var e in new[] { a, b, c, d }) s.Alert("sigma", "rdp", "RDP logon", Severity.Medium, ["T1021.001"], [e]);
        var incidents = s.Analyse().Incidents;
        Assert.Equal(3, incidents.Count);
        Assert.Contains(incidents, i => i.AlertCount == 2 && i.Users.SequenceEqual(["alice"]) && i.TargetHosts.Contains("srv-x"));
        Assert.Contains(incidents, i => i.AlertCount == 1 && i.Users.SequenceEqual(["bob"]));
    }

    [Fact]
    public void HostLocalAlertJoinsTheIncidentOfTheHostItHappenedOn()
    {
        var s = new Scenario();
        var t = new DateTime(2024, 5, 2, 10, 0, 0, DateTimeKind.Utc);
        var logon = s.Logon(t, "srv-db1", "mallory", "ws-009", null, 3, "NTLM");
        var svc = s.ServiceInstall(t.AddMinutes(1), "srv-db1", "evil", @"C:\Windows\evil.exe");
        s.Alert("sigma", "smb-logon", "Network logon", Severity.Medium, ["T1021.002"], [logon]);
        s.Alert("sigma", "svc-install", "Service installed", Severity.High, ["T1569.002"], [svc]);
        var inc = Assert.Single(s.Analyse().Incidents);
        Assert.Equal(2, inc.AlertCount);
        Assert.Equal("yes", inc.Triage.Single(x => x.Id == TriageAnswers.ExecutedAfterLogon).Answer);
    }

    [Fact]
    public void EntityRiskListsContributionsThatAddUpToTheScore()
    {
        var result = Scenario.RdpChain().Analyse();
        var user = result.EntityRisks.Single(r => r.Kind == EntityKind.User && r.Name == "da_svc_backup");
        Assert.Equal(8, user.AlertCount);
        Assert.Equal(user.Score, user.Contributions.Sum(c => c.Points * c.Count));
        Assert.Contains(user.Contributions, c => c.Factor == "privilege");
        Assert.Contains(user.Contributions, c => c.Factor == "time" && c.Reason.Contains("off-hours"));
        Assert.Contains(user.Contributions, c => c.Factor == "rarity" && c.Reason.Contains("dc01"));
        var dc = result.EntityRisks.Single(r => r.Kind == EntityKind.TargetHost && r.Name == "dc01");
        Assert.Equal(2, dc.AlertCount);
        Assert.True(result.EntityRisks.First().Score >= result.EntityRisks.Last().Score);
    }

    [Fact]
    public void ChainPathReadBackFromAlertsJsonlGivesTheSameGraph()
    {
        var s = Scenario.RdpChain();
        var sw = new StringWriter();
        using (var w = new AlertJsonWriter(sw)) foreach (var a in s.Alerts) w.Write(a);
        var readBack = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonSerializer.Deserialize<Alert>(l, AlertJsonWriter.Options)!).ToList();
        Assert.IsType<JsonElement>(readBack.Single(a => a.Analytic == "rdp-chain").Details!["path"]);
        var inc = IncidentAnalysis.Run(readBack, s.Baseline(), new ScoringOptions()).Incidents.Single();
        Assert.Equal(Scenario.ChainHosts, inc.Graph.Path);
        Assert.Equal(Scenario.ChainHosts, inc.Graph.Nodes.Select(n => n.Id));
    }

    [Fact]
    public void AnalysisIsDeterministic()
    {
        var a = JsonSerializer.Serialize(Scenario.RdpChain().Analyse().Incidents, AlertJsonWriter.Options);
        var b = JsonSerializer.Serialize(Scenario.RdpChain().Analyse().Incidents, AlertJsonWriter.Options);
        Assert.Equal(a, b);
    }
}

public class IncidentAnalysisRobustnessTests
{
    [Fact]
    public void DegenerateAlertsAreScoredWithoutCrashing()
    {
        var t = new DateTime(2024, 1, 1, 12, 0, 0, DateTimeKind.Utc);
        var alerts = new List<Alert>
        {
            new() { Id = "a1", Analytic = "sigma", Title = "no entities, no evidence, default times" },
            new() { Id = "a2", Analytic = "rdp-chain", Title = "odd details", TimeFirst = t, TimeLast = t.AddMinutes(-5), Techniques = { "attack.t1021.001", "not-a-technique" },
                    Details = new Dictionary<string, object?> { ["path"] = 42, ["logon_type"] = "ten" } },
            new() { Id = "a3", Analytic = "rdp-chain", Title = "hop objects as path", TimeFirst = t, TimeLast = t,
                    Details = new Dictionary<string, object?> { ["path"] = new List<object> { new Dictionary<string, object?> { ["host"] = "A" }, new Dictionary<string, object?> { ["to"] = "B.corp" }, new object() } } },
            new() { Id = "a4", Analytic = "fan-out", Title = "generic users only", TimeFirst = t, TimeLast = t,
                    Entities = { Users = { "SYSTEM", "-", "WS01$", "NT AUTHORITY\\ANONYMOUS LOGON" }, TargetHosts = { "localhost", "::1" } } },
        };
        var result = IncidentAnalysis.Run(alerts, new TriageBaseline(), new ScoringOptions());
        Assert.Equal(alerts.Count, result.Incidents.Sum(i => i.AlertCount));
        Assert.All(result.Incidents, i => Assert.Equal(7, i.Triage.Count));
        Assert.All(result.Incidents, i => Assert.NotEmpty(i.Verdict.Containment));
        var hops = result.Incidents.Single(i => i.AlertIds.Contains("a3"));
        Assert.Equal(["a", "b"], hops.Graph.Path);
        var generic = result.Incidents.Single(i => i.AlertIds.Contains("a4"));
        Assert.Empty(generic.Users);
        Assert.Empty(generic.TargetHosts);

        var dir = Path.Combine(Path.GetTempPath(), "hopwatch-degenerate-" + Guid.NewGuid().ToString("n"));
        try
        {
            var hunt = new Hopwatch.Pipeline.HuntResult { Alerts = alerts, Diagnostics = new ReadDiagnostics() };
            ReportSet.WriteAll(dir, hunt, result, new ReportOptions());
            Assert.Equal(result.Incidents.Count, File.ReadAllLines(Path.Combine(dir, "incidents.jsonl")).Length);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void NoAlertsGiveNoIncidents()
    {
        var result = IncidentAnalysis.Run([], new TriageBaseline(), new ScoringOptions());
        Assert.Empty(result.Incidents);
        Assert.Empty(result.EntityRisks);
    }
}

public sealed class InformationalIncidentTests
{
    private static readonly DateTime T0 = new(2024, 5, 2, 10, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AnIncidentOfInformationalAlertsOnlyIsLikelyBenign()
    {
        var s = new Scenario();
        var logoff = s.Event(T0, "ws-hr-003", 4634, "Security", Hopwatch.Events.EventKind.Logoff);
        logoff.UserName = "jdoe";
        s.Alert("sigma", "user-logoff", "User Logoff Event", Hopwatch.Events.Severity.Informational, [], [logoff]);
        var inc = s.Analyse().Incidents.Single();
        Assert.Equal(VerdictKind.LikelyBenign, inc.Verdict.Kind);
        Assert.Equal("BENIGN-INFO", inc.Verdict.RuleId);
    }

    [Fact]
    public void OneLowAlertBesideTheInformationalOnesKeepsItOpen()
    {
        var s = new Scenario();
        var logoff = s.Event(T0, "ws-hr-003", 4634, "Security", Hopwatch.Events.EventKind.Logoff);
        logoff.UserName = "jdoe";
        var logon = s.Logon(T0.AddMinutes(-5), "ws-hr-003", "jdoe", "ws-it-009", "10.0.0.9", 3, "NTLM");
        s.Alert("sigma", "user-logoff", "User Logoff Event", Hopwatch.Events.Severity.Informational, [], [logoff]);
        s.Alert("sigma", "ntlm-logon", "NTLM network logon", Hopwatch.Events.Severity.Low, ["T1021.002"], [logon]);
        var inc = s.Analyse().Incidents.Single();
        Assert.NotEqual("BENIGN-INFO", inc.Verdict.RuleId);
    }
}
