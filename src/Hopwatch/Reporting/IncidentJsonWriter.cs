using System.Buffers;
using System.Text;
using System.Text.Json;
using Hopwatch.Scoring;

namespace Hopwatch.Reporting;

/// <summary>Writes incidents as JSON lines (incidents.jsonl, docs/incident.schema.json), highest risk first.</summary>
public static class IncidentJsonWriter
{
    public static void Write(TextWriter w, IEnumerable<Incident> incidents)
    {
        var buffer = new ArrayBufferWriter<byte>(16384);
        using var json = new Utf8JsonWriter(buffer, AlertJsonWriter.WriterOptions);
        foreach (var inc in incidents)
        {
            Line(json, buffer, inc);
            w.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
            w.Write('\n');
        }
    }

    public static void Write(string path, IEnumerable<Incident> incidents)
    {
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        var buffer = new ArrayBufferWriter<byte>(16384);
        using var json = new Utf8JsonWriter(buffer, AlertJsonWriter.WriterOptions);
        foreach (var inc in incidents)
        {
            Line(json, buffer, inc);
            file.Write(buffer.WrittenSpan);
            file.WriteByte((byte)'\n');
        }
    }

    private static void Line(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, Incident inc)
    {
        buffer.ResetWrittenCount();
        json.Reset(buffer);
        WriteIncident(json, inc);
        json.Flush();
    }

    /// <summary>One incident as a JSON object: the bytes <c>JsonSerializer.Serialize(incident, AlertJsonWriter.Options)</c> gives.</summary>
    internal static void WriteIncident(Utf8JsonWriter w, Incident inc)
    {
        w.WriteStartObject();
        w.WriteString("id", inc.Id);
        w.WriteString("title", inc.Title);
        w.WriteNumber("risk_score", inc.RiskScore);
        w.WriteNumber("risk_points", inc.RiskPoints);
        w.WriteNumber("max_logon_risk", inc.MaxLogonRisk);
        JsonValues.WriteSeverity(w, "severity", inc.Severity);
        w.WritePropertyName("verdict");
        WriteVerdict(w, inc.Verdict);
        JsonValues.WriteStrings(w, "users", inc.Users);
        JsonValues.WriteStrings(w, "domains", inc.Domains);
        JsonValues.WriteStrings(w, "source_hosts", inc.SourceHosts);
        JsonValues.WriteStrings(w, "source_ips", inc.SourceIps);
        JsonValues.WriteStrings(w, "target_hosts", inc.TargetHosts);
        w.WriteNumber("target_host_count", inc.TargetHostCount);
        JsonValues.WriteTime(w, "first_seen", inc.FirstSeen);
        JsonValues.WriteTime(w, "last_seen", inc.LastSeen);
        JsonValues.WriteStrings(w, "logon_types", inc.LogonTypes);
        JsonValues.WriteStrings(w, "techniques", inc.Techniques);
        JsonValues.WriteStrings(w, "analytics", inc.Analytics);
        w.WriteNumber("alert_count", inc.AlertCount);
        JsonValues.WriteStrings(w, "alert_ids", inc.AlertIds);
        w.WritePropertyName("risk_contributions");
        WriteContributions(w, inc.RiskContributions);
        w.WriteStartArray("triage");
        foreach (var t in inc.Triage) WriteTriage(w, t);
        w.WriteEndArray();
        w.WritePropertyName("graph");
        WriteGraph(w, inc.Graph);
        w.WriteStartArray("timeline");
        foreach (var t in inc.Timeline) WriteTimelineEntry(w, t);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    internal static void WriteContributions(Utf8JsonWriter w, List<RiskContribution> list)
    {
        w.WriteStartArray();
        foreach (var c in list)
        {
            if (c is null) { w.WriteNullValue(); continue; }
            w.WriteStartObject();
            w.WriteString("factor", c.Factor);
            w.WriteString("reason", c.Reason);
            w.WriteNumber("points", c.Points);
            w.WriteNumber("count", c.Count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteVerdict(Utf8JsonWriter w, Verdict? v)
    {
        if (v is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        if (VerdictName(v.Kind) is { } kind) w.WriteString("verdict", kind);
        else w.WriteNumber("verdict", (int)v.Kind);
        w.WriteString("rule_id", v.RuleId);
        w.WriteString("rule", v.Rule);
        w.WriteString("reason", v.Reason);
        w.WritePropertyName("containment");
        if (v.Containment is null) w.WriteNullValue();
        else
        {
            w.WriteStartArray();
            foreach (var step in v.Containment)
            {
                if (step is null) { w.WriteNullValue(); continue; }
                w.WriteStartObject();
                w.WriteString("action", step.Action);
                JsonValues.WriteStrings(w, "targets", step.Targets);
                JsonValues.WriteStrings(w, "ports", step.Ports);
                w.WriteString("text", step.Text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <summary>The verdict's wire name (VerdictKind's JsonStringEnumMemberName); null for a value outside the enum.</summary>
    private static string? VerdictName(VerdictKind k) => k switch
    {
        VerdictKind.LikelyBenign => "LIKELY BENIGN",
        VerdictKind.Investigate => "INVESTIGATE",
        VerdictKind.Escalate => "ESCALATE",
        _ => null,
    };

    private static void WriteTriage(Utf8JsonWriter w, TriageAnswer? t)
    {
        if (t is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        w.WriteString("id", t.Id);
        w.WriteString("question", t.Question);
        w.WriteString("answer", t.Answer);
        w.WriteBoolean("suspicious", t.Suspicious);
        w.WriteString("summary", t.Summary);
        JsonValues.WriteStrings(w, "evidence", t.Evidence);
        w.WriteEndObject();
    }

    private static void WriteGraph(Utf8JsonWriter w, HopGraph g)
    {
        w.WriteStartObject();
        w.WriteStartArray("nodes");
        foreach (var n in g.Nodes)
        {
            if (n is null) { w.WriteNullValue(); continue; }
            w.WriteStartObject();
            w.WriteString("id", n.Id);
            w.WriteNumber("layer", n.Layer);
            w.WriteString("role", n.Role);
            w.WriteString("kind", n.Kind);
            JsonValues.WriteTime(w, "first_seen", n.FirstSeen);
            w.WriteBoolean("sensitive", n.Sensitive);
            w.WriteBoolean("credential_access", n.CredentialAccess);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("edges");
        foreach (var e in g.Edges)
        {
            if (e is null) { w.WriteNullValue(); continue; }
            w.WriteStartObject();
            w.WriteString("from", e.From);
            w.WriteString("to", e.To);
            JsonValues.WriteStrings(w, "users", e.Users);
            JsonValues.WriteStrings(w, "techniques", e.Techniques);
            JsonValues.WriteStrings(w, "analytics", e.Analytics);
            w.WriteNumber("alert_count", e.AlertCount);
            JsonValues.WriteTime(w, "first_seen", e.FirstSeen);
            JsonValues.WriteTime(w, "last_seen", e.LastSeen);
            w.WriteNumber("hop", e.Hop);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        JsonValues.WriteStrings(w, "path", g.Path);
        w.WriteEndObject();
    }

    private static void WriteTimelineEntry(Utf8JsonWriter w, TimelineEntry? t)
    {
        if (t is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        JsonValues.WriteTime(w, "time", t.Time);
        w.WriteString("kind", t.Kind);
        w.WriteString("title", t.Title);
        w.WriteString("severity", t.Severity);
        w.WriteString("host", t.Host);
        w.WriteString("user", t.User);
        w.WriteString("source", t.Source);
        w.WriteString("alert_id", t.AlertId);
        JsonValues.WriteStrings(w, "techniques", t.Techniques);
        w.WriteString("file", t.File);
        if (t.RecordId is { } id) w.WriteNumber("record_id", id);
        else w.WriteNull("record_id");
        w.WriteEndObject();
    }
}
