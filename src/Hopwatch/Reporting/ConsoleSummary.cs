using System.Globalization;
using System.Text;
using System.Text.Json;
using Hopwatch.Pipeline;
using Hopwatch.Scoring;
using Spectre.Console;

namespace Hopwatch.Reporting;

/// <summary>
/// The hunt's closing console output: a table of incidents by risk (Spectre.Console), or one JSON
/// object for scripts. Log strings are shown as plain text (never parsed as markup) with control
/// characters replaced, so a log line cannot restyle or hijack the terminal.
/// </summary>
public static class ConsoleSummary
{
    /// <summary>Rows shown in the table; the rest are counted.</summary>
    public const int MaxRows = 25;

    public static void Write(IAnsiConsole console, HuntResult hunt, IncidentAnalysisResult analysis, bool json)
    {
        if (json)
        {
            var sw = new StringWriter();
            WriteJson(sw, hunt, analysis);
            console.Profile.Out.Writer.Write(sw.ToString());
            return;
        }
        var incidents = analysis.Incidents;
        console.Write(new Text(
            $"{hunt.EventCount.ToString("N0", CultureInfo.InvariantCulture)} events" +
            (hunt.Diagnostics.SkippedRecordCount > 0 ? $" (+{hunt.Diagnostics.SkippedRecordCount.ToString("N0", CultureInfo.InvariantCulture)} records no rule or analytic uses, skipped)" : "") +
            $", {hunt.Alerts.Count} alerts ({hunt.Suppressed.Count} suppressed), " +
            $"{incidents.Count} incidents: {Count(incidents, VerdictKind.Escalate)} ESCALATE, {Count(incidents, VerdictKind.Investigate)} INVESTIGATE, " +
            $"{Count(incidents, VerdictKind.LikelyBenign)} LIKELY BENIGN in {hunt.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" +
            (hunt.Diagnostics.WarningCount > 0 ? $"; {hunt.Diagnostics.WarningCount} read warning(s)" : "") + "\n"));
        if (incidents.Count == 0) return;

        var table = new Table().Border(TableBorder.Rounded).Title("Incidents by risk");
        table.AddColumn(new TableColumn("Risk").RightAligned());
        table.AddColumn("Verdict");
        table.AddColumn("Incident");
        table.AddColumn("Users");
        table.AddColumn("Sources");
        table.AddColumn(new TableColumn("Targets").RightAligned());
        table.AddColumn("First seen (UTC)");
        foreach (var inc in incidents.Take(MaxRows))
        {
            table.AddRow(
                new Text(inc.RiskScore.ToString(CultureInfo.InvariantCulture)),
                new Markup(VerdictMarkup(inc.Verdict.Kind)),
                new Text(Clean(inc.Title, 70)),
                new Text(Clean(string.Join(", ", inc.Users), 30)),
                new Text(Clean(string.Join(", ", inc.SourceHosts.Concat(inc.SourceIps)), 30)),
                new Text(inc.TargetHostCount.ToString(CultureInfo.InvariantCulture)),
                new Text(inc.FirstSeen.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)));
        }
        console.Write(table);
        if (incidents.Count > MaxRows) console.Write(new Text($"… and {incidents.Count - MaxRows} more incident(s): see report.html / incidents.jsonl\n"));
    }

    /// <summary>Plain-text version for redirected output and tests: no colours, no ANSI sequences.</summary>
    public static void Write(TextWriter writer, HuntResult hunt, IncidentAnalysisResult analysis, bool json)
    {
        if (json) { WriteJson(writer, hunt, analysis); return; }
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        Write(console, hunt, analysis, json: false);
    }

    private static void WriteJson(TextWriter w, HuntResult hunt, IncidentAnalysisResult analysis)
    {
        var ms = new MemoryStream();
        using (var j = new Utf8JsonWriter(ms, new JsonWriterOptions { Encoder = AlertJsonWriter.Options.Encoder }))
        {
            j.WriteStartObject();
            j.WriteNumber("events", hunt.EventCount);
            j.WriteNumber("records_skipped", hunt.Diagnostics.SkippedRecordCount);
            j.WriteNumber("alerts", hunt.Alerts.Count);
            j.WriteNumber("suppressed", hunt.Suppressed.Count);
            j.WriteNumber("read_warnings", hunt.Diagnostics.WarningCount);
            j.WriteNumber("elapsed_seconds", Math.Round(hunt.Elapsed.TotalSeconds, 3));
            j.WriteStartObject("verdicts");
            j.WriteNumber("escalate", Count(analysis.Incidents, VerdictKind.Escalate));
            j.WriteNumber("investigate", Count(analysis.Incidents, VerdictKind.Investigate));
            j.WriteNumber("likely_benign", Count(analysis.Incidents, VerdictKind.LikelyBenign));
            j.WriteEndObject();
            j.WriteStartArray("incidents");
            foreach (var inc in analysis.Incidents)
            {
                j.WriteStartObject();
                j.WriteString("id", inc.Id);
                j.WriteNumber("risk_score", inc.RiskScore);
                j.WriteString("verdict", Verdict.Label(inc.Verdict.Kind));
                j.WriteString("rule_id", inc.Verdict.RuleId);
                j.WriteString("title", inc.Title);
                Array(j, "users", inc.Users);
                Array(j, "source_hosts", inc.SourceHosts);
                Array(j, "source_ips", inc.SourceIps);
                j.WriteNumber("target_host_count", inc.TargetHostCount);
                j.WriteString("first_seen", TriageAnswers.Ts(inc.FirstSeen).Replace(' ', 'T'));
                j.WriteString("last_seen", TriageAnswers.Ts(inc.LastSeen).Replace(' ', 'T'));
                j.WriteNumber("alert_count", inc.AlertCount);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        w.Write(Encoding.UTF8.GetString(ms.ToArray()));
        w.Write('\n');
    }

    private static void Array(Utf8JsonWriter j, string name, IEnumerable<string> values)
    {
        j.WriteStartArray(name);
        foreach (var v in values) j.WriteStringValue(v);
        j.WriteEndArray();
    }

    private static int Count(IReadOnlyList<Incident> incidents, VerdictKind k) => incidents.Count(i => i.Verdict.Kind == k);

    private static string VerdictMarkup(VerdictKind k) => k switch
    {
        VerdictKind.Escalate => "[bold red]ESCALATE[/]",
        VerdictKind.Investigate => "[darkorange]INVESTIGATE[/]",
        _ => "[green]LIKELY BENIGN[/]",
    };

    /// <summary>Log text made safe for a terminal: control and bidi-override characters replaced, length capped.</summary>
    /// <summary>Log text made safe for a terminal: control characters and bidi overrides become ?, cut at <paramref name="max"/>.</summary>
    public static string Clean(string? s, int max)
    {
        if (string.IsNullOrEmpty(s)) return "";
        var sb = new StringBuilder(Math.Min(s.Length, max + 1));
        foreach (var c in s)
        {
            if (sb.Length >= max) { sb.Append('…'); break; }
            bool bad = char.IsControl(c) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069';
            sb.Append(bad ? '?' : c);
        }
        return sb.ToString();
    }
}
