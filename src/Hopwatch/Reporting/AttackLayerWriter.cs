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
        var stats = new Dictionary<string, TechniqueStats>(StringComparer.Ordinal);
        TechniqueStats StatsOf(string t)
        {
            if (!stats.TryGetValue(t, out var s)) stats[t] = s = new TechniqueStats();
            return s;
        }
        // Each raw technique normalised once, and each alert's distinct ones found in a reused list: thousands
        // of alerts name the same few techniques.
        var normalised = new Dictionary<string, string?>(StringComparer.Ordinal);
        var distinct = new List<string>(4);
        List<string> DistinctNormalised(List<string> techniques)
        {
            distinct.Clear();
            foreach (var raw in techniques)
            {
                if (!normalised.TryGetValue(raw, out var t)) normalised[raw] = t = Normalise(raw);
                if (t is not null && !distinct.Contains(t)) distinct.Add(t);
            }
            return distinct;
        }
        foreach (var a in alerts)
            foreach (var t in DistinctNormalised(a.Techniques))
            {
                var s = StatsOf(t);
                s.Alerts++;
                if (a.Severity > s.Max) s.Max = a.Severity;
            }
        foreach (var inc in incidents)
            foreach (var t in DistinctNormalised(inc.Techniques))
            {
                var s = StatsOf(t);
                s.Incidents++;
                s.Score = Math.Max(s.Score, inc.RiskScore);
            }
        var ids = new List<string>(stats.Keys);
        ids.Sort(StringComparer.Ordinal);

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
        var parents = ids.Where(k => k.Contains('.')).Select(k => k[..k.IndexOf('.')]).Distinct().Where(p => !stats.ContainsKey(p)).ToList();
        foreach (var p in parents)
        {
            w.WriteStartObject();
            w.WriteString("techniqueID", p);
            w.WriteBoolean("enabled", true);
            w.WriteBoolean("showSubtechniques", true);
            w.WriteString("comment", "parent of the sub-techniques seen");
            w.WriteEndObject();
        }
        foreach (var t in ids)
        {
            var s = stats[t];
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

    private sealed class TechniqueStats
    {
        public int Alerts, Incidents, Score;
        public Severity Max;
    }

    /// <summary>"t1021.001" → "T1021.001"; anything not shaped like a technique id (T and 4 digits, optionally . and 3 digits) is dropped.</summary>
    internal static string? Normalise(string t)
    {
        var s = t.Trim().ToUpperInvariant();
        if (s.StartsWith("ATTACK.", StringComparison.Ordinal)) s = s[7..];
        // char.IsDigit is the regex \d (any Unicode decimal digit), which this check replaced.
        static bool Digits(string s, int from, int count)
        {
            for (int i = from; i < from + count; i++) if (!char.IsDigit(s[i])) return false;
            return true;
        }
        bool technique = s.Length >= 5 && s[0] == 'T' && Digits(s, 1, 4) && (s.Length == 5 || s.Length == 9 && s[5] == '.' && Digits(s, 6, 3));
        return technique ? s : null;
    }
}
