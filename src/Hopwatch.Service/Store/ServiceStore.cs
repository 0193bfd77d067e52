using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Reporting;
using Hopwatch.Service.Spool;
using Microsoft.Data.Sqlite;

namespace Hopwatch.Service.Store;

/// <summary>
/// The service's durable state in one SQLite database (WAL): the spool checkpoint, alerts (unique
/// by their deterministic id, so a replay after a crash never duplicates one), incidents, triage
/// actions and the audited allowlist. The processing thread writes through <see cref="CommitBatch"/>;
/// API calls read and write on their own pooled connections.
/// </summary>
public sealed partial class ServiceStore : IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly TimeSpan _incidentWindow;

    public string Path { get; }

    public ServiceStore(string path, TimeSpan incidentWindow)
    {
        Path = path;
        _incidentWindow = incidentWindow;
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer = Open();
        Exec(_writer, "PRAGMA journal_mode=WAL;");
        CreateSchema();
        LoadAllowlist();
    }

    internal SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        // NORMAL in WAL mode: a commit survives a process kill; a power cut may lose the last
        // commits, which the spool replays (alerts are deduplicated by id).
        Exec(c, "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=OFF;");
        return c;
    }

    internal static void Exec(SqliteConnection c, string sql, SqliteTransaction? tx = null)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private void CreateSchema()
    {
        Exec(_writer, """
            CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS alerts (
                id TEXT PRIMARY KEY,
                event_seq INTEGER NOT NULL,
                analytic TEXT NOT NULL,
                rule_id TEXT NOT NULL,
                title TEXT NOT NULL,
                severity INTEGER NOT NULL,
                time_first TEXT NOT NULL,
                time_last TEXT NOT NULL,
                users TEXT NOT NULL,
                hosts TEXT NOT NULL,
                incident_id TEXT,
                status TEXT NOT NULL DEFAULT 'open',
                suppressed_by TEXT,
                received_at TEXT NOT NULL,
                json TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS alerts_time ON alerts(time_last);
            CREATE INDEX IF NOT EXISTS alerts_incident ON alerts(incident_id, time_last);
            CREATE TABLE IF NOT EXISTS incidents (
                id TEXT PRIMARY KEY,
                principal TEXT NOT NULL,
                title TEXT NOT NULL,
                severity INTEGER NOT NULL,
                status TEXT NOT NULL DEFAULT 'open',
                verdict TEXT,
                score REAL,
                time_first TEXT NOT NULL,
                time_last TEXT NOT NULL,
                alert_count INTEGER NOT NULL,
                users TEXT NOT NULL,
                hosts TEXT NOT NULL,
                triage TEXT,
                updated_at TEXT NOT NULL);
            CREATE INDEX IF NOT EXISTS incidents_principal ON incidents(principal, time_last);
            CREATE TABLE IF NOT EXISTS triage_actions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                target_kind TEXT NOT NULL,
                target_id TEXT NOT NULL,
                action TEXT NOT NULL,
                comment TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS allowlist (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                comment TEXT NOT NULL,
                created_by TEXT NOT NULL,
                created_at TEXT NOT NULL,
                removed_at TEXT);
            CREATE TABLE IF NOT EXISTS allowlist_audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                entry_id INTEGER NOT NULL,
                action TEXT NOT NULL,
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                comment TEXT NOT NULL,
                actor TEXT NOT NULL,
                at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS tail_offsets (
                identity TEXT PRIMARY KEY,
                path TEXT NOT NULL,
                offset INTEGER NOT NULL,
                updated_at TEXT NOT NULL);
            """);
    }

    /// <summary>Where processing stopped last time, and the sequence number of the last processed event.</summary>
    public (SpoolPosition Position, long ProcessedSeq) ReadCheckpoint()
    {
        long seg = ReadMeta("spool_segment"), off = ReadMeta("spool_offset"), seq = ReadMeta("processed_seq");
        return (new SpoolPosition(seg, off), seq);
    }

    private long ReadMeta(string key)
    {
        // Its own connection: the retention timer reads this while the processing thread writes.
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT value FROM meta WHERE key=$k";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() is string s && long.TryParse(s, out long v) ? v : 0;
    }

    /// <summary>
    /// Stores a processed stretch of the spool in one transaction: its alerts (duplicates ignored)
    /// with their incidents, and the checkpoint after it. Returns the alerts that were new.
    /// </summary>
    public List<StoredAlert> CommitBatch(IReadOnlyList<PendingAlert> alerts, SpoolPosition checkpoint, long processedSeq)
    {
        var inserted = new List<StoredAlert>();
        var touched = new Dictionary<string, List<Alert>>(StringComparer.Ordinal);
        string now = Iso(DateTime.UtcNow);
        using var tx = _writer.BeginTransaction();
        using (var ins = _writer.CreateCommand())
        {
            ins.Transaction = tx;
            ins.CommandText = """
                INSERT OR IGNORE INTO alerts (id, event_seq, analytic, rule_id, title, severity, time_first, time_last, users, hosts, incident_id, status, suppressed_by, received_at, json)
                VALUES ($id, $seq, $an, $rule, $title, $sev, $tf, $tl, $users, $hosts, $inc, $status, $sup, $recv, $json)
                """;
            var pId = ins.Parameters.Add("$id", SqliteType.Text);
            var pSeq = ins.Parameters.Add("$seq", SqliteType.Integer);
            var pAn = ins.Parameters.Add("$an", SqliteType.Text);
            var pRule = ins.Parameters.Add("$rule", SqliteType.Text);
            var pTitle = ins.Parameters.Add("$title", SqliteType.Text);
            var pSev = ins.Parameters.Add("$sev", SqliteType.Integer);
            var pTf = ins.Parameters.Add("$tf", SqliteType.Text);
            var pTl = ins.Parameters.Add("$tl", SqliteType.Text);
            var pUsers = ins.Parameters.Add("$users", SqliteType.Text);
            var pHosts = ins.Parameters.Add("$hosts", SqliteType.Text);
            var pInc = ins.Parameters.Add("$inc", SqliteType.Text);
            var pStatus = ins.Parameters.Add("$status", SqliteType.Text);
            var pSup = ins.Parameters.Add("$sup", SqliteType.Text);
            var pRecv = ins.Parameters.Add("$recv", SqliteType.Text);
            var pJson = ins.Parameters.Add("$json", SqliteType.Text);
            foreach (var p in alerts)
            {
                var a = p.Alert;
                if (AlertExists(a.Id, tx)) continue;
                string? suppressed = MatchAllowlist(a);
                string? incident = suppressed is null ? AssignIncident(a, tx, now) : null;
                pId.Value = a.Id;
                pSeq.Value = p.EventSeq;
                pAn.Value = a.Analytic;
                pRule.Value = a.RuleId;
                pTitle.Value = a.Title;
                pSev.Value = (int)a.Severity;
                pTf.Value = Iso(a.TimeFirst);
                pTl.Value = Iso(a.TimeLast);
                pUsers.Value = Packed(a.Entities.Users);
                pHosts.Value = Packed(HostsOf(a));
                pInc.Value = (object?)incident ?? DBNull.Value;
                pStatus.Value = suppressed is null ? "open" : "suppressed";
                pSup.Value = (object?)suppressed ?? DBNull.Value;
                pRecv.Value = now;
                pJson.Value = HopwatchJson.Serialize(a, AlertJsonWriter.Options);
                if (ins.ExecuteNonQuery() == 1)
                {
                    inserted.Add(new StoredAlert(a, incident, suppressed is null ? "open" : "suppressed", suppressed));
                    if (incident is not null)
                    {
                        if (!touched.TryGetValue(incident, out var list)) touched[incident] = list = new List<Alert>();
                        list.Add(a);
                    }
                }
            }
        }
        foreach (var (id, added) in touched) UpdateAggregates(id, added, tx, now);
        WriteMeta("spool_segment", checkpoint.Segment, tx);
        WriteMeta("spool_offset", checkpoint.Offset, tx);
        WriteMeta("processed_seq", processedSeq, tx);
        tx.Commit();
        return inserted;
    }

    private bool AlertExists(string id, SqliteTransaction tx)
    {
        using var cmd = _writer.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT 1 FROM alerts WHERE id=$id";
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteScalar() is not null;
    }

    private void WriteMeta(string key, long value, SqliteTransaction tx)
    {
        using var cmd = _writer.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO meta(key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value=excluded.value";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        cmd.ExecuteNonQuery();
    }

    /// <summary>The entity an incident is about: the user, else the source, else the target.</summary>
    internal static string PrincipalOf(Alert a) =>
        a.Entities.Users.FirstOrDefault() is { } u ? "user:" + u.ToLowerInvariant()
        : a.Entities.SourceHosts.FirstOrDefault() is { } s ? "host:" + s.ToLowerInvariant()
        : a.Entities.SourceIps.FirstOrDefault() is { } ip ? "ip:" + ip
        : a.Entities.TargetHosts.FirstOrDefault() is { } t ? "host:" + t.ToLowerInvariant()
        : "rule:" + a.RuleId;

    private string AssignIncident(Alert a, SqliteTransaction tx, string now)
    {
        string principal = PrincipalOf(a);
        using (var find = _writer.CreateCommand())
        {
            find.Transaction = tx;
            find.CommandText = "SELECT id FROM incidents WHERE principal=$p AND status != 'closed' AND time_last >= $since ORDER BY time_last DESC LIMIT 1";
            find.Parameters.AddWithValue("$p", principal);
            find.Parameters.AddWithValue("$since", Iso(a.TimeFirst - _incidentWindow));
            if (find.ExecuteScalar() is string existing) return existing;
        }
        // Deterministic: the same first alert always opens the same incident.
        string id = "inc-" + a.Id[..Math.Min(16, a.Id.Length)];
        using var ins = _writer.CreateCommand();
        ins.Transaction = tx;
        ins.CommandText = """
            INSERT OR IGNORE INTO incidents (id, principal, title, severity, status, time_first, time_last, alert_count, users, hosts, updated_at)
            VALUES ($id, $p, $title, $sev, 'open', $tf, $tl, 0, '|', '|', $now)
            """;
        ins.Parameters.AddWithValue("$id", id);
        ins.Parameters.AddWithValue("$p", principal);
        ins.Parameters.AddWithValue("$title", "Lateral movement: " + principal[(principal.IndexOf(':') + 1)..]);
        ins.Parameters.AddWithValue("$sev", (int)a.Severity);
        ins.Parameters.AddWithValue("$tf", Iso(a.TimeFirst));
        ins.Parameters.AddWithValue("$tl", Iso(a.TimeLast));
        ins.Parameters.AddWithValue("$now", now);
        ins.ExecuteNonQuery();
        return id;
    }

    /// <summary>
    /// Keeps an incident's summary current on every commit, cheaply: counts, times and severity
    /// from SQL, entity lists merged with the new alerts'. Scoring (verdict, triage) is heavier
    /// and runs on its own schedule (<see cref="ReassessIncidents"/>).
    /// </summary>
    private void UpdateAggregates(string incidentId, List<Alert> added, SqliteTransaction tx, string now)
    {
        string users = "|", hosts = "|";
        using (var q = _writer.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = "SELECT users, hosts FROM incidents WHERE id=$id";
            q.Parameters.AddWithValue("$id", incidentId);
            using var r = q.ExecuteReader();
            if (r.Read()) { users = r.GetString(0); hosts = r.GetString(1); }
        }
        using var up = _writer.CreateCommand();
        up.Transaction = tx;
        up.CommandText = """
            UPDATE incidents SET
                severity=(SELECT MAX(severity) FROM alerts WHERE incident_id=$id),
                time_first=(SELECT MIN(time_first) FROM alerts WHERE incident_id=$id),
                time_last=(SELECT MAX(time_last) FROM alerts WHERE incident_id=$id),
                alert_count=(SELECT COUNT(*) FROM alerts WHERE incident_id=$id),
                users=$users, hosts=$hosts, updated_at=$now
            WHERE id=$id
            """;
        up.Parameters.AddWithValue("$id", incidentId);
        up.Parameters.AddWithValue("$users", Packed(Unpacked(users).Concat(added.SelectMany(a => a.Entities.Users))));
        up.Parameters.AddWithValue("$hosts", Packed(Unpacked(hosts).Concat(added.SelectMany(HostsOf))));
        up.Parameters.AddWithValue("$now", now);
        up.ExecuteNonQuery();
    }

    /// <summary>
    /// Scores incidents with the analyzer over their most recent alerts (so a huge incident stays
    /// cheap) and stores verdict, score, title and triage answers. Runs on the processing thread.
    /// </summary>
    public void ReassessIncidents(IEnumerable<string> incidentIds, IIncidentAnalyzer analyzer)
    {
        const int AnalyzedAlerts = 200;
        string now = Iso(DateTime.UtcNow);
        using var tx = _writer.BeginTransaction();
        foreach (var incidentId in incidentIds)
        {
            var alerts = new List<Alert>();
            using (var q = _writer.CreateCommand())
            {
                q.Transaction = tx;
                q.CommandText = "SELECT json FROM alerts WHERE incident_id=$id ORDER BY time_last DESC, id LIMIT $n";
                q.Parameters.AddWithValue("$id", incidentId);
                q.Parameters.AddWithValue("$n", AnalyzedAlerts);
                using var r = q.ExecuteReader();
                while (r.Read()) alerts.Add(HopwatchJson.Deserialize<Alert>(r.GetString(0), AlertJsonWriter.Options)!);
            }
            if (alerts.Count == 0) continue;
            alerts.Reverse();
            var assessment = analyzer.Assess(alerts);
            using var up = _writer.CreateCommand();
            up.Transaction = tx;
            up.CommandText = "UPDATE incidents SET verdict=$verdict, score=$score, triage=$triage, title=COALESCE($title, title), updated_at=$now WHERE id=$id";
            up.Parameters.AddWithValue("$id", incidentId);
            up.Parameters.AddWithValue("$verdict", assessment.Verdict);
            up.Parameters.AddWithValue("$score", assessment.Score);
            up.Parameters.AddWithValue("$triage", HopwatchJson.Serialize(assessment.Triage, ServiceJsonContext.PlainOptions));
            up.Parameters.AddWithValue("$title", (object?)assessment.Title ?? DBNull.Value);
            up.Parameters.AddWithValue("$now", now);
            up.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Deletes alerts (and incidents left without alerts) whose last evidence is older than the cut-off.</summary>
    public int ApplyAlertRetention(DateTime olderThanUtc)
    {
        using var c = Open();
        using var tx = c.BeginTransaction();
        using var del = c.CreateCommand();
        del.Transaction = tx;
        del.CommandText = "DELETE FROM alerts WHERE received_at < $cut";
        del.Parameters.AddWithValue("$cut", Iso(olderThanUtc));
        int n = del.ExecuteNonQuery();
        Exec(c, "DELETE FROM incidents WHERE id NOT IN (SELECT DISTINCT incident_id FROM alerts WHERE incident_id IS NOT NULL)", tx);
        tx.Commit();
        return n;
    }

    internal static IEnumerable<string> HostsOf(Alert a) =>
        a.Entities.SourceHosts.Concat(a.Entities.TargetHosts).Concat(a.Entities.SourceIps);

    /// <summary>"|a|b|" so a LIKE '%|x|%' finds one exact member.</summary>
    internal static string Packed(IEnumerable<string> values)
    {
        var set = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var v in values) if (!string.IsNullOrWhiteSpace(v)) set.Add(v.ToLowerInvariant().Replace("|", "/"));
        return "|" + string.Join('|', set) + (set.Count > 0 ? "|" : "");
    }

    internal static string[] Unpacked(string packed) => packed.Split('|', StringSplitOptions.RemoveEmptyEntries);

    internal static string Iso(DateTime t)
    {
        var utc = t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t;
        return utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _writer.Dispose();
}

/// <summary>An alert from a detector, with the sequence number of the event that completed it.</summary>
public readonly record struct PendingAlert(Alert Alert, long EventSeq, long AcceptedUnixMs);

/// <summary>An alert as the store keeps it.</summary>
public sealed record StoredAlert(Alert Alert, string? IncidentId, string Status, string? SuppressedBy);
