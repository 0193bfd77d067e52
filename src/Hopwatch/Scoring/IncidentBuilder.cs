using System.Security.Cryptography;
using System.Text;
using Hopwatch.Events;

namespace Hopwatch.Scoring;

/// <summary>
/// Groups alerts into incidents: two alerts are linked when, within the incident window, they
/// share an account or a source host, when one's target is the other's source (a hop of a chain),
/// or when a host-local alert (no account, no source: a service install, an LSASS access) sits on a
/// host the other touches. Target-to-target alone does not link, so a domain controller reached by
/// unrelated admins does not fuse their incidents.
/// </summary>
public sealed class IncidentBuilder
{
    private readonly ScoringOptions _options;
    private readonly TriageBaseline _baseline;

    public IncidentBuilder(ScoringOptions options, TriageBaseline baseline)
    {
        _options = options;
        _baseline = baseline;
    }

    /// <summary>Alert groups in order of their first alert.</summary>
    public List<List<Alert>> Group(IReadOnlyList<Alert> alerts)
    {
        var sorted = alerts.OrderBy(a => a.TimeFirst).ThenBy(a => a.Id, StringComparer.Ordinal).ToList();
        var parent = new int[sorted.Count];
        for (int i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int x) { while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; }
        void Union(int a, int b) { a = Find(a); b = Find(b); if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b); }

        var users = new Dictionary<string, (int Index, DateTime Last)>(StringComparer.Ordinal);
        var sources = new Dictionary<string, (int Index, DateTime Last)>(StringComparer.Ordinal);
        var targets = new Dictionary<string, (int Index, DateTime Last)>(StringComparer.Ordinal);
        var locals = new Dictionary<string, (int Index, DateTime Last)>(StringComparer.Ordinal);

        for (int i = 0; i < sorted.Count; i++)
        {
            var a = sorted[i];
            var us = a.Entities.Users.Select(Names.UserKey).OfType<string>().Distinct().ToList();
            var ss = SourceKeys(a).ToList();
            var ts = a.Entities.TargetHosts.Select(Names.HostKey).OfType<string>().Concat(AlertDetails.Path(a)).Distinct().ToList();
            bool local = us.Count == 0 && ss.Count == 0;

            void LinkWith(Dictionary<string, (int Index, DateTime Last)> map, string key)
            {
                if (map.TryGetValue(key, out var prev) && SafeTime.Add(prev.Last, _options.IncidentWindow) >= a.TimeFirst) Union(prev.Index, i);
            }
            foreach (var u in us) LinkWith(users, u);
            foreach (var s in ss) { LinkWith(sources, s); LinkWith(targets, s); LinkWith(locals, s); }
            foreach (var t in ts) { LinkWith(sources, t); LinkWith(locals, t); if (local) LinkWith(targets, t); }

            void Register(Dictionary<string, (int Index, DateTime Last)> map, string key)
            {
                var last = a.TimeLast < a.TimeFirst ? a.TimeFirst : a.TimeLast;
                if (map.TryGetValue(key, out var prev) && prev.Last > last) last = prev.Last;
                map[key] = (i, last);
            }
            foreach (var u in us) Register(users, u);
            foreach (var s in ss) Register(sources, s);
            foreach (var t in ts) Register(local ? locals : targets, t);
        }

        var groups = new Dictionary<int, List<Alert>>();
        for (int i = 0; i < sorted.Count; i++)
        {
            int r = Find(i);
            if (!groups.TryGetValue(r, out var g)) groups[r] = g = new List<Alert>();
            g.Add(sorted[i]);
        }
        return groups.OrderBy(kv => kv.Key).Select(kv => kv.Value).ToList();
    }

    /// <summary>The incident's aggregate fields, graph and alert timeline (triage and verdict come later).</summary>
    public Incident Build(List<Alert> alerts)
    {
        var inc = new Incident();
        foreach (var a in alerts)
        {
            inc.Alerts.Add(a);
            inc.AlertIds.Add(a.Id);
            foreach (var u in a.Entities.Users) AddDistinct(inc.Users, Names.UserKey(u));
            foreach (var h in a.Entities.SourceHosts) AddDistinct(inc.SourceHosts, Names.HostKey(h));
            foreach (var ip in a.Entities.SourceIps) AddDistinct(inc.SourceIps, Names.HostKey(ip));
            foreach (var h in a.Entities.TargetHosts) AddDistinct(inc.TargetHosts, Names.HostKey(h));
            foreach (var h in AlertDetails.Path(a).Skip(1)) AddDistinct(inc.TargetHosts, h);
            foreach (var t in a.Techniques) AddDistinct(inc.Techniques, t);
            AddDistinct(inc.Analytics, a.Analytic);
            if (a.Severity > inc.Severity) inc.Severity = a.Severity;
        }
        inc.FirstSeen = alerts.Min(a => a.TimeFirst);
        inc.LastSeen = alerts.Max(a => a.TimeLast < a.TimeFirst ? a.TimeFirst : a.TimeLast);
        inc.Techniques.Sort(StringComparer.Ordinal);
        foreach (var u in inc.Users) AddDistinct(inc.Domains, _baseline.DomainOf(u));
        inc.Id = "inc-" + Hash(inc.AlertIds);
        inc.MaxLogonRisk = alerts.Max(LogonRisk);
        AddLogonTypes(inc, alerts);
        BuildGraph(inc, alerts);
        foreach (var a in alerts)
            inc.Timeline.Add(new TimelineEntry
            {
                Time = a.TimeFirst, Kind = "alert", Title = a.Title, Severity = a.Severity.ToString().ToLowerInvariant(),
                Host = string.Join(", ", a.Entities.TargetHosts.Take(5)), User = string.Join(", ", a.Entities.Users.Take(5)),
                Source = string.Join(", ", a.Entities.SourceHosts.Concat(a.Entities.SourceIps).Take(5)), AlertId = a.Id,
                Techniques = a.Techniques.ToList(),
            });
        inc.Title = TitleOf(inc, alerts);
        return inc;
    }

    /// <summary>The KQL hunt's per-logon risk: 3 off-hours and privileged, 2 either, 1 otherwise.</summary>
    private int LogonRisk(Alert a)
    {
        bool off = _options.IsOffHours(a.TimeFirst);
        bool priv = a.Entities.Users.Any(_options.IsPrivileged);
        return off && priv ? 3 : off || priv ? 2 : 1;
    }

    private static readonly string[] LogonTypeNames =
        ["System", "", "Interactive", "Network", "Batch", "Service", "", "Unlock", "NetworkCleartext", "NewCredentials",
         "RemoteInteractive", "CachedInteractive", "CachedRemoteInteractive", "CachedUnlock", "", ""];

    private void AddLogonTypes(Incident inc, List<Alert> alerts)
    {
        int mask = 0;
        foreach (var u in inc.Users)
            foreach (var h in inc.TargetHosts)
                mask |= _baseline.Access(h, u)?.LogonTypesBetween(SafeTime.Minutes(inc.FirstSeen, -1), SafeTime.Minutes(inc.LastSeen, 1)) ?? 0;
        foreach (var a in alerts)
            if (AlertDetails.Int(a, "logon_type") is int lt and >= 0 and < 16) mask |= 1 << lt;
        for (int t = 0; t < 16; t++)
            if ((mask & (1 << t)) != 0 && LogonTypeNames[t].Length > 0) inc.LogonTypes.Add(LogonTypeNames[t]);
        if (inc.Techniques.Any(t => t == "T1021.004") && inc.LogonTypes.Count == 0) inc.LogonTypes.Add("SSH");
    }

    private void BuildGraph(Incident inc, List<Alert> alerts)
    {
        var g = inc.Graph;
        var edges = new Dictionary<(string, string), HopEdge>();
        var nodeFirst = new Dictionary<string, DateTime>(StringComparer.Ordinal);

        void Touch(string host, DateTime t)
        {
            if (!nodeFirst.TryGetValue(host, out var f) || t < f) nodeFirst[host] = t;
        }
        HopEdge Edge(string from, string to, Alert a, DateTime t)
        {
            if (!edges.TryGetValue((from, to), out var e))
                edges[(from, to)] = e = new HopEdge { From = from, To = to, FirstSeen = t, LastSeen = t };
            if (t < e.FirstSeen) e.FirstSeen = t;
            if (t > e.LastSeen) e.LastSeen = t;
            e.AlertCount++;
            foreach (var u in a.Entities.Users) AddDistinct(e.Users, Names.UserKey(u));
            foreach (var tq in a.Techniques) AddDistinct(e.Techniques, tq);
            AddDistinct(e.Analytics, a.Analytic);
            Touch(from, t); Touch(to, t);
            return e;
        }

        foreach (var a in alerts.OrderBy(x => x.TimeFirst))
        {
            var path = AlertDetails.Path(a);
            if (path.Count >= 2)
            {
                if (path.Count > g.Path.Count) { g.Path.Clear(); g.Path.AddRange(path); }
                for (int i = 0; i + 1 < path.Count; i++)
                {
                    var t = a.Evidence.Where(ev => Names.HostKey(ev.Host) == path[i + 1]).Select(ev => ev.Time).DefaultIfEmpty(a.TimeFirst).Min();
                    Edge(path[i], path[i + 1], a, t);
                }
                continue;
            }
            var srcs = SourceKeys(a).ToList();
            var tgts = a.Entities.TargetHosts.Select(Names.HostKey).OfType<string>().Distinct().ToList();
            foreach (var s in srcs)
                foreach (var t in tgts)
                    if (s != t) Edge(s, t, a, a.TimeFirst);
            foreach (var h in srcs.Concat(tgts)) Touch(h, a.TimeFirst);
        }

        // Layers: the chain path fixes its hosts' columns; every other host gets one column past
        // the host it was first reached from, in time order, so cycles cannot loop.
        var layer = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < g.Path.Count; i++) layer.TryAdd(g.Path[i], i);
        foreach (var e in edges.Values.OrderBy(e => e.FirstSeen).ThenBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal))
        {
            layer.TryAdd(e.From, 0);
            layer.TryAdd(e.To, layer[e.From] + 1);
        }
        for (int i = 0; i + 1 < g.Path.Count; i++)
            if (edges.TryGetValue((g.Path[i], g.Path[i + 1]), out var pe)) pe.Hop = i + 1;

        var hasOut = edges.Values.Select(e => e.From).ToHashSet();
        var hasIn = edges.Values.Select(e => e.To).ToHashSet();
        foreach (var (host, first) in nodeFirst)
        {
            var role = _baseline.RoleOf(host);
            g.Nodes.Add(new HopNode
            {
                Id = host,
                Layer = layer.GetValueOrDefault(host),
                Role = role,
                Kind = hasOut.Contains(host) && hasIn.Contains(host) ? "both" : hasOut.Contains(host) ? "source" : "target",
                FirstSeen = first,
                Sensitive = IsSensitive(host, role),
            });
        }
        g.Nodes.Sort((a, b) =>
        {
            int c = a.Layer.CompareTo(b.Layer);
            if (c == 0) c = a.FirstSeen.CompareTo(b.FirstSeen);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });
        g.Edges.AddRange(edges.Values.OrderBy(e => e.Hop == 0 ? int.MaxValue : e.Hop).ThenBy(e => e.FirstSeen).ThenBy(e => e.From, StringComparer.Ordinal).ThenBy(e => e.To, StringComparer.Ordinal));
    }

    internal bool IsSensitive(string host, string? role) =>
        ScoringOptions.RoleIn(role, _options.SensitiveRoles) ||
        (role is null && System.Text.RegularExpressions.Regex.IsMatch(host, @"(^|[-_])dc\d*($|[-_])"));

    private static string TitleOf(Incident inc, List<Alert> alerts)
    {
        var top = alerts.OrderByDescending(a => a.Severity).ThenByDescending(a => EntityRiskScorer.AnalyticPoints(a.Analytic)).ThenBy(a => a.TimeFirst).First();
        var who = inc.Users.Count switch { 0 => "unknown account", 1 => inc.Users[0], _ => $"{inc.Users[0]} +{inc.Users.Count - 1}" };
        var from = inc.SourceHosts.Count > 0 ? inc.SourceHosts[0] : inc.SourceIps.Count > 0 ? inc.SourceIps[0] : null;
        var to = inc.TargetHostCount == 0 ? "" : $" to {inc.TargetHostCount} host{(inc.TargetHostCount == 1 ? "" : "s")}";
        return $"{top.Title} — {who}{(from is null ? "" : " from " + from)}{to}";
    }

    /// <summary>The machines movement started from: alert sources (names over addresses) and every non-final host of a chain.</summary>
    internal static List<string> SourceMachines(Incident inc)
    {
        var list = new List<string>();
        foreach (var a in inc.Alerts) foreach (var s in SourceKeys(a)) AddDistinct(list, s);
        foreach (var h in inc.Graph.Path.Take(Math.Max(0, inc.Graph.Path.Count - 1))) AddDistinct(list, h);
        return list;
    }

    internal static IEnumerable<string> SourceKeys(Alert a)
    {
        // A source host and its IP are one machine: prefer names, fall back to addresses.
        var hosts = a.Entities.SourceHosts.Select(Names.HostKey).OfType<string>().Distinct().ToList();
        if (hosts.Count > 0) return hosts;
        return a.Entities.SourceIps.Select(Names.HostKey).OfType<string>().Distinct();
    }

    internal static void AddDistinct(List<string> list, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (!list.Contains(value, StringComparer.OrdinalIgnoreCase)) list.Add(value);
    }

    private static string Hash(IEnumerable<string> ids)
    {
        var joined = string.Join("\n", ids.OrderBy(x => x, StringComparer.Ordinal));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined))[..8]);
    }
}
