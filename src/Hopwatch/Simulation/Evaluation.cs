using Hopwatch.Events;

namespace Hopwatch.Simulation;

/// <summary>How one injected scenario fared.</summary>
public sealed class ScenarioOutcome
{
    public required TruthScenario Scenario { get; init; }
    /// <summary>Alerts overlapping the scenario in time and entities, whatever technique they name.</summary>
    public List<Alert> Related { get; } = new();
    /// <summary>Related alerts that name one of the scenario's techniques exactly (sub-technique included).</summary>
    public List<Alert> Matched { get; } = new();
    public bool Detected => Matched.Count > 0;
}

/// <summary>The score of a hunt against a truth file.</summary>
public sealed class EvaluationResult
{
    public required IReadOnlyList<ScenarioOutcome> Scenarios { get; init; }
    /// <summary>Alerts related to no scenario: false positives on the benign traffic.</summary>
    public required IReadOnlyList<Alert> FalsePositives { get; init; }

    public int DetectedCount => Scenarios.Count(s => s.Detected);
    /// <summary>Detected / injected; 1 when nothing was injected.</summary>
    public double Recall => Scenarios.Count == 0 ? 1.0 : (double)DetectedCount / Scenarios.Count;

    public IEnumerable<Alert> FalsePositivesAtLeast(Severity min) => FalsePositives.Where(a => a.Severity >= min);

    /// <summary>False positives per analytic (and rule), most frequent first.</summary>
    public IEnumerable<(string Analytic, int Count, Severity MaxSeverity)> FalsePositivesByAnalytic(Severity min = Severity.Informational) =>
        FalsePositivesAtLeast(min)
            .GroupBy(a => string.IsNullOrEmpty(a.RuleId) || a.RuleId == a.Analytic ? a.Analytic : a.Analytic + "/" + a.RuleId)
            .Select(g => (g.Key, g.Count(), g.Max(a => a.Severity)))
            .OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal);
}

/// <summary>
/// Scores alerts against the ground truth of a simulation. An alert is related to a scenario when
/// its time span overlaps the scenario's window (with some slack for sessions that outlive the
/// attack) and it names one of the scenario's hosts, accounts or source addresses; a scenario is
/// detected when a related alert names one of its techniques exactly (T1021.001, not just T1021).
/// </summary>
public static class Evaluation
{
    public static readonly TimeSpan DefaultSlack = TimeSpan.FromMinutes(10);

    public static EvaluationResult Score(TruthFile truth, IReadOnlyList<Alert> alerts, TimeSpan? slack = null)
    {
        var s = slack ?? DefaultSlack;
        var outcomes = truth.Scenarios.Select(t => new ScenarioOutcome { Scenario = t }).ToList();
        var fps = new List<Alert>();
        foreach (var a in alerts)
        {
            bool related = false;
            foreach (var o in outcomes)
            {
                if (!Overlaps(o.Scenario, a, s)) continue;
                related = true;
                o.Related.Add(a);
                if (NamesTechnique(o.Scenario, a)) o.Matched.Add(a);
            }
            if (!related) fps.Add(a);
        }
        return new EvaluationResult { Scenarios = outcomes, FalsePositives = fps };
    }

    /// <summary>Time-window and entity overlap between an alert and a scenario.</summary>
    public static bool Overlaps(TruthScenario t, Alert a, TimeSpan slack)
    {
        var first = a.TimeFirst;
        var last = a.TimeLast < a.TimeFirst ? a.TimeFirst : a.TimeLast;
        if (last < t.Start - slack || first > t.End + slack) return false;
        var hosts = new HashSet<string>(t.AllHosts.Select(ShortName), StringComparer.OrdinalIgnoreCase);
        var accounts = new HashSet<string>(t.Accounts.Select(AccountName), StringComparer.OrdinalIgnoreCase);
        var ips = new HashSet<string>(t.SourceIps, StringComparer.OrdinalIgnoreCase);
        var e = a.Entities;
        return e.Users.Any(u => accounts.Contains(AccountName(u)))
            || e.SourceHosts.Concat(e.TargetHosts).Any(h => hosts.Contains(ShortName(h)) || ips.Contains(h))
            || e.SourceIps.Any(ip => ips.Contains(StripMappedPrefix(ip)));
    }

    public static bool NamesTechnique(TruthScenario t, Alert a) =>
        a.Techniques.Any(x => t.Techniques.Contains(x.Trim(), StringComparer.OrdinalIgnoreCase));

    /// <summary>"ws-hr-007.corp.local" → "ws-hr-007".</summary>
    public static string ShortName(string host)
    {
        if (System.Net.IPAddress.TryParse(host, out _)) return host;
        int dot = host.IndexOf('.');
        return dot > 0 ? host[..dot] : host;
    }

    /// <summary>"CORP\\bob", "bob@corp.local" → "bob".</summary>
    public static string AccountName(string user)
    {
        int slash = user.LastIndexOf('\\');
        if (slash >= 0) user = user[(slash + 1)..];
        int at = user.IndexOf('@');
        return at > 0 ? user[..at] : user;
    }

    private static string StripMappedPrefix(string ip) => ip.StartsWith("::ffff:", StringComparison.OrdinalIgnoreCase) ? ip[7..] : ip;
}
