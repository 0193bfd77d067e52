using System.Text.Json.Nodes;
using Hopwatch.Events;
using Microsoft.Data.Sqlite;

namespace Hopwatch.Service.Store;

/// <summary>The allowlist (cached for the processing thread) and triage actions, every change audited.</summary>
public sealed partial class ServiceStore
{
    public static readonly string[] AllowlistKinds = ["user", "host", "ip", "rule", "analytic"];
    public static readonly string[] TriageActions = ["acknowledge", "close", "reopen", "comment"];

    private sealed record AllowEntry(long Id, string Kind, string Value);
    private volatile AllowEntry[] _allow = [];

    private void LoadAllowlist()
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT id, kind, value FROM allowlist WHERE removed_at IS NULL";
        var list = new List<AllowEntry>();
        using var r = q.ExecuteReader();
        while (r.Read()) list.Add(new AllowEntry(r.GetInt64(0), r.GetString(1), r.GetString(2)));
        _allow = list.ToArray();
    }

    /// <summary>The allowlist entry that suppresses this alert, described, or null.</summary>
    private string? MatchAllowlist(Alert a)
    {
        foreach (var e in _allow)
        {
            bool hit = e.Kind switch
            {
                "user" => a.Entities.Users.Any(u => u.Equals(e.Value, StringComparison.OrdinalIgnoreCase)),
                "host" => a.Entities.SourceHosts.Concat(a.Entities.TargetHosts).Any(h => h.Equals(e.Value, StringComparison.OrdinalIgnoreCase)),
                "ip" => a.Entities.SourceIps.Any(ip => ip.Equals(e.Value, StringComparison.OrdinalIgnoreCase)),
                "rule" => a.RuleId.Equals(e.Value, StringComparison.OrdinalIgnoreCase),
                "analytic" => a.Analytic.Equals(e.Value, StringComparison.OrdinalIgnoreCase),
                _ => false,
            };
            if (hit) return $"allowlist #{e.Id} ({e.Kind}={e.Value})";
        }
        return null;
    }

    public JsonArray ListAllowlist(bool includeRemoved)
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT id, kind, value, comment, created_by, created_at, removed_at FROM allowlist" + (includeRemoved ? "" : " WHERE removed_at IS NULL") + " ORDER BY id";
        var arr = new JsonArray();
        using var r = q.ExecuteReader();
        while (r.Read())
            arr.Add((JsonNode)new JsonObject
            {
                ["id"] = r.GetInt64(0), ["kind"] = r.GetString(1), ["value"] = r.GetString(2), ["comment"] = r.GetString(3),
                ["created_by"] = r.GetString(4), ["created_at"] = r.GetString(5), ["removed_at"] = r.IsDBNull(6) ? null : r.GetString(6),
            });
        return arr;
    }

    /// <summary>Adds an entry (applies to alerts processed from now on) and audits it; returns its id.</summary>
    public long AddAllowlist(string kind, string value, string comment, string actor)
    {
        if (!AllowlistKinds.Contains(kind)) throw new ArgumentException($"kind must be one of {string.Join(", ", AllowlistKinds)}");
        if (string.IsNullOrWhiteSpace(value)) throw new ArgumentException("value is required");
        if (string.IsNullOrWhiteSpace(comment)) throw new ArgumentException("a comment saying why is required");
        long id;
        using (var c = Open())
        using (var tx = c.BeginTransaction())
        {
            using (var ins = c.CreateCommand())
            {
                ins.Transaction = tx;
                ins.CommandText = "INSERT INTO allowlist (kind, value, comment, created_by, created_at) VALUES ($k, $v, $c, $a, $t); SELECT last_insert_rowid();";
                ins.Parameters.AddWithValue("$k", kind);
                ins.Parameters.AddWithValue("$v", value.Trim().ToLowerInvariant());
                ins.Parameters.AddWithValue("$c", comment);
                ins.Parameters.AddWithValue("$a", actor);
                ins.Parameters.AddWithValue("$t", Iso(DateTime.UtcNow));
                id = (long)ins.ExecuteScalar()!;
            }
            Audit(c, tx, id, "add", kind, value.Trim().ToLowerInvariant(), comment, actor);
            tx.Commit();
        }
        LoadAllowlist();
        return id;
    }

    /// <summary>Removes an entry (kept, marked removed) and audits it; false when there is no such live entry.</summary>
    public bool RemoveAllowlist(long id, string comment, string actor)
    {
        using (var c = Open())
        using (var tx = c.BeginTransaction())
        {
            string kind, value;
            using (var q = c.CreateCommand())
            {
                q.Transaction = tx;
                q.CommandText = "SELECT kind, value FROM allowlist WHERE id=$id AND removed_at IS NULL";
                q.Parameters.AddWithValue("$id", id);
                using var r = q.ExecuteReader();
                if (!r.Read()) return false;
                kind = r.GetString(0);
                value = r.GetString(1);
            }
            using (var up = c.CreateCommand())
            {
                up.Transaction = tx;
                up.CommandText = "UPDATE allowlist SET removed_at=$t WHERE id=$id";
                up.Parameters.AddWithValue("$t", Iso(DateTime.UtcNow));
                up.Parameters.AddWithValue("$id", id);
                up.ExecuteNonQuery();
            }
            Audit(c, tx, id, "remove", kind, value, comment, actor);
            tx.Commit();
        }
        LoadAllowlist();
        return true;
    }

    private static void Audit(SqliteConnection c, SqliteTransaction tx, long entry, string action, string kind, string value, string comment, string actor)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO allowlist_audit (entry_id, action, kind, value, comment, actor, at) VALUES ($e, $ac, $k, $v, $c, $a, $t)";
        cmd.Parameters.AddWithValue("$e", entry);
        cmd.Parameters.AddWithValue("$ac", action);
        cmd.Parameters.AddWithValue("$k", kind);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.Parameters.AddWithValue("$c", comment ?? "");
        cmd.Parameters.AddWithValue("$a", actor);
        cmd.Parameters.AddWithValue("$t", Iso(DateTime.UtcNow));
        cmd.ExecuteNonQuery();
    }

    public JsonArray AllowlistAudit()
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT id, entry_id, action, kind, value, comment, actor, at FROM allowlist_audit ORDER BY id";
        var arr = new JsonArray();
        using var r = q.ExecuteReader();
        while (r.Read())
            arr.Add((JsonNode)new JsonObject
            {
                ["id"] = r.GetInt64(0), ["entry_id"] = r.GetInt64(1), ["action"] = r.GetString(2), ["kind"] = r.GetString(3),
                ["value"] = r.GetString(4), ["comment"] = r.GetString(5), ["actor"] = r.GetString(6), ["at"] = r.GetString(7),
            });
        return arr;
    }

    /// <summary>
    /// Records an analyst's action on an alert or incident ("alert"/"incident") and updates its
    /// status; false when the target does not exist.
    /// </summary>
    public bool RecordTriage(string targetKind, string targetId, string action, string comment, string actor)
    {
        if (!TriageActions.Contains(action)) throw new ArgumentException($"action must be one of {string.Join(", ", TriageActions)}");
        string table = targetKind switch { "alert" => "alerts", "incident" => "incidents", _ => throw new ArgumentException("target must be alert or incident") };
        string? status = action switch { "acknowledge" => "acknowledged", "close" => "closed", "reopen" => "open", _ => null };
        using var c = Open();
        using var tx = c.BeginTransaction();
        using (var q = c.CreateCommand())
        {
            q.Transaction = tx;
            q.CommandText = $"SELECT 1 FROM {table} WHERE id=$id";
            q.Parameters.AddWithValue("$id", targetId);
            if (q.ExecuteScalar() is null) return false;
        }
        if (status is not null)
        {
            using var up = c.CreateCommand();
            up.Transaction = tx;
            up.CommandText = $"UPDATE {table} SET status=$s WHERE id=$id";
            up.Parameters.AddWithValue("$s", status);
            up.Parameters.AddWithValue("$id", targetId);
            up.ExecuteNonQuery();
        }
        using (var ins = c.CreateCommand())
        {
            ins.Transaction = tx;
            ins.CommandText = "INSERT INTO triage_actions (target_kind, target_id, action, comment, actor, at) VALUES ($k, $id, $a, $c, $actor, $t)";
            ins.Parameters.AddWithValue("$k", targetKind);
            ins.Parameters.AddWithValue("$id", targetId);
            ins.Parameters.AddWithValue("$a", action);
            ins.Parameters.AddWithValue("$c", comment ?? "");
            ins.Parameters.AddWithValue("$actor", actor);
            ins.Parameters.AddWithValue("$t", Iso(DateTime.UtcNow));
            ins.ExecuteNonQuery();
        }
        tx.Commit();
        return true;
    }

    public JsonArray TriageHistory(string targetKind, string targetId)
    {
        using var c = Open();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT action, comment, actor, at FROM triage_actions WHERE target_kind=$k AND target_id=$id ORDER BY id";
        q.Parameters.AddWithValue("$k", targetKind);
        q.Parameters.AddWithValue("$id", targetId);
        var arr = new JsonArray();
        using var r = q.ExecuteReader();
        while (r.Read())
            arr.Add((JsonNode)new JsonObject { ["action"] = r.GetString(0), ["comment"] = r.GetString(1), ["actor"] = r.GetString(2), ["at"] = r.GetString(3) });
        return arr;
    }
}
