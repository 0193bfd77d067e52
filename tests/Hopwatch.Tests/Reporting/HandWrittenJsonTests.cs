using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Reporting;
using Hopwatch.Scoring;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Reporting;

/// <summary>
/// alerts.jsonl, suppressed.jsonl and incidents.jsonl are written by hand (no reflection serialiser at
/// run time); their bytes must stay those of <see cref="JsonSerializer"/> with the contract's options.
/// Checked on real hunts — every shared EVTX sample with analytics and SigmaHQ rules, and the demo
/// evidence with its asset inventory (allowlisted alerts) — so a property added to Alert or Incident
/// without being added to the writers fails here.
/// </summary>
public sealed class HandWrittenJsonTests
{
    private static readonly string SigmaWindows = Path.Combine(SharedData.Sigma, "rules", "windows");

    private static HuntResult Hunt(HuntOptions options)
    {
        var result = HuntRunner.Run(options);
        result.Analysis ??= IncidentAnalysis.Run(result.Alerts, new TriageBaseline(), new ScoringOptions());
        return result;
    }

    private static string Reflection(object value) => JsonSerializer.Serialize(value, value.GetType(), AlertJsonWriter.Options);

    private static string HandAlert(Alert a, string? reason = null)
    {
        var sw = new StringWriter();
        using (var w = new AlertJsonWriter(sw)) w.Write(a, reason);
        return sw.ToString();
    }

    private static string HandIncident(Incident inc)
    {
        var sw = new StringWriter();
        IncidentJsonWriter.Write(sw, [inc]);
        return sw.ToString();
    }

    private static void AssertSameAsSerializer(HuntResult result, int minAlerts, int minIncidents)
    {
        Assert.True(result.Alerts.Count >= minAlerts, $"expected at least {minAlerts} alerts, got {result.Alerts.Count}");
        Assert.True(result.Analysis!.Incidents.Count >= minIncidents, $"expected at least {minIncidents} incidents, got {result.Analysis.Incidents.Count}");
        foreach (var a in result.Alerts) Assert.Equal(Reflection(a) + "\n", HandAlert(a));
        foreach (var inc in result.Analysis.Incidents) Assert.Equal(Reflection(inc) + "\n", HandIncident(inc));
        foreach (var (a, reason) in result.Suppressed)
        {
            // What suppressed.jsonl held before: the alert's object with the reason appended.
            var node = JsonSerializer.SerializeToNode(a, AlertJsonWriter.Options)!.AsObject();
            node["suppressed_reason"] = reason;
            Assert.Equal(node.ToJsonString(AlertJsonWriter.Options) + "\n", HandAlert(a, reason));
        }
    }

    [Fact]
    public void Every_shared_evtx_sample_with_analytics_and_sigma_gives_the_serializers_bytes()
    {
        var result = Hunt(new HuntOptions
        {
            Inputs = [SharedData.Evtx],
            SigmaDirs = [Path.Combine(SigmaWindows, "builtin"), Path.Combine(SigmaWindows, "process_creation")],
            Threads = 2,
        });
        // Analytics alerts carry details of many shapes (lists, nested maps, numbers, times).
        Assert.Contains(result.Alerts, a => a.Analytic != "sigma" && a.Details is { Count: > 0 });
        AssertSameAsSerializer(result, minAlerts: 100, minIncidents: 10);
    }

    [Fact]
    public void The_demo_hunt_with_its_allowlisted_alerts_gives_the_serializers_bytes()
    {
        var demo = Path.Combine(SharedData.RepoRoot, "samples", "demo");
        var result = Hunt(new HuntOptions { Inputs = [demo], AssetsPath = Path.Combine(demo, "assets.csv") });
        Assert.NotEmpty(result.Suppressed);
        AssertSameAsSerializer(result, minAlerts: 20, minIncidents: 3);
    }

    [Fact]
    public void Unusual_values_are_written_as_the_serializer_writes_them()
    {
        var alert = new Alert
        {
            Id = "a\"b\\c\u2028<>&'",
            Analytic = "x",
            RuleId = null!,
            Title = "t\u00e9\ud83d\ude00\n",
            Severity = (Severity)7, // outside the enum: written as its number
            Techniques = ["T1021"],
            TimeFirst = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Unspecified).AddTicks(1234567),
            TimeLast = DateTime.MaxValue,
            Entities = { Users = ["u"], SourceIps = ["::1"] },
            Evidence = { new AlertEvidence { File = "f", RecordId = long.MaxValue, Time = DateTime.MinValue, Host = "h", Channel = "c", EventId = -1 } },
            Description = "",
            Details = new Dictionary<string, object?>
            {
                ["null"] = null,
                ["text"] = "<b>",
                ["flag"] = false,
                ["int"] = int.MinValue,
                ["long"] = 1L << 40,
                ["double"] = 0.1 + 0.2,
                ["float"] = 1.5f,
                ["decimal"] = 1.10m,
                ["enum"] = VerdictKind.Escalate,
                ["time"] = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc),
                ["strings"] = new List<string> { "a", "é" },
                ["array"] = new[] { "x" },
                ["ints"] = new List<int> { 1, 2 },
                ["doubles"] = new List<double> { 1.0, 2.5 },
                ["hashset"] = new HashSet<string> { "s" },
                ["nested"] = new Dictionary<string, object?> { ["k"] = new List<object?> { 1, "two", null } },
                ["maps"] = new List<Dictionary<string, object?>> { new() { ["from"] = "a", ["at"] = DateTime.UnixEpoch } },
                ["counts"] = new Dictionary<string, int> { ["x"] = 3 },
                ["pair"] = ("a", 1),
                ["key with \"quote\""] = 1,
            },
        };
        Assert.Equal(Reflection(alert) + "\n", HandAlert(alert));
        Assert.Equal(Reflection(alert) + "\n", HandAlert(alert, null));
        alert.Details = null;
        Assert.Equal(Reflection(alert) + "\n", HandAlert(alert));

        var inc = new Incident { Id = "i", Title = "<t>", Severity = Severity.Critical, Verdict = new Verdict { Kind = (VerdictKind)9 } };
        inc.Timeline.Add(new TimelineEntry { Time = DateTime.UnixEpoch, Severity = null, RecordId = null });
        inc.Timeline.Add(new TimelineEntry { Time = DateTime.UnixEpoch, RecordId = 5, File = "f" });
        inc.Graph.Nodes.Add(new HopNode { Id = "n", Role = null });
        inc.RiskContributions.Add(new RiskContribution("f", "r", 3, 2));
        Assert.Equal(Reflection(inc) + "\n", HandIncident(inc));
    }

    [Fact]
    public void The_file_writer_gives_the_same_bytes_as_the_text_writer()
    {
        var dir = Directory.CreateTempSubdirectory("hopwatch-json-");
        try
        {
            var alert = new Alert { Id = "x", Title = "é<", TimeFirst = DateTime.UnixEpoch, TimeLast = DateTime.UnixEpoch };
            var path = Path.Combine(dir.FullName, "a.jsonl");
            using (var w = AlertJsonWriter.Create(path)) { w.Write(alert); w.Write(alert, "why"); }
            Assert.Equal(HandAlert(alert) + HandAlert(alert, "why"), File.ReadAllText(path));
            Assert.False(File.ReadAllBytes(path).AsSpan().StartsWith(new byte[] { 0xEF, 0xBB, 0xBF }), "no byte-order mark");
        }
        finally { dir.Delete(true); }
    }
}
