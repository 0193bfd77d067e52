using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace Hopwatch.Service.Store;

/// <summary>Read side for the REST API: lists with filters, incident details, graph, timeline, entities.</summary>
public sealed partial class ServiceStore
{
    private const string AlertColumns = "id, event_seq, incident_id, status, suppressed_by, received_at, json";
    private const string IncidentColumns = "id, principal, title, severity, status, verdict, score, time_first, time_last, alert_count, users, hosts, triage, updated_at";
    private static readonly string[] SeverityNames = ["informational", "low", "medium", "high", "critical"];

    public JsonArray QueryAlerts(QueryFilter f)
    {
        var (where, bind) = Where(f, forIncidents: false);
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT {AlertColumns} FROM alerts{where} ORDER BY time_last DESC, id LIMIT $limit OFFSET $offset";
        bind(q);
        return ReadAlerts(q);
    }

    public JsonObject? GetAlert(string id)
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT {AlertColumns} FROM alerts WHERE id=$id";
        q.Parameters.AddWithValue("$id", id);
        var arr = ReadAlerts(q);
        if (arr.Count == 0) return null;
        var a = (JsonObject)arr[0]!;
        a["history"] = TriageHistory("alert", id);
        return a;
    }

    public JsonArray QueryIncidents(QueryFilter f)
    {
        var (where, bind) = Where(f, forIncidents: true);
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT {IncidentColumns} FROM incidents{where} ORDER BY time_last DESC, id LIMIT $limit OFFSET $offset";
        bind(q);
        var arr = new JsonArray();
        using var r = q.ExecuteReader();
        while (r.Read()) arr.Add((JsonNode)ReadIncident(r));
        return arr;
    }

    /// <summary>An incident with its alerts (oldest first), triage answers and action history.</summary>
    public JsonObject? GetIncident(string id)
    {
        using var c = Open();
        JsonObject incident;
        using (var q = c.CreateCommand())
        {
            q.CommandText = $"SELECT {IncidentColumns} FROM incidents WHERE id=$id";
            q.Parameters.AddWithValue("$id", id);
            using var r = q.ExecuteReader();
            if (!r.Read()) return null;
            incident = ReadIncident(r);
        }
        incident["alerts"] = IncidentAlerts(c, id);
        incident["history"] = TriageHistory("incident", id);
        return incident;
    }

    private static JsonArray IncidentAlerts(SqliteConnection c, string id, int limit = 1000)
    {
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT {AlertColumns} FROM alerts WHERE incident_id=$id ORDER BY time_first, id LIMIT $n";
        q.Parameters.AddWithValue("$id", id);
        q.Parameters.AddWithValue("$n", limit);
        return ReadAlerts(q);
    }

    /// <summary>
    /// The hop graph: hosts and addresses as nodes, one edge per alert from its source (host or IP)
    /// to each target host, labelled with the analytic and time.
    /// </summary>
    public JsonObject? IncidentGraph(string id)
    {
        using var c = Open();
        if (!Exists(c, "incidents", id)) return null;
        var nodes = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        var edges = new JsonArray();
        foreach (var node in IncidentAlerts(c, id))
        {
            var a = node!.AsObject();
            var ent = a["entities"]!.AsObject();
            var sources = Strings(ent["source_hosts"]).Concat(Strings(ent["source_ips"])).Take(1).ToList();
            var targets = Strings(ent["target_hosts"]).ToList();
            foreach (var s in sources) AddNode(nodes, s, IsIp(s) ? "ip" : "host", "source");
            foreach (var t in targets) AddNode(nodes, t, "host", "target");
            foreach (var s in sources)
                foreach (var t in targets)
                    if (!string.Equals(s, t, StringComparison.OrdinalIgnoreCase))
                        edges.Add((JsonNode)new JsonObject
                        {
                            ["source"] = s.ToLowerInvariant(), ["target"] = t.ToLowerInvariant(), ["alert_id"] = a["id"]!.GetValue<string>(),
                            ["analytic"] = a["analytic"]!.GetValue<string>(), ["time"] = a["time_first"]!.GetValue<string>(),
                            ["users"] = ent["users"]!.DeepClone(), ["severity"] = a["severity"]!.GetValue<string>(),
                        });
        }
        return new JsonObject { ["incident_id"] = id, ["nodes"] = new JsonArray(nodes.Values.Select(n => (JsonNode)n).ToArray()), ["edges"] = edges };
    }

    /// <summary>The incident's evidence events in time order, each with the alert it supports.</summary>
    public JsonArray? IncidentTimeline(string id)
    {
        using var c = Open();
        if (!Exists(c, "incidents", id)) return null;
        var rows = new List<(string Time, JsonObject Row)>();
        foreach (var node in IncidentAlerts(c, id))
        {
            var a = node!.AsObject();
            foreach (var ev in a["evidence"]!.AsArray())
            {
                var e = ev!.AsObject();
                rows.Add((e["time"]!.GetValue<string>(), new JsonObject
                {
                    ["time"] = e["time"]!.DeepClone(), ["host"] = e["host"]!.DeepClone(), ["channel"] = e["channel"]!.DeepClone(),
                    ["event_id"] = e["event_id"]!.DeepClone(), ["record_id"] = e["record_id"]!.DeepClone(), ["file"] = e["file"]!.DeepClone(),
                    ["alert_id"] = a["id"]!.DeepClone(), ["title"] = a["title"]!.DeepClone(), ["severity"] = a["severity"]!.DeepClone(),
                }));
            }
        }
        return new JsonArray(rows.OrderBy(r => r.Time, StringComparer.Ordinal).Select(r => (JsonNode)r.Row).ToArray());
    }

    /// <summary>What is known about one user, host or IP: its alerts and incidents.</summary>
    public JsonObject Entity(string kind, string name, int limit = 200)
    {
        var f = kind == "user" ? new QueryFilter { User = name, Limit = limit } : new QueryFilter { Host = name, Limit = limit };
        return new JsonObject
        {
            ["kind"] = kind,
            ["name"] = name.ToLowerInvariant(),
            ["alerts"] = QueryAlerts(f),
            ["incidents"] = QueryIncidents(f),
        };
    }

    /// <summary>Alert counts per analytic (for /metrics after a restart).</summary>
    public Dictionary<string, long> AlertCountsByAnalytic()
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT analytic, COUNT(*) FROM alerts GROUP BY analytic";
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        using var r = q.ExecuteReader();
        while (r.Read()) d[r.GetString(0)] = r.GetInt64(1);
        return d;
    }

    public long CountAlerts()
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT COUNT(*) FROM alerts";
        return (long)q.ExecuteScalar()!;
    }

    private static (string Where, Action<SqliteCommand> Bind) Where(QueryFilter f, bool forIncidents)
    {
        var parts = new List<string>();
        if (f.Since is not null) parts.Add("time_last >= $since");
        if (f.Until is not null) parts.Add("time_first <= $until");
        if (f.MinSeverity is not null) parts.Add("severity >= $sev");
        if (!string.IsNullOrEmpty(f.User)) parts.Add("users LIKE $user ESCAPE '\\'");
        if (!string.IsNullOrEmpty(f.Host)) parts.Add("hosts LIKE $host ESCAPE '\\'");
        if (!string.IsNullOrEmpty(f.Status)) parts.Add("status = $status");
        if (forIncidents && !string.IsNullOrEmpty(f.Verdict)) parts.Add("verdict = $verdict");
        if (!forIncidents && !string.IsNullOrEmpty(f.Analytic)) parts.Add("analytic = $analytic");
        if (!forIncidents && !string.IsNullOrEmpty(f.IncidentId)) parts.Add("incident_id = $incident");
        string where = parts.Count == 0 ? "" : " WHERE " + string.Join(" AND ", parts);
        return (where, q =>
        {
            if (f.Since is not null) q.Parameters.AddWithValue("$since", Iso(f.Since.Value));
            if (f.Until is not null) q.Parameters.AddWithValue("$until", Iso(f.Until.Value));
            if (f.MinSeverity is not null) q.Parameters.AddWithValue("$sev", f.MinSeverity.Value);
            if (!string.IsNullOrEmpty(f.User)) q.Parameters.AddWithValue("$user", "%|" + LikeEscape(f.User.ToLowerInvariant()) + "|%");
            if (!string.IsNullOrEmpty(f.Host)) q.Parameters.AddWithValue("$host", "%|" + LikeEscape(f.Host.ToLowerInvariant()) + "|%");
            if (!string.IsNullOrEmpty(f.Status)) q.Parameters.AddWithValue("$status", f.Status);
            if (forIncidents && !string.IsNullOrEmpty(f.Verdict)) q.Parameters.AddWithValue("$verdict", f.Verdict);
            if (!forIncidents && !string.IsNullOrEmpty(f.Analytic)) q.Parameters.AddWithValue("$analytic", f.Analytic);
            if (!forIncidents && !string.IsNullOrEmpty(f.IncidentId)) q.Parameters.AddWithValue("$incident", f.IncidentId);
            q.Parameters.AddWithValue("$limit", Math.Clamp(f.Limit, 1, 1000));
            q.Parameters.AddWithValue("$offset", Math.Max(0, f.Offset));
        });
    }

    private static string LikeEscape(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static JsonArray ReadAlerts(SqliteCommand q)
    {
        var arr = new JsonArray();
        using var r = q.ExecuteReader();
        while (r.Read())
        {
            var a = JsonNode.Parse(r.GetString(6))!.AsObject();
            a["event_seq"] = r.GetInt64(1);
            a["incident_id"] = r.IsDBNull(2) ? null : r.GetString(2);
            a["status"] = r.GetString(3);
            a["suppressed_by"] = r.IsDBNull(4) ? null : r.GetString(4);
            a["received_at"] = r.GetString(5);
            arr.Add((JsonNode)a);
        }
        return arr;
    }

    private static JsonObject ReadIncident(SqliteDataReader r) => new()
    {
        ["id"] = r.GetString(0),
        ["principal"] = r.GetString(1),
        ["title"] = r.GetString(2),
        ["severity"] = SeverityNames[Math.Clamp(r.GetInt32(3), 0, 4)],
        ["status"] = r.GetString(4),
        ["verdict"] = r.IsDBNull(5) ? null : r.GetString(5),
        ["score"] = r.IsDBNull(6) ? null : r.GetDouble(6),
        ["time_first"] = r.GetString(7),
        ["time_last"] = r.GetString(8),
        ["alert_count"] = r.GetInt64(9),
        ["users"] = new JsonArray(Unpacked(r.GetString(10)).Select(s => (JsonNode)s).ToArray()),
        ["hosts"] = new JsonArray(Unpacked(r.GetString(11)).Select(s => (JsonNode)s).ToArray()),
        ["triage"] = r.IsDBNull(12) ? null : JsonNode.Parse(r.GetString(12)),
        ["updated_at"] = r.GetString(13),
    };

    private static bool Exists(SqliteConnection c, string table, string id)
    {
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT 1 FROM {table} WHERE id=$id";
        q.Parameters.AddWithValue("$id", id);
        return q.ExecuteScalar() is not null;
    }

    private static IEnumerable<string> Strings(JsonNode? n) =>
        n is JsonArray a ? a.Select(x => x?.GetValue<string>()).Where(s => !string.IsNullOrEmpty(s)).Select(s => s!) : [];

    private static bool IsIp(string s) => System.Net.IPAddress.TryParse(s, out _);

    private static void AddNode(Dictionary<string, JsonObject> nodes, string name, string kind, string role)
    {
        string key = name.ToLowerInvariant();
        if (nodes.TryGetValue(key, out var n))
        {
            if (n["role"]!.GetValue<string>() != role) n["role"] = "both";
            return;
        }
        nodes[key] = new JsonObject { ["id"] = key, ["kind"] = kind, ["role"] = role };
    }
}
