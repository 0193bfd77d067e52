using System.Text;
using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Scoring;

namespace Hopwatch.Reporting;

/// <summary>
/// attack-layer.json: an ATT&amp;CK Navigator layer (format 4.5, enterprise domain) of the
/// techniques seen. A technique's score is the highest risk score of the incidents it appears in;
/// the comment and metadata carry alert and incident counts. Parents of sub-techniques are added
/// so the sub-techniques show expanded.
/// </summary>
public static class AttackLayerWriter
{
    public static void Write(Stream stream, IReadOnlyList<Alert> alerts, IReadOnlyList<Incident> incidents, string name)
    {
        var stats = new SortedDictionary<string, (int Alerts, int Incidents, int Score, Severity Max)>(StringComparer.Ordinal);
        foreach (var a in alerts)
            foreach (var t in a.Techniques.Select(Normalise).OfType<string>().Distinct())
            {
                var s = stats.GetValueOrDefault(t);
                stats[t] = (s.Alerts + 1, s.Incidents, s.Score, a.Severity > s.Max ? a.Severity : s.Max);
            }
        foreach (var inc in incidents)
            foreach (var t in inc.Techniques.Select(Normalise).OfType<string>().Distinct())
            {
                var s = stats.GetValueOrDefault(t);
                stats[t] = (s.Alerts, s.Incidents + 1, Math.Max(s.Score, inc.RiskScore), s.Max);
            }

        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = AlertJsonWriter.Options.Encoder });
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteStartObject("versions");
        w.WriteString("attack", "17");
        w.WriteString("navigator", "5.1.0");
        w.WriteString("layer", "4.5");
        w.WriteEndObject();
        w.WriteString("domain", "enterprise-attack");
        w.WriteString("description", $"Techniques seen by Hopwatch: {alerts.Count} alert(s), {incidents.Count} incident(s). Score = highest incident risk (0-100).");
        w.WriteNumber("sorting", 3);
        w.WriteStartArray("techniques");
        var parents = stats.Keys.Where(k => k.Contains('.')).Select(k => k[..k.IndexOf('.')]).Distinct().Where(p => !stats.ContainsKey(p)).ToList();
        foreach (var p in parents)
        {
            w.WriteStartObject();
            w.WriteString("techniqueID", p);
            w.WriteBoolean("enabled", true);
            w.WriteBoolean("showSubtechniques", true);
            w.WriteString("comment", "parent of the sub-techniques seen");
            w.WriteEndObject();
        }
        foreach (var (t, s) in stats)
        {
            w.WriteStartObject();
            w.WriteString("techniqueID", t);
            w.WriteNumber("score", s.Score);
            w.WriteBoolean("enabled", true);
            if (!t.Contains('.')) w.WriteBoolean("showSubtechniques", true);
            w.WriteString("comment", $"{s.Alerts} alert(s), {s.Incidents} incident(s), max severity {s.Max.ToString().ToLowerInvariant()}");
            w.WriteStartArray("metadata");
            Meta(w, "alerts", s.Alerts.ToString());
            Meta(w, "incidents", s.Incidents.ToString());
            Meta(w, "max_severity", s.Max.ToString().ToLowerInvariant());
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("gradient");
        w.WriteStartArray("colors");
        w.WriteStringValue("#ffffffff");
        w.WriteStringValue("#ffb366ff");
        w.WriteStringValue("#e03131ff");
        w.WriteEndArray();
        w.WriteNumber("minValue", 0);
        w.WriteNumber("maxValue", 100);
        w.WriteEndObject();
        w.WriteStartArray("legendItems");
        w.WriteEndArray();
        w.WriteBoolean("hideDisabled", false);
        w.WriteBoolean("showTacticRowBackground", false);
        w.WriteBoolean("selectTechniquesAcrossTactics", true);
        w.WriteBoolean("selectSubtechniquesWithParent", false);
        w.WriteEndObject();
    }

    public static void Write(string path, IReadOnlyList<Alert> alerts, IReadOnlyList<Incident> incidents, string name)
    {
        using var fs = File.Create(path);
        Write(fs, alerts, incidents, name);
    }

    private static void Meta(Utf8JsonWriter w, string name, string value)
    {
        w.WriteStartObject();
        w.WriteString("name", name);
        w.WriteString("value", value);
        w.WriteEndObject();
    }

    /// <summary>"t1021.001" → "T1021.001"; anything not shaped like a technique id is dropped.</summary>
    internal static string? Normalise(string t)
    {
        var s = t.Trim().ToUpperInvariant();
        if (s.StartsWith("ATTACK.", StringComparison.Ordinal)) s = s[7..];
        return System.Text.RegularExpressions.Regex.IsMatch(s, @"^T\d{4}(\.\d{3})?$") ? s : null;
    }
}
