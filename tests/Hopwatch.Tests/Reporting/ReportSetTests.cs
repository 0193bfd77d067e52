using System.Text.Json;
using Hopwatch.Reporting;
using Hopwatch.Scoring;
using Hopwatch.Tests.Scoring;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Reporting;

public class ReportSetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hopwatch-report-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    private static MiniJsonSchema Schema(string name) => MiniJsonSchema.Load(Path.Combine(SharedData.RepoRoot, "docs", name));

    private (Scenario Scenario, IncidentAnalysisResult Analysis) WriteChainAndFanOut()
    {
        var s = Scenario.RdpChain();
        var b = Scenario.BackupFanOut();
        s.Alerts.AddRange(b.Alerts);
        s.Events.AddRange(b.Events);
        foreach (var (k, v) in b.Roles) s.Roles[k] = v;
        var analysis = s.Analyse();
        ReportSet.WriteAll(_dir, s.Hunt(), analysis, new ReportOptions { GeneratedAt = new DateTime(2024, 3, 15, 8, 0, 0, DateTimeKind.Utc) });
        using (var w = AlertJsonWriter.Create(Path.Combine(_dir, "alerts.jsonl")))
            foreach (var a in s.Hunt().Alerts) w.Write(a);
        return (s, analysis);
    }

    [Fact]
    public void WritesEveryReportFile()
    {
        WriteChainAndFanOut();
        foreach (var f in new[] { "incidents.jsonl", "timeline.csv", "attack-layer.json", "report.html" })
            Assert.True(new FileInfo(Path.Combine(_dir, f)).Length > 100, f);
    }

    [Fact]
    public void IncidentsAndAlertsValidateAgainstTheirSchemas()
    {
        var (s, analysis) = WriteChainAndFanOut();
        var incidentSchema = Schema("incident.schema.json");
        var lines = File.ReadAllLines(Path.Combine(_dir, "incidents.jsonl"));
        Assert.Equal(2, lines.Length);
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Empty(incidentSchema.Validate(doc.RootElement));
        }
        // Highest risk first: the chain before the benign backup job.
        Assert.Contains("\"verdict\":\"ESCALATE\"", lines[0]);
        Assert.Contains("\"verdict\":\"LIKELY BENIGN\"", lines[1]);

        var alertSchema = Schema("alert.schema.json");
        var alertLines = File.ReadAllLines(Path.Combine(_dir, "alerts.jsonl"));
        Assert.Equal(s.Alerts.Count, alertLines.Length);
        foreach (var line in alertLines)
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Empty(alertSchema.Validate(doc.RootElement));
        }
    }

    [Fact]
    public void SchemaValidatorRejectsBrokenIncidents()
    {
        WriteChainAndFanOut();
        var schema = Schema("incident.schema.json");
        var line = File.ReadAllLines(Path.Combine(_dir, "incidents.jsonl"))[0];
        var broken = new[]
        {
            line.Replace("\"verdict\":\"ESCALATE\"", "\"verdict\":\"PANIC\""),
            line.Replace("\"risk_score\":", "\"risk_scor\":"),
            line.Replace("\"first_seen\":\"2024-03-14T02:10:00.0000000Z\"", "\"first_seen\":\"yesterday\""),
        };
        foreach (var b in broken)
        {
            Assert.NotEqual(line, b);
            using var doc = JsonDocument.Parse(b);
            Assert.NotEmpty(schema.Validate(doc.RootElement));
        }
    }

    [Fact]
    public void TimelineCsvHasTheTimesketchColumnsAndOneRowPerTimelineEntry()
    {
        var (_, analysis) = WriteChainAndFanOut();
        var rows = CsvReader.Read(File.ReadAllText(Path.Combine(_dir, "timeline.csv")));
        var header = rows[0];
        Assert.Equal(["message", "datetime", "timestamp", "timestamp_desc"], header.Take(4));
        Assert.Equal(analysis.Incidents.Sum(i => i.Timeline.Count) + 1, rows.Count);
        int dt = header.IndexOf("datetime"), ts = header.IndexOf("timestamp"), inc = header.IndexOf("incident_id");
        // Earliest entry: mimikatz opening LSASS on the first host, 12 minutes before the first hop.
        Assert.Equal("2024-03-14T01:58:00.000000+00:00", rows.Skip(1).Select(r => r[dt]).Min());
        foreach (var r in rows.Skip(1))
        {
            Assert.Equal(header.Count, r.Count);
            var parsed = DateTimeOffset.Parse(r[dt]);
            Assert.Equal(parsed.ToUnixTimeMilliseconds() * 1000, long.Parse(r[ts]));
            Assert.StartsWith("inc-", r[inc]);
            Assert.False(string.IsNullOrEmpty(r[0]));
        }
        Assert.Contains(rows, r => r[0].StartsWith("[ESCALATE] RDP lateral movement chain"));
        Assert.Contains(rows, r => r[header.IndexOf("entry_kind")] == "credential-access");
    }

    [Fact]
    public void CsvCellsAreQuotedAndFormulasDisarmed()
    {
        Assert.Equal("plain", TimelineCsvWriter.Cell("plain"));
        Assert.Equal("\"a,b\"", TimelineCsvWriter.Cell("a,b"));
        Assert.Equal("\"say \"\"hi\"\"\"", TimelineCsvWriter.Cell("say \"hi\""));
        Assert.Equal("'=HYPERLINK(\"x\")".Length + 2 + 2, TimelineCsvWriter.Cell("=HYPERLINK(\"x\")").Length);
        Assert.StartsWith("\"'=", TimelineCsvWriter.Cell("=HYPERLINK(\"x\")"));
        Assert.Equal("'@SUM(A1)", TimelineCsvWriter.Cell("@SUM(A1)"));
        Assert.Equal("-5", TimelineCsvWriter.Cell("-5"));
        Assert.Equal("'-cmd", TimelineCsvWriter.Cell("-cmd"));
    }

    [Fact]
    public void AttackLayerScoresTheTechniquesSeen()
    {
        var (_, analysis) = WriteChainAndFanOut();
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "attack-layer.json")));
        var root = doc.RootElement;
        Assert.Equal("enterprise-attack", root.GetProperty("domain").GetString());
        Assert.Equal("4.5", root.GetProperty("versions").GetProperty("layer").GetString());
        var techniques = root.GetProperty("techniques").EnumerateArray().ToDictionary(t => t.GetProperty("techniqueID").GetString()!);
        Assert.True(techniques.ContainsKey("T1021")); // parent, so the sub-techniques show
        var rdp = techniques["T1021.001"];
        Assert.Equal(analysis.Incidents.Where(i => i.Techniques.Contains("T1021.001")).Max(i => i.RiskScore), rdp.GetProperty("score").GetInt32());
        Assert.Contains("8 alert(s)", rdp.GetProperty("comment").GetString());
        var smb = techniques["T1021.002"];
        Assert.True(smb.GetProperty("score").GetInt32() < rdp.GetProperty("score").GetInt32());
    }

    [Fact]
    public void HtmlReportDrawsTheChainInOrderAndShowsVerdicts()
    {
        WriteChainAndFanOut();
        var html = File.ReadAllText(Path.Combine(_dir, "report.html"));
        var positions = Scenario.ChainHosts.Select(h => html.IndexOf($"data-host=\"{h}\"", StringComparison.Ordinal)).ToList();
        Assert.All(positions, p => Assert.True(p > 0));
        Assert.Equal(positions.OrderBy(p => p), positions);
        Assert.Contains("Verdict: ESCALATE", html);
        Assert.Contains("Verdict: LIKELY BENIGN", html);
        Assert.Contains("ESC-CRED", html);
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org/2000/svg", ""));
        Assert.DoesNotContain("https://", html);
    }

    [Fact]
    public void ConsoleSummaryListsIncidentsByRiskAndJsonParses()
    {
        var s = Scenario.RdpChain();
        var analysis = s.Analyse();
        var text = new StringWriter();
        ConsoleSummary.Write(text, s.Hunt(), analysis, json: false);
        var t = text.ToString();
        Assert.Contains("ESCALATE", t);
        Assert.Contains("da_svc_backup", t);
        Assert.DoesNotContain("\u001b[", t);

        var json = new StringWriter();
        ConsoleSummary.Write(json, s.Hunt(), analysis, json: true);
        using var doc = JsonDocument.Parse(json.ToString());
        Assert.Equal(1, doc.RootElement.GetProperty("verdicts").GetProperty("escalate").GetInt32());
        Assert.Equal("ESCALATE", doc.RootElement.GetProperty("incidents")[0].GetProperty("verdict").GetString());
    }

    [Fact]
    public void ConsoleSummaryNeitherRunsMarkupNorTerminalEscapesFromLogs()
    {
        var s = Scenario.RdpChain();
        foreach (var a in s.Alerts) a.Title = "[red]owned[/] \u001b]0;pwned\u0007 \u202Egnp.exe";
        var text = new StringWriter();
        ConsoleSummary.Write(text, s.Hunt(), s.Analyse(), json: false);
        var t = text.ToString();
        Assert.Contains("[red]owned[/]", t); // shown literally, not interpreted as Spectre markup
        Assert.DoesNotContain("\u001b", t);
        Assert.DoesNotContain("\u0007", t);
        Assert.DoesNotContain("\u202E", t);
    }
}

/// <summary>RFC 4180 reader for the tests (quoted cells, doubled quotes, newlines in quotes).</summary>
internal static class CsvReader
{
    public static List<List<string>> Read(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\n') { row.Add(cell.ToString()); cell.Clear(); rows.Add(row); row = new List<string>(); }
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add(row); }
        return rows;
    }
}
