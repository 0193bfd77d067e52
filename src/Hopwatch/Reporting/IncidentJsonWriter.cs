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
        w.WriteString(JsonNames.Id, inc.Id);
        w.WriteString(JsonNames.Title, inc.Title);
        w.WriteNumber(JsonNames.RiskScore, inc.RiskScore);
        w.WriteNumber(JsonNames.RiskPoints, inc.RiskPoints);
        w.WriteNumber(JsonNames.MaxLogonRisk, inc.MaxLogonRisk);
        JsonValues.WriteSeverity(w, JsonNames.Severity, inc.Severity);
        w.WritePropertyName(JsonNames.Verdict);
        WriteVerdict(w, inc.Verdict);
        JsonValues.WriteStrings(w, JsonNames.Users, inc.Users);
        JsonValues.WriteStrings(w, JsonNames.Domains, inc.Domains);
        JsonValues.WriteStrings(w, JsonNames.SourceHosts, inc.SourceHosts);
        JsonValues.WriteStrings(w, JsonNames.SourceIps, inc.SourceIps);
        JsonValues.WriteStrings(w, JsonNames.TargetHosts, inc.TargetHosts);
        w.WriteNumber(JsonNames.TargetHostCount, inc.TargetHostCount);
        JsonValues.WriteTime(w, JsonNames.FirstSeen, inc.FirstSeen);
        JsonValues.WriteTime(w, JsonNames.LastSeen, inc.LastSeen);
        JsonValues.WriteStrings(w, JsonNames.LogonTypes, inc.LogonTypes);
        JsonValues.WriteStrings(w, JsonNames.Techniques, inc.Techniques);
        JsonValues.WriteStrings(w, JsonNames.Analytics, inc.Analytics);
        w.WriteNumber(JsonNames.AlertCount, inc.AlertCount);
        JsonValues.WriteStrings(w, JsonNames.AlertIds, inc.AlertIds);
        w.WritePropertyName(JsonNames.RiskContributions);
        WriteContributions(w, inc.RiskContributions);
        w.WriteStartArray(JsonNames.Triage);
        foreach (var t in inc.Triage) WriteTriage(w, t);
        w.WriteEndArray();
        w.WritePropertyName(JsonNames.Graph);
        WriteGraph(w, inc.Graph);
        w.WriteStartArray(JsonNames.Timeline);
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
            w.WriteString(JsonNames.Factor, c.Factor);
            w.WriteString(JsonNames.Reason, c.Reason);
            w.WriteNumber(JsonNames.Points, c.Points);
            w.WriteNumber(JsonNames.Count, c.Count);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private static void WriteVerdict(Utf8JsonWriter w, Verdict? v)
    {
        if (v is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        if (VerdictName(v.Kind) is { } kind) w.WriteString(JsonNames.Verdict, kind);
        else w.WriteNumber(JsonNames.Verdict, (int)v.Kind);
        w.WriteString(JsonNames.RuleId, v.RuleId);
        w.WriteString(JsonNames.Rule, v.Rule);
        w.WriteString(JsonNames.Reason, v.Reason);
        w.WritePropertyName(JsonNames.Containment);
        if (v.Containment is null) w.WriteNullValue();
        else
        {
            w.WriteStartArray();
            foreach (var step in v.Containment)
            {
                if (step is null) { w.WriteNullValue(); continue; }
                w.WriteStartObject();
                w.WriteString(JsonNames.Action, step.Action);
                JsonValues.WriteStrings(w, JsonNames.Targets, step.Targets);
                JsonValues.WriteStrings(w, JsonNames.Ports, step.Ports);
                w.WriteString(JsonNames.Text, step.Text);
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
        w.WriteString(JsonNames.Id, t.Id);
        w.WriteString(JsonNames.Question, t.Question);
        w.WriteString(JsonNames.Answer, t.Answer);
        w.WriteBoolean(JsonNames.Suspicious, t.Suspicious);
        w.WriteString(JsonNames.Summary, t.Summary);
        JsonValues.WriteStrings(w, JsonNames.Evidence, t.Evidence);
        w.WriteEndObject();
    }

    private static void WriteGraph(Utf8JsonWriter w, HopGraph g)
    {
        w.WriteStartObject();
        w.WriteStartArray(JsonNames.Nodes);
        foreach (var n in g.Nodes)
        {
            if (n is null) { w.WriteNullValue(); continue; }
            w.WriteStartObject();
            w.WriteString(JsonNames.Id, n.Id);
            w.WriteNumber(JsonNames.Layer, n.Layer);
            w.WriteString(JsonNames.Role, n.Role);
            w.WriteString(JsonNames.Kind, n.Kind);
            JsonValues.WriteTime(w, JsonNames.FirstSeen, n.FirstSeen);
            w.WriteBoolean(JsonNames.Sensitive, n.Sensitive);
            w.WriteBoolean(JsonNames.CredentialAccess, n.CredentialAccess);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray(JsonNames.Edges);
        foreach (var e in g.Edges)
        {
            if (e is null) { w.WriteNullValue(); continue; }
            w.WriteStartObject();
            w.WriteString(JsonNames.From, e.From);
            w.WriteString(JsonNames.To, e.To);
            JsonValues.WriteStrings(w, JsonNames.Users, e.Users);
            JsonValues.WriteStrings(w, JsonNames.Techniques, e.Techniques);
            JsonValues.WriteStrings(w, JsonNames.Analytics, e.Analytics);
            w.WriteNumber(JsonNames.AlertCount, e.AlertCount);
            JsonValues.WriteTime(w, JsonNames.FirstSeen, e.FirstSeen);
            JsonValues.WriteTime(w, JsonNames.LastSeen, e.LastSeen);
            w.WriteNumber(JsonNames.Hop, e.Hop);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        JsonValues.WriteStrings(w, JsonNames.Path, g.Path);
        w.WriteEndObject();
    }

    private static void WriteTimelineEntry(Utf8JsonWriter w, TimelineEntry? t)
    {
        if (t is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        JsonValues.WriteTime(w, JsonNames.Time, t.Time);
        w.WriteString(JsonNames.Kind, t.Kind);
        w.WriteString(JsonNames.Title, t.Title);
        w.WriteString(JsonNames.Severity, t.Severity);
        w.WriteString(JsonNames.Host, t.Host);
        w.WriteString(JsonNames.User, t.User);
        w.WriteString(JsonNames.Source, t.Source);
        w.WriteString(JsonNames.AlertId, t.AlertId);
        JsonValues.WriteStrings(w, JsonNames.Techniques, t.Techniques);
        w.WriteString(JsonNames.File, t.File);
        if (t.RecordId is { } id) w.WriteNumber(JsonNames.RecordId, id);
        else w.WriteNull(JsonNames.RecordId);
        w.WriteEndObject();
    }
}
