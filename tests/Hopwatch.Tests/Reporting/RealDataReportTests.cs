using System.Text.Json;
using Hopwatch.Pipeline;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Reporting;

/// <summary>
/// The whole report set on a real hunt: the Lateral Movement attack samples with the SigmaHQ
/// built-in Windows (Security/System) and process-creation rules.
/// </summary>
public sealed class RealDataReportTests : IDisposable
{
    private static readonly string LateralMovement = Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement");
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hopwatch-real-" + Guid.NewGuid().ToString("n"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    [Fact]
    public void RealHuntGivesValidIncidentsWithConcreteContainmentAndARenderableReport()
    {
        var rules = Path.Combine(SharedData.Sigma, "rules", "windows");
        var result = HuntRunner.Run(new HuntOptions
        {
            Inputs = [LateralMovement],
            OutDir = _dir,
            SigmaDirs = [Path.Combine(rules, "builtin"), Path.Combine(rules, "process_creation")],
        });
        Assert.True(result.Alerts.Count >= 20, $"expected the attack samples to raise alerts, got {result.Alerts.Count}");

        var schema = MiniJsonSchema.Load(Path.Combine(SharedData.RepoRoot, "docs", "incident.schema.json"));
        var lines = File.ReadAllLines(Path.Combine(_dir, "incidents.jsonl"));
        Assert.NotEmpty(lines);
        var alertIds = result.Alerts.Select(a => a.Id).ToHashSet();
        var seen = new HashSet<string>();
        int previousRisk = int.MaxValue, timelineEntries = 0;
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var inc = doc.RootElement;
            Assert.Empty(schema.Validate(inc));
            int risk = inc.GetProperty("risk_score").GetInt32();
            Assert.True(risk <= previousRisk, "incidents must come highest risk first");
            previousRisk = risk;
            timelineEntries += inc.GetProperty("timeline").GetArrayLength();

            // Every alert lands in exactly one incident.
            foreach (var id in inc.GetProperty("alert_ids").EnumerateArray().Select(x => x.GetString()!))
            {
                Assert.Contains(id, alertIds);
                Assert.True(seen.Add(id), $"alert {id} is in two incidents");
            }

            // Containment names the incident's own accounts and hosts, never invented ones.
            var entities = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var k in new[] { "users", "source_hosts", "source_ips", "target_hosts" })
                foreach (var v in inc.GetProperty(k).EnumerateArray()) entities.Add(v.GetString()!);
            foreach (var n in inc.GetProperty("graph").GetProperty("nodes").EnumerateArray()) entities.Add(n.GetProperty("id").GetString()!);
            foreach (var step in inc.GetProperty("verdict").GetProperty("containment").EnumerateArray())
                foreach (var target in step.GetProperty("targets").EnumerateArray().Select(x => x.GetString()!))
                {
                    var bare = target.Contains('\\') ? target[(target.LastIndexOf('\\') + 1)..] : target;
                    Assert.Contains(bare, entities);
                }
        }
        Assert.Equal(alertIds.Count, seen.Count);

        var rows = CsvReader.Read(File.ReadAllText(Path.Combine(_dir, "timeline.csv")));
        Assert.Equal(timelineEntries + 1, rows.Count);

        using var layer = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "attack-layer.json")));
        var techniques = layer.RootElement.GetProperty("techniques").EnumerateArray().Select(t => t.GetProperty("techniqueID").GetString()).ToList();
        Assert.Contains("T1021", techniques);

        var page = HeadlessChromium.DumpDom(Path.Combine(_dir, "report.html"));
        Assert.Empty(page.ConsoleMessages);
        Assert.Contains("data-report-ready=\"1\"", System.Text.RegularExpressions.Regex.Match(page.Dom, "<html[^>]*>").Value);
    }
}
