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
        var sorted = StableSort.Sorted(alerts, static (x, y) =>
        {
            int c = x.TimeFirst.CompareTo(y.TimeFirst);
            return c != 0 ? c : string.CompareOrdinal(x.Id, y.Id);
        });
        var parent = new int[sorted.Count];
        for (int i = 0; i < parent.Length; i++) parent[i] = i;
        int Find(int x) { while (parent[x] != x) { parent[x] = parent[parent[x]]; x = parent[x]; } return x; }
        void Union(int a, int b) { a = Find(a); b = Find(b); if (a != b) parent[Math.Max(a, b)] = Math.Min(a, b); }

        var users = new Dictionary<string, LinkSlot>(StringComparer.Ordinal);
        var sources = new Dictionary<string, LinkSlot>(StringComparer.Ordinal);
        var targets = new Dictionary<string, LinkSlot>(StringComparer.Ordinal);
        var locals = new Dictionary<string, LinkSlot>(StringComparer.Ordinal);

        // One set of key lists for every alert (they live for one iteration): no three new lists per alert.
        var us = new List<string>();
        var ss = new List<string>();
        var ts = new List<string>();
        for (int i = 0; i < sorted.Count; i++)
        {
            var a = sorted[i];
            UserKeysInto(a.Entities.Users, us);
            SourceKeysInto(a, ss);
            HostKeysInto(a.Entities.TargetHosts, ts);
            foreach (var h in AlertDetails.Path(a)) if (!ts.Contains(h)) ts.Add(h);
            bool local = us.Count == 0 && ss.Count == 0;

            void LinkWith(Dictionary<string, LinkSlot> map, string key)
            {
                if (map.TryGetValue(key, out var prev) && SafeTime.Add(prev.Last, _options.IncidentWindow) >= a.TimeFirst) Union(prev.Index, i);
            }
            foreach (var u in us) LinkWith(users, u);
            foreach (var s in ss) { LinkWith(sources, s); LinkWith(targets, s); LinkWith(locals, s); }
            foreach (var t in ts) { LinkWith(sources, t); LinkWith(locals, t); if (local) LinkWith(targets, t); }

            void Register(Dictionary<string, LinkSlot> map, string key)
            {
                var last = a.TimeLast < a.TimeFirst ? a.TimeFirst : a.TimeLast;
                if (!map.TryGetValue(key, out var slot)) map[key] = new LinkSlot { Index = i, Last = last };
                else
                {
                    slot.Index = i;
                    if (last > slot.Last) slot.Last = last;
                }
            }
            foreach (var u in us) Register(users, u);
            foreach (var s in ss) Register(sources, s);
            foreach (var t in ts) Register(local ? locals : targets, t);
        }

        // A group's root is its lowest index (Union keeps the smaller root), so groups are made in
        // the order of their first alert.
        var groups = new List<List<Alert>>();
        var groupOfRoot = new int[sorted.Count];
        Array.Fill(groupOfRoot, -1);
        for (int i = 0; i < sorted.Count; i++)
        {
            int r = Find(i);
            if (groupOfRoot[r] < 0)
            {
                groupOfRoot[r] = groups.Count;
                groups.Add(new List<Alert>());
            }
            groups[groupOfRoot[r]].Add(sorted[i]);
        }
        return groups;
    }

    /// <summary>The alert that last used a key (account, source, target) and until when the key stays linkable.</summary>
    private sealed class LinkSlot
    {
        public int Index;
        public DateTime Last;
    }

    /// <summary>The user keys of <paramref name="names"/> (null keys dropped), each once, in order, into a cleared <paramref name="keys"/>.</summary>
    private static void UserKeysInto(List<string> names, List<string> keys)
    {
        keys.Clear();
        foreach (var n in names)
            if (Names.UserKey(n) is { } k && !keys.Contains(k)) keys.Add(k);
    }

    /// <summary>As <see cref="UserKeysInto"/>, with host keys.</summary>
    private static void HostKeysInto(List<string> names, List<string> keys)
    {
        keys.Clear();
        foreach (var n in names)
            if (Names.HostKey(n) is { } k && !keys.Contains(k)) keys.Add(k);
    }

    /// <summary><see cref="SourceKeys"/> into a cleared <paramref name="keys"/>.</summary>
    internal static void SourceKeysInto(Alert a, List<string> keys)
    {
        // A source host and its IP are one machine: prefer names, fall back to addresses.
        HostKeysInto(a.Entities.SourceHosts, keys);
        if (keys.Count == 0) HostKeysInto(a.Entities.SourceIps, keys);
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
            var path = AlertDetails.Path(a);
            for (int i = 1; i < path.Count; i++) AddDistinct(inc.TargetHosts, path[i]);
            foreach (var t in a.Techniques) AddDistinct(inc.Techniques, t);
            AddDistinct(inc.Analytics, a.Analytic);
            if (a.Severity > inc.Severity) inc.Severity = a.Severity;
        }
        if (alerts.Count == 0) throw new InvalidOperationException("an incident needs at least one alert");
        inc.FirstSeen = alerts[0].TimeFirst;
        inc.LastSeen = Last(alerts[0]);
        int maxLogonRisk = 0;
        foreach (var a in alerts)
        {
            if (a.TimeFirst < inc.FirstSeen) inc.FirstSeen = a.TimeFirst;
            if (Last(a) > inc.LastSeen) inc.LastSeen = Last(a);
            maxLogonRisk = Math.Max(maxLogonRisk, LogonRisk(a));
        }
        inc.Techniques.Sort(StringComparer.Ordinal);
        foreach (var u in inc.Users) AddDistinct(inc.Domains, _baseline.DomainOf(u));
        inc.Id = "inc-" + Hash(inc.AlertIds);
        inc.MaxLogonRisk = maxLogonRisk;
        AddLogonTypes(inc, alerts);
        BuildGraph(inc, alerts);
        foreach (var a in alerts)
            inc.Timeline.Add(new TimelineEntry
            {
                Time = a.TimeFirst, Kind = "alert", Title = a.Title, Severity = SeverityName(a.Severity),
                Host = JoinFirst(a.Entities.TargetHosts, null, 5), User = JoinFirst(a.Entities.Users, null, 5),
                Source = JoinFirst(a.Entities.SourceHosts, a.Entities.SourceIps, 5), AlertId = a.Id,
                Techniques = new List<string>(a.Techniques),
            });
        inc.Title = TitleOf(inc, alerts);
        return inc;
    }

    /// <summary>The severity's lower-case name (what ToString().ToLowerInvariant() gives), without making it per alert.</summary>
    internal static string SeverityName(Severity s) => s switch
    {
        Severity.Informational => "informational",
        Severity.Low => "low",
        Severity.Medium => "medium",
        Severity.High => "high",
        Severity.Critical => "critical",
        _ => s.ToString().ToLowerInvariant(),
    };

    /// <summary>string.Join(", ", first.Concat(second).Take(max)), without the enumerators.</summary>
    internal static string JoinFirst(List<string> first, List<string>? second, int max)
    {
        int total = first.Count + (second?.Count ?? 0);
        if (total == 0) return "";
        if (total == 1) return first.Count == 1 ? first[0] ?? "" : second![0] ?? "";
        var parts = new string?[Math.Min(max, total)];
        for (int i = 0; i < parts.Length; i++) parts[i] = i < first.Count ? first[i] : second![i - first.Count];
        return string.Join(", ", parts);
    }

    private static DateTime Last(Alert a) => a.TimeLast < a.TimeFirst ? a.TimeFirst : a.TimeLast;

    /// <summary>The KQL hunt's per-logon risk: 3 off-hours and privileged, 2 either, 1 otherwise.</summary>
    private int LogonRisk(Alert a)
    {
        bool off = _options.IsOffHours(a.TimeFirst);
        bool priv = false;
        foreach (var u in a.Entities.Users) if (_options.IsPrivileged(u)) { priv = true; break; }
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
        var edges = new Dictionary<string, Dictionary<string, HopEdge>>(StringComparer.Ordinal);
        var edgeList = new List<HopEdge>();
        var nodeFirst = new Dictionary<string, HopNode>(StringComparer.Ordinal);

        void Touch(string host, DateTime t)
        {
            if (!nodeFirst.TryGetValue(host, out var n)) nodeFirst[host] = new HopNode { Id = host, FirstSeen = t };
            else if (t < n.FirstSeen) n.FirstSeen = t;
        }
        HopEdge? Find(string from, string to) => edges.TryGetValue(from, out var byTo) && byTo.TryGetValue(to, out var e) ? e : null;
        void Edge(string from, string to, Alert a, DateTime t)
        {
            var e = Find(from, to);
            if (e is null)
            {
                if (!edges.TryGetValue(from, out var byTo)) edges[from] = byTo = new Dictionary<string, HopEdge>(StringComparer.Ordinal);
                byTo[to] = e = new HopEdge { From = from, To = to, FirstSeen = t, LastSeen = t };
                edgeList.Add(e);
            }
            if (t < e.FirstSeen) e.FirstSeen = t;
            if (t > e.LastSeen) e.LastSeen = t;
            e.AlertCount++;
            foreach (var u in a.Entities.Users) AddDistinct(e.Users, Names.UserKey(u));
            foreach (var tq in a.Techniques) AddDistinct(e.Techniques, tq);
            AddDistinct(e.Analytics, a.Analytic);
            Touch(from, t); Touch(to, t);
        }

        foreach (var a in StableSort.Sorted(alerts, static (x, y) => x.TimeFirst.CompareTo(y.TimeFirst)))
        {
            var path = AlertDetails.Path(a);
            if (path.Count >= 2)
            {
                if (path.Count > g.Path.Count) { g.Path.Clear(); g.Path.AddRange(path); }
                for (int i = 0; i + 1 < path.Count; i++)
                {
                    // When the alert's evidence was logged on the hop's target, the hop is dated by it.
                    bool found = false;
                    var t = a.TimeFirst;
                    foreach (var ev in a.Evidence)
                        if (Names.HostKey(ev.Host) == path[i + 1] && (!found || ev.Time < t)) { t = ev.Time; found = true; }
                    Edge(path[i], path[i + 1], a, t);
                }
                continue;
            }
            var srcs = SourceKeys(a);
            var tgts = new List<string>();
            HostKeysInto(a.Entities.TargetHosts, tgts);
            foreach (var s in srcs)
                foreach (var t in tgts)
                    if (s != t) Edge(s, t, a, a.TimeFirst);
            foreach (var h in srcs) Touch(h, a.TimeFirst);
            foreach (var h in tgts) Touch(h, a.TimeFirst);
        }

        // Layers: the chain path fixes its hosts' columns; every other host gets one column past
        // the host it was first reached from, in time order, so cycles cannot loop.
        var layer = new Dictionary<string, HopNode>(StringComparer.Ordinal);
        for (int i = 0; i < g.Path.Count; i++)
            if (nodeFirst.TryGetValue(g.Path[i], out var pn) && layer.TryAdd(g.Path[i], pn)) pn.Layer = i;
        var byFirstSeen = new List<HopEdge>(edgeList);
        byFirstSeen.Sort(static (x, y) =>
        {
            int c = x.FirstSeen.CompareTo(y.FirstSeen);
            if (c == 0) c = string.CompareOrdinal(x.From, y.From);
            return c != 0 ? c : string.CompareOrdinal(x.To, y.To);
        });
        foreach (var e in byFirstSeen)
        {
            var from = nodeFirst[e.From];
            if (layer.TryAdd(e.From, from)) from.Layer = 0;
            var to = nodeFirst[e.To];
            if (layer.TryAdd(e.To, to)) to.Layer = from.Layer + 1;
        }
        for (int i = 0; i + 1 < g.Path.Count; i++)
            if (Find(g.Path[i], g.Path[i + 1]) is { } pe) pe.Hop = i + 1;

        var hasOut = new HashSet<string>(StringComparer.Ordinal);
        var hasIn = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in edgeList) { hasOut.Add(e.From); hasIn.Add(e.To); }
        foreach (var node in nodeFirst.Values)
        {
            var host = node.Id;
            node.Role = _baseline.RoleOf(host);
            node.Kind = hasOut.Contains(host) && hasIn.Contains(host) ? "both" : hasOut.Contains(host) ? "source" : "target";
            node.Sensitive = IsSensitive(host, node.Role);
            g.Nodes.Add(node);
        }
        g.Nodes.Sort(static (a, b) =>
        {
            int c = a.Layer.CompareTo(b.Layer);
            if (c == 0) c = a.FirstSeen.CompareTo(b.FirstSeen);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });
        edgeList.Sort(static (x, y) =>
        {
            int c = (x.Hop == 0 ? int.MaxValue : x.Hop).CompareTo(y.Hop == 0 ? int.MaxValue : y.Hop);
            if (c == 0) c = x.FirstSeen.CompareTo(y.FirstSeen);
            if (c == 0) c = string.CompareOrdinal(x.From, y.From);
            return c != 0 ? c : string.CompareOrdinal(x.To, y.To);
        });
        g.Edges.AddRange(edgeList);
    }

    /// <summary>Host names of domain controllers by convention ("dc01", "corp-dc-2"), for hosts without an asset role.</summary>
    internal static readonly System.Text.RegularExpressions.Regex DcName = new(@"(^|[-_])dc\d*($|[-_])");

    internal bool IsSensitive(string host, string? role) =>
        ScoringOptions.RoleIn(role, _options.SensitiveRoles) ||
        (role is null && DcName.IsMatch(host));

    private static string TitleOf(Incident inc, List<Alert> alerts)
    {
        // The most telling alert: highest severity, then analytic weight, then earliest (first in order on ties).
        var top = alerts[0];
        foreach (var a in alerts)
        {
            int c = top.Severity.CompareTo(a.Severity);
            if (c == 0) c = EntityRiskScorer.AnalyticPoints(top.Analytic).CompareTo(EntityRiskScorer.AnalyticPoints(a.Analytic));
            if (c == 0) c = a.TimeFirst.CompareTo(top.TimeFirst);
            if (c < 0) top = a;
        }
        var who = inc.Users.Count switch { 0 => "unknown account", 1 => inc.Users[0], _ => $"{inc.Users[0]} +{inc.Users.Count - 1}" };
        var from = inc.SourceHosts.Count > 0 ? inc.SourceHosts[0] : inc.SourceIps.Count > 0 ? inc.SourceIps[0] : null;
        var to = inc.TargetHostCount == 0 ? "" : $" to {inc.TargetHostCount} host{(inc.TargetHostCount == 1 ? "" : "s")}";
        return $"{top.Title} — {who}{(from is null ? "" : " from " + from)}{to}";
    }

    /// <summary>The machines movement started from: alert sources (names over addresses) and every non-final host of a chain.</summary>
    /// <remarks>
    /// Worked out once per incident (triage, verdict and containment each ask; it depends only on the alerts and
    /// the chain path, both fixed when the incident is built): callers must not change the list.
    /// </remarks>
    internal static List<string> SourceMachines(Incident inc) => inc.SourceMachines ??= ComputeSourceMachines(inc);

    private static List<string> ComputeSourceMachines(Incident inc)
    {
        var list = new List<string>();
        foreach (var a in inc.Alerts) foreach (var s in SourceKeys(a)) AddDistinct(list, s);
        foreach (var h in inc.Graph.Path.Take(Math.Max(0, inc.Graph.Path.Count - 1))) AddDistinct(list, h);
        return list;
    }

    internal static List<string> SourceKeys(Alert a)
    {
        var keys = new List<string>();
        SourceKeysInto(a, keys);
        return keys;
    }

    internal static void AddDistinct(List<string> list, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        foreach (var v in list) if (string.Equals(v, value, StringComparison.OrdinalIgnoreCase)) return;
        list.Add(value);
    }

    private static string Hash(List<string> ids)
    {
        // SHA-256 of the ids sorted and joined by newlines, encoded into one reused buffer.
        var sorted = ids.ToArray();
        Array.Sort(sorted, StringComparer.Ordinal);
        int bytes = Math.Max(0, sorted.Length - 1);
        foreach (var id in sorted) bytes += Encoding.UTF8.GetByteCount(id);
        var buffer = t_hashBuffer is { } b && b.Length >= bytes ? b : t_hashBuffer = new byte[Math.Max(bytes, 4096)];
        int n = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            if (i > 0) buffer[n++] = (byte)'\n';
            n += Encoding.UTF8.GetBytes(sorted[i], buffer.AsSpan(n));
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(buffer.AsSpan(0, n), hash);
        return Convert.ToHexStringLower(hash[..8]);
    }

    [ThreadStatic] private static byte[]? t_hashBuffer;
}
