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
        var t = technique.ToUpperInvariant();
        if (t.StartsWith("T1550")) return 8;          // pass the hash / ticket
        if (t.StartsWith("T1003")) return 10;         // credential dumping
        if (t.StartsWith("T1110")) return 6;          // brute force
        if (t == "T1021.002") return 6;               // SMB admin shares / PsExec
        if (t is "T1021.003" or "T1021.006") return 5; // DCOM, WinRM
        if (t == "T1021.001") return 4;               // RDP
        if (t is "T1021.004" or "T1021.005") return 3; // SSH, VNC
        if (t.StartsWith("T1569") || t.StartsWith("T1543")) return 5; // service execution
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
        var list = new List<RiskContribution>
        {
            new("severity", "severity " + alert.Severity.ToString().ToLowerInvariant() + " (" + alert.Title + ")", SeverityPoints(alert.Severity)),
        };
        if (alert.Techniques.Count > 0)
        {
            // The first of the highest-scoring techniques.
            var best = alert.Techniques[0];
            foreach (var t in alert.Techniques) if (TechniquePoints(t) > TechniquePoints(best)) best = t;
            list.Add(new("technique", "technique " + best, TechniquePoints(best)));
        }
        int ap = AnalyticPoints(alert.Analytic);
        if (ap > 0) list.Add(new("analytic", "analytic " + alert.Analytic, ap));

        var privileged = alert.Entities.Users.Where(u => _options.IsPrivileged(u)).ToList();
        if (privileged.Count > 0) list.Add(new("privilege", "privileged account " + string.Join(", ", privileged), 5));

        if (_options.IsOffHours(alert.TimeFirst))
            list.Add(new("time", $"off-hours ({alert.TimeFirst.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC, window {_options.OffHoursFirst:00}–{_options.OffHoursLast:00}h)", 4));

        var firsts = FirstAccesses(alert);
        if (firsts.Count > 0) list.Add(new("rarity", "first access: " + string.Join(", ", firsts.Take(5)) + (firsts.Count > 5 ? $" (+{firsts.Count - 5})" : ""), 5));
        else if (alert.Analytic == "rare-path") list.Add(new("rarity", "rare source→target pair", 3));
        return list;
    }

    /// <summary>"user@host" pairs of the alert whose earliest success in the evidence is the alert itself.</summary>
    public List<string> FirstAccesses(Alert alert)
    {
        var result = new List<string>();
        foreach (var u in alert.Entities.Users)
            foreach (var h in alert.Entities.TargetHosts)
            {
                var a = _baseline.Access(h, u);
                if (a is not null && a.FirstSuccess >= SafeTime.Minutes(alert.TimeFirst, -1) && a.FirstSuccess <= SafeTime.Minutes(alert.TimeLast, 1))
                    result.Add(Names.UserKey(u) + "@" + Names.HostKey(h));
            }
        return result;
    }

    /// <summary>Per-entity risk over all alerts, highest first.</summary>
    public List<EntityRisk> ScoreEntities(IEnumerable<Alert> alerts, Func<Alert, List<RiskContribution>> contributionsOf)
    {
        // One table per entity kind, keyed by name.
        var tables = new Dictionary<string, EntityRisk>[3];
        for (int k = 0; k < tables.Length; k++) tables[k] = new Dictionary<string, EntityRisk>(StringComparer.Ordinal);
        var all = new List<EntityRisk>();
        var entities = new List<EntityRisk>();
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
            foreach (var risk in entities)
            {
                risk.AlertCount++;
                foreach (var c in contributions) Merge(risk.Contributions, c);
                risk.Score += points;
            }

            void Named(EntityKind kind, string? name)
            {
                if (name is null) return;
                var table = tables[(int)kind];
                if (!table.TryGetValue(name, out var risk))
                {
                    table[name] = risk = new EntityRisk { Kind = kind, Name = name };
                    all.Add(risk);
                }
                if (!entities.Contains(risk)) entities.Add(risk); // each entity once per alert
            }
        }
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

    /// <summary>Adds a contribution, folding repeats of the same factor and reason into one with a count.</summary>
    internal static void Merge(List<RiskContribution> list, RiskContribution c)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i].Factor == c.Factor && list[i].Reason == c.Reason && list[i].Points == c.Points)
            {
                list[i] = list[i] with { Count = list[i].Count + c.Count };
                return;
            }
        if (list.Count < 200) list.Add(c);
    }

}
