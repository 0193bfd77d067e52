using System.Text.Json;
using System.Text.RegularExpressions;
using Hopwatch.Pipeline;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Pipeline;

/// <summary>
/// The alerts.jsonl contract other tools rely on (DEVELOPERS.md, docs/alert-schema.md), checked on
/// a real hunt: the Lateral Movement attack samples with the SigmaHQ Windows rules.
/// </summary>
public sealed class HuntContractTests
{
    private static readonly string LateralMovement = Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement");
    private static readonly string SigmaWindows = Path.Combine(SharedData.Sigma, "rules", "windows");

    private static string Hunt(string outDir)
    {
        HuntRunner.Run(new HuntOptions { Inputs = [LateralMovement], OutDir = outDir, SigmaDirs = [SigmaWindows] });
        return Path.Combine(outDir, "alerts.jsonl");
    }

    [Fact]
    public void Every_alert_line_carries_the_contract_fields_with_their_meaning()
    {
        var dir = Directory.CreateTempSubdirectory("hopwatch-hunt-");
        try
        {
            var lines = File.ReadAllLines(Hunt(dir.FullName));
            Assert.True(lines.Length >= 20, $"expected the attack samples to raise alerts, got {lines.Length}");
            var severities = new HashSet<string> { "informational", "low", "medium", "high", "critical" };
            var iso = new Regex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$");
            var technique = new Regex(@"^T\d{4}(\.\d{3})?$");
            var evtxFiles = Directory.GetFiles(LateralMovement, "*.evtx").Select(Path.GetFullPath).ToHashSet();
            var ids = new HashSet<string>();
            foreach (var line in lines)
            {
                using var doc = JsonDocument.Parse(line);
                var a = doc.RootElement;
                Assert.True(ids.Add(a.GetProperty("id").GetString()!), "duplicate alert id");
                Assert.False(string.IsNullOrEmpty(a.GetProperty("analytic").GetString()));
                Assert.False(string.IsNullOrEmpty(a.GetProperty("rule_id").GetString()));
                Assert.False(string.IsNullOrEmpty(a.GetProperty("title").GetString()));
                Assert.Contains(a.GetProperty("severity").GetString()!, severities);
                foreach (var t in a.GetProperty("techniques").EnumerateArray()) Assert.Matches(technique, t.GetString()!);
                var first = a.GetProperty("time_first").GetString()!;
                var last = a.GetProperty("time_last").GetString()!;
                Assert.Matches(iso, first);
                Assert.Matches(iso, last);
                Assert.True(string.CompareOrdinal(first, last) <= 0, "time_first after time_last");
                var ent = a.GetProperty("entities");
                foreach (var k in new[] { "users", "source_hosts", "source_ips", "target_hosts" })
                    Assert.Equal(JsonValueKind.Array, ent.GetProperty(k).ValueKind);
                var evidence = a.GetProperty("evidence");
                Assert.True(evidence.GetArrayLength() > 0, "alert without evidence");
                foreach (var ev in evidence.EnumerateArray())
                {
                    Assert.Contains(Path.GetFullPath(ev.GetProperty("file").GetString()!), evtxFiles);
                    Assert.True(ev.GetProperty("record_id").GetInt64() > 0);
                    var t = ev.GetProperty("time").GetString()!;
                    Assert.Matches(iso, t);
                    Assert.True(string.CompareOrdinal(first, t) <= 0 && string.CompareOrdinal(t, last) <= 0, "evidence outside the alert's time span");
                    Assert.False(string.IsNullOrEmpty(ev.GetProperty("channel").GetString()));
                    Assert.True(ev.GetProperty("event_id").GetInt32() > 0);
                }
                Assert.False(string.IsNullOrWhiteSpace(a.GetProperty("description").GetString()));
            }
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Two_runs_over_the_same_evidence_write_identical_alerts()
    {
        var a = Directory.CreateTempSubdirectory("hopwatch-hunt-a-");
        var b = Directory.CreateTempSubdirectory("hopwatch-hunt-b-");
        try
        {
            Assert.Equal(File.ReadAllText(Hunt(a.FullName)), File.ReadAllText(Hunt(b.FullName)));
        }
        finally { a.Delete(true); b.Delete(true); }
    }

    [Fact]
    public void Output_files_are_the_same_bytes_written_on_one_thread_or_two()
    {
        // With two threads alerts.jsonl is written while scoring runs and the report files side by side.
        var one = Directory.CreateTempSubdirectory("hopwatch-hunt-1-");
        var two = Directory.CreateTempSubdirectory("hopwatch-hunt-2-");
        try
        {
            HuntRunner.Run(new HuntOptions { Inputs = [LateralMovement], OutDir = one.FullName, SigmaDirs = [SigmaWindows], Threads = 1 });
            HuntRunner.Run(new HuntOptions { Inputs = [LateralMovement], OutDir = two.FullName, SigmaDirs = [SigmaWindows], Threads = 2 });
            foreach (var name in new[] { "alerts.jsonl", "suppressed.jsonl", "incidents.jsonl", "timeline.csv", "attack-layer.json" })
                Assert.Equal(File.ReadAllBytes(Path.Combine(one.FullName, name)), File.ReadAllBytes(Path.Combine(two.FullName, name)));
            Assert.True(new FileInfo(Path.Combine(one.FullName, "incidents.jsonl")).Length > 0);
            // report.html says when it was made and how long the hunt took: every other line must match.
            static string[] Html(DirectoryInfo d) => File.ReadAllLines(Path.Combine(d.FullName, "report.html"))
                .Where(l => !Regex.IsMatch(l, @"\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ by Hopwatch|elapsed|[0-9.]+ s\b")).ToArray();
            Assert.Equal(Html(one), Html(two));
        }
        finally
        {
            one.Delete(true);
            two.Delete(true);
        }
    }
}

/// <summary>The bounded-memory (streamed, merged per file) hunt finds what the exact in-memory sort finds.</summary>
public sealed class HuntOrderingTests
{
    [Fact]
    public void Streamed_merge_of_files_gives_the_same_alerts_as_the_exact_sort()
    {
        var inputs = new[] { Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement"), Path.Combine(SharedData.RepoRoot, "samples", "demo") };
        var exact = HuntRunner.Run(new HuntOptions { Inputs = inputs, AssetsPath = Path.Combine(SharedData.RepoRoot, "samples", "demo", "assets.csv") });
        var streamed = HuntRunner.Run(new HuntOptions { Inputs = inputs, AssetsPath = Path.Combine(SharedData.RepoRoot, "samples", "demo", "assets.csv"), ExactOrderMaxBytes = 0 });
        Assert.True(exact.Alerts.Count > 20);
        Assert.Equal(exact.EventCount, streamed.EventCount);
        Assert.Equal(exact.Alerts.Select(a => a.Id).Order(), streamed.Alerts.Select(a => a.Id).Order());
    }
}

/// <summary>`hunt --sigma-filter`: a Sigma meta-filter removes the events its condition selects, for the rules it names.</summary>
public sealed class HuntSigmaFilterTests
{
    [Fact]
    public void A_meta_filter_drops_the_named_rules_alerts_on_the_filtered_host_only()
    {
        const string ruleId = "d21374ff-f574-44a7-9998-4a8c8bf33d7d";
        var dir = Directory.CreateTempSubdirectory("hopwatch-filter-");
        try
        {
            var filter = Path.Combine(dir.FullName, "lab.yml");
            File.WriteAllText(filter, $"""
                title: MSEDGEWIN10 is a lab machine
                id: 6f0c8f0e-4a3b-4a33-9a52-0a9a0c2c9f11
                logsource:
                  product: windows
                filter:
                  rules:
                    - {ruleId}
                  selection:
                    Computer: MSEDGEWIN10
                  condition: selection
                """);
            var inputs = new[] { Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement") };
            var rules = new[] { Path.Combine(SharedData.Sigma, "rules", "windows") };
            var plain = HuntRunner.Run(new HuntOptions { Inputs = inputs, SigmaDirs = rules, Analytics = false });
            var filtered = HuntRunner.Run(new HuntOptions { Inputs = inputs, SigmaDirs = rules, Analytics = false, SigmaFilterPaths = [filter] });

            var before = plain.Alerts.Where(a => a.RuleId == ruleId).ToList();
            var after = filtered.Alerts.Where(a => a.RuleId == ruleId).ToList();
            Assert.Contains(before, a => a.Evidence.Any(e => e.Host == "MSEDGEWIN10"));
            Assert.Contains(before, a => a.Evidence.All(e => e.Host != "MSEDGEWIN10"));
            Assert.DoesNotContain(after, a => a.Evidence.Any(e => e.Host == "MSEDGEWIN10"));
            Assert.Equal(before.Count(a => a.Evidence.All(e => e.Host != "MSEDGEWIN10")), after.Count);
            // Other rules are untouched.
            Assert.Equal(plain.Alerts.Count(a => a.RuleId != ruleId), filtered.Alerts.Count(a => a.RuleId != ruleId));
        }
        finally { dir.Delete(true); }
    }
}
