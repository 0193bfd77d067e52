using System.Globalization;
using Hopwatch.Events;

namespace Hopwatch.Scoring;

/// <summary>
/// Points per alert by severity, technique, privilege, time of day and rarity (docs/reports.md
/// lists the table); each entity an alert names (user, source host, target host) collects them,
/// and every score keeps its contributions so it explains itself.
/// </summary>
public sealed class EntityRiskScorer
{
    private readonly ScoringOptions _options;
    private readonly TriageBaseline _baseline;

    public EntityRiskScorer(ScoringOptions options, TriageBaseline baseline)
    {
        _options = options;
        _baseline = baseline;
    }

    public static int SeverityPoints(Severity s) => s switch
    {
        Severity.Critical => 15,
        Severity.High => 10,
        Severity.Medium => 6,
        Severity.Low => 3,
        _ => 1,
    };

    /// <summary>Points for the most telling technique of an alert (pass-the-hash beats plain RDP).</summary>
    public static int TechniquePoints(string technique)
    {
        // Case-insensitive comparisons in place of an upper-cased copy per call (every alert's every technique).
        var t = technique.AsSpan();
        const StringComparison IgnoreCase = StringComparison.OrdinalIgnoreCase;
        if (t.StartsWith("T1550", IgnoreCase)) return 8;          // pass the hash / ticket
        if (t.StartsWith("T1003", IgnoreCase)) return 10;         // credential dumping
        if (t.StartsWith("T1110", IgnoreCase)) return 6;          // brute force
        if (t.Equals("T1021.002", IgnoreCase)) return 6;          // SMB admin shares / PsExec
        if (t.Equals("T1021.003", IgnoreCase) || t.Equals("T1021.006", IgnoreCase)) return 5; // DCOM, WinRM
        if (t.Equals("T1021.001", IgnoreCase)) return 4;          // RDP
        if (t.Equals("T1021.004", IgnoreCase) || t.Equals("T1021.005", IgnoreCase)) return 3; // SSH, VNC
        if (t.StartsWith("T1569", IgnoreCase) || t.StartsWith("T1543", IgnoreCase)) return 5; // service execution
        return 2;
    }

    /// <summary>Extra points for analytics that see a story rather than one event.</summary>
    public static int AnalyticPoints(string analytic) => analytic switch
    {
        "rdp-chain" or "logon-chain" => 10,
        "pass-the-hash" or "pass-the-ticket" => 6,
        "bruteforce-then-success" => 6,
        "fan-out" => 5,
        "admin-share-exec" or "winrm-exec" or "dcom-exec" => 5,
        "rdp-nesting" => 4,
        "rare-path" => 3,
        _ => 0,
    };

    /// <summary>The contributions of one alert, the same for every entity it names.</summary>
    public List<RiskContribution> Score(Alert alert)
    {
        var list = new List<RiskContribution>(4) { SeverityContribution(alert) };
        if (alert.Techniques.Count > 0)
        {
            // The first of the highest-scoring techniques.
            var best = alert.Techniques[0];
            int bestPoints = TechniquePoints(best);
            foreach (var t in alert.Techniques)
            {
                int p = TechniquePoints(t);
                if (p > bestPoints) (best, bestPoints) = (t, p);
            }
            list.Add(Cached(_techniqueContributions, "technique", "technique ", best, bestPoints));
        }
        int ap = AnalyticPoints(alert.Analytic);
        if (ap > 0) list.Add(Cached(_analyticContributions, "analytic", "analytic ", alert.Analytic, ap));

        List<string>? privileged = null;
        foreach (var u in alert.Entities.Users)
            if (_options.IsPrivileged(u)) (privileged ??= new List<string>(1)).Add(u);
        if (privileged is not null)
            list.Add(privileged.Count == 1 ? Cached(_privilegeContributions, "privilege", "privileged account ", privileged[0], 5) : new("privilege", "privileged account " + string.Join(", ", privileged), 5));

        if (_options.IsOffHours(alert.TimeFirst))
            list.Add(new("time", $"off-hours ({alert.TimeFirst.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC, window {_options.OffHoursFirst:00}–{_options.OffHoursLast:00}h)", 4));

        var firsts = FirstAccessesOrNull(alert);
        if (firsts is not null) list.Add(new("rarity", "first access: " + string.Join(", ", firsts.Take(5)) + (firsts.Count > 5 ? $" (+{firsts.Count - 5})" : ""), 5));
        else if (alert.Analytic == "rare-path") list.Add(new("rarity", "rare source→target pair", 3));
        return list;
    }

    // Contributions repeat across alerts (thousands of alerts, a few hundred rules, techniques and accounts): each
    // is made once and shared (records: nobody changes them), and repeats are then the same reason string instance,
    // which also makes folding them cheaper.
    // By title instance: a rule's alerts share its title string (other titles are made per alert and do not repeat).
    private readonly Dictionary<string, RiskContribution>[] _severityContributions = [new(ReferenceEqualityComparer.Instance), new(ReferenceEqualityComparer.Instance), new(ReferenceEqualityComparer.Instance), new(ReferenceEqualityComparer.Instance), new(ReferenceEqualityComparer.Instance)];
    private readonly Dictionary<string, RiskContribution> _techniqueContributions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RiskContribution> _analyticContributions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RiskContribution> _privilegeContributions = new(StringComparer.Ordinal);
    private const int MaxCachedContributions = 10_000;

    private RiskContribution SeverityContribution(Alert alert)
    {
        int s = (int)alert.Severity;
        if (s < 0 || s >= _severityContributions.Length || alert.Title is null)
            return new("severity", "severity " + IncidentBuilder.SeverityName(alert.Severity) + " (" + alert.Title + ")", SeverityPoints(alert.Severity));
        var table = _severityContributions[s];
        if (table.TryGetValue(alert.Title, out var c)) return c;
        c = new("severity", "severity " + IncidentBuilder.SeverityName(alert.Severity) + " (" + alert.Title + ")", SeverityPoints(alert.Severity));
        if (table.Count < MaxCachedContributions) table[alert.Title] = c;
        return c;
    }

    /// <summary>The contribution (<paramref name="factor"/>, <paramref name="prefix"/> + <paramref name="value"/>, <paramref name="points"/>); points depend on the value alone.</summary>
    private static RiskContribution Cached(Dictionary<string, RiskContribution> table, string factor, string prefix, string value, int points)
    {
        if (table.TryGetValue(value, out var c)) return c;
        c = new(factor, prefix + value, points);
        if (table.Count < MaxCachedContributions) table[value] = c;
        return c;
    }

    /// <summary>"user@host" pairs of the alert whose earliest success in the evidence is the alert itself.</summary>
    public List<string> FirstAccesses(Alert alert) => FirstAccessesOrNull(alert) ?? new List<string>();

    private List<string>? FirstAccessesOrNull(Alert alert)
    {
        List<string>? result = null;
        foreach (var u in alert.Entities.Users)
            foreach (var h in alert.Entities.TargetHosts)
            {
                var a = _baseline.Access(h, u);
                if (a is not null && a.FirstSuccess >= SafeTime.Minutes(alert.TimeFirst, -1) && a.FirstSuccess <= SafeTime.Minutes(alert.TimeLast, 1))
                    (result ??= new List<string>()).Add(Names.UserKey(u) + "@" + Names.HostKey(h));
            }
        return result;
    }

    /// <summary>Per-entity risk over all alerts, highest first.</summary>
    public List<EntityRisk> ScoreEntities(IEnumerable<Alert> alerts, Func<Alert, List<RiskContribution>> contributionsOf)
    {
        // One table per entity kind, keyed by name.
        var tables = new Dictionary<string, int>[3];
        for (int k = 0; k < tables.Length; k++) tables[k] = new Dictionary<string, int>(StringComparer.Ordinal);
        var all = new List<EntityRisk>();
        var tallies = new List<ContributionTally>();
        var entities = new List<int>();
        foreach (var alert in alerts)
        {
            var contributions = contributionsOf(alert);
            int points = 0;
            foreach (var c in contributions) points += c.Points;
            entities.Clear();
            foreach (var u in alert.Entities.Users) Named(EntityKind.User, Names.UserKey(u));
            // A source's name and address are one machine: score the name when there is one.
            foreach (var k in IncidentBuilder.SourceKeys(alert)) Named(EntityKind.SourceHost, k);
            foreach (var h in alert.Entities.TargetHosts) Named(EntityKind.TargetHost, Names.HostKey(h));
            foreach (int e in entities)
            {
                var risk = all[e];
                risk.AlertCount++;
                var tally = tallies[e];
                foreach (var c in contributions) tally.Add(c);
                risk.Score += points;
            }

            void Named(EntityKind kind, string? name)
            {
                if (name is null) return;
                var table = tables[(int)kind];
                if (!table.TryGetValue(name, out int index))
                {
                    table[name] = index = all.Count;
                    all.Add(new EntityRisk { Kind = kind, Name = name });
                    tallies.Add(new ContributionTally());
                }
                if (!entities.Contains(index)) entities.Add(index); // each entity once per alert
            }
        }
        for (int i = 0; i < all.Count; i++) tallies[i].CopyTo(all[i].Contributions);
        foreach (var r in all)
            r.Contributions.Sort((a, b) => (b.Points * b.Count).CompareTo(a.Points * a.Count));
        all.Sort(static (a, b) =>
        {
            int c = b.Score.CompareTo(a.Score);
            if (c == 0) c = a.Kind.CompareTo(b.Kind);
            return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
        });
        return all;
    }
}
