using Hopwatch.Events;
using Hopwatch.Sigma;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>
/// Rules loaded with compile facts from the parsed-rule cache are indexed without compiling them and compiled on
/// first use: they must find exactly what rules compiled at load find, and facts must never outlive what they
/// depend on (the rule file, the log-source pipeline, meta-filters, placeholders). Without the rule-set snapshot, which
/// would serve the unchanged loads here (<see cref="SigmaRuleSetSnapshotTests"/>).
/// </summary>
public class SigmaCompileFactsTests
{
    private static List<string> Keys(IEnumerable<Alert> alerts) =>
        alerts.Select(a => a.RuleId + " " + string.Join(",", a.Evidence.Select(x => x.File + "#" + x.RecordId))).ToList();

    private static (List<string> Alerts, long Evaluations) Scan(SigmaRuleSet set, IReadOnlyList<LogEvent> events, int threads = 1)
    {
        var alerts = new List<Alert>();
        var d = new SigmaDetector(set);
        if (threads > 1) d.Prematch(events, threads);
        foreach (var e in events) d.Process(e, alerts.Add);
        d.Complete(alerts.Add);
        return (Keys(alerts), d.Evaluations);
    }

    private static string Fields(SigmaRuleSet set) =>
        string.Join("|", Enumerable.Range(0, set.FieldTable.Count).Select(set.FieldTable.NameOf));

    private static string Literals(SigmaRuleSet set) =>
        string.Join("\n", set.Variants.Select(v => v.RequiredLiterals is null ? "-"
            : string.Join(",", v.RequiredLiterals.Select(a => $"{a.FieldId}:{a.Text}:{a.NonAscii}"))));

    [Fact]
    public void AllSharedRulesFromCachedFactsFindExactlyWhatRulesCompiledAtLoadFind()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        try
        {
            var rules = new[] { Path.Combine(SharedData.Sigma, "rules") };
            var compiled = SigmaRuleSet.Load(rules);
            var cold = SigmaRuleSet.Load(rules, new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir });
            var warm = SigmaRuleSet.Load(rules, new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir });
            var warmToo = SigmaRuleSet.Load(rules, new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir });

            // Without facts every test is compiled at load; with them (almost) none is.
            Assert.All(compiled.Variants, v => Assert.True(v.IsBuilt));
            Assert.All(cold.Variants, v => Assert.True(v.IsBuilt));
            int lazy = warm.Variants.Count(v => !v.IsBuilt);
            Assert.True(lazy > 3000 && lazy > warm.Variants.Count * 9 / 10, $"{lazy} of {warm.Variants.Count} variants left to first use");

            // The same rules, errors, skips, field numbering and prefilter texts.
            Assert.Equal(compiled.Rules.Select(r => r.Id), warm.Rules.Select(r => r.Id));
            Assert.Equal(compiled.Errors.Select(e => e.ToString()), warm.Errors.Select(e => e.ToString()));
            Assert.Equal(compiled.Skipped.Select(e => e.ToString()), warm.Skipped.Select(e => e.ToString()));
            Assert.Equal(Fields(compiled), Fields(warm));
            Assert.Equal(Literals(compiled), Literals(warm));
            Assert.Equal(compiled.Variants.Select(v => string.Join(",", v.EventIds)), warm.Variants.Select(v => string.Join(",", v.EventIds)));

            var events = SigmaPrefilterTests.SharedEvents.Value;
            var (expected, expectedTests) = Scan(compiled, events);
            Assert.True(expected.Count > 1000, $"only {expected.Count} alerts: the comparison would prove little");
            var (fromFacts, factsTests) = Scan(warm, events);
            Assert.Equal(expected, fromFacts);
            Assert.Equal(expectedTests, factsTests);
            // Built on first use by two threads at once (matching ahead), still the same.
            var ordered = events.OrderBy(e => e.Time).ToList();
            Assert.Equal(Scan(compiled, ordered).Alerts, Scan(warmToo, ordered, threads: 2).Alerts);
        }
        finally { Directory.Delete(cacheDir, true); }
    }

    private const string SysmonOnly = """
        logsources:
          - match: { product: windows, category: process_creation }
            channel: Microsoft-Windows-Sysmon/Operational
            eventid: 1
        """;

    private const string SecurityOnly = """
        logsources:
          - match: { product: windows, category: process_creation }
            channel: Security
            eventid: 4688
            fieldmap:
              Image: NewProcessName
        """;

    [Fact]
    public void FactsRecordedUnderAnotherPipelineAreNotUsed()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        var ruleDir = Directory.CreateTempSubdirectory("hopwatch-rules-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(ruleDir, "r.yml"), ProcessRule("selection:\n    Image|endswith: '\\tool.exe'"));
            var sysmonPipeline = TempFile(SysmonOnly);
            var securityPipeline = TempFile(SecurityOnly);
            var sysmonEvent = Event(Sysmon, 1, ("Image", @"C:\x\tool.exe"));
            var securityEvent = Event("Security", 4688, ("NewProcessName", @"C:\x\tool.exe"));

            SigmaRuleSet Load(string pipeline) =>
                SigmaRuleSet.Load([ruleDir], new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir, PipelinePath = pipeline });
            Load(sysmonPipeline);
            var sysmon = Load(sysmonPipeline);
            Assert.False(Assert.Single(sysmon.Variants).IsBuilt); // indexed from the facts
            Assert.Single(Run(sysmon, [sysmonEvent]));
            Assert.Empty(Run(sysmon, [securityEvent]));

            // Another pipeline: the rule is compiled again (its facts named Image, not NewProcessName).
            var security = Load(securityPipeline);
            Assert.True(Assert.Single(security.Variants).IsBuilt);
            Assert.Single(Run(security, [securityEvent]));
            Assert.Empty(Run(security, [sysmonEvent]));
            var securityAgain = Load(securityPipeline);
            Assert.False(Assert.Single(securityAgain.Variants).IsBuilt);
            Assert.Single(Run(securityAgain, [securityEvent]));
            Assert.Empty(Run(securityAgain, [sysmonEvent]));
        }
        finally
        {
            Directory.Delete(cacheDir, true);
            Directory.Delete(ruleDir, true);
        }
    }

    [Fact]
    public void AMetaFilterAddedLaterAndPlaceholdersAlwaysTakeEffect()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        var ruleDir = Directory.CreateTempSubdirectory("hopwatch-rules-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(ruleDir, "plain.yml"), ProcessRule("selection:\n    Image|endswith: '\\tool.exe'"));
            File.WriteAllText(Path.Combine(ruleDir, "expand.yml"),
                ProcessRule("selection:\n    User|expand: '%admins%'", id: "22222222-2222-2222-2222-222222222222"));
            var placeholders = TempFile("placeholders:\n  admins: ['alice']\n");
            var options = new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir, PlaceholderConfigPath = placeholders };
            SigmaRuleSet.Load([ruleDir], options);
            var warm = SigmaRuleSet.Load([ruleDir], options);
            Assert.Equal(2, warm.Rules.Count);
            Assert.Equal(2, warm.CachedFileCount);
            var tool = Event(Sysmon, 1, ("Image", @"C:\x\tool.exe"));
            Assert.Single(Run(warm, [tool]));

            // The placeholder file changes: the expand rule is compiled with the new values, not the old ones.
            File.WriteAllText(placeholders, "placeholders:\n  admins: ['bob']\n");
            var bob = SigmaRuleSet.Load([ruleDir], options);
            Assert.Single(Run(bob, [Event(Sysmon, 1, ("User", "bob"))]));
            Assert.Empty(Run(bob, [Event(Sysmon, 1, ("User", "alice"))]));

            // A meta-filter now names the plain rule: it applies although the rule's facts are in the cache.
            var filter = TempFile("""
                title: No tool on jump hosts
                logsource:
                    category: process_creation
                    product: windows
                filter:
                    rules:
                        - 11111111-1111-1111-1111-111111111111
                    selection:
                        Computer|startswith: 'ws01'
                    condition: selection
                """);
            var filtered = SigmaRuleSet.Load([ruleDir], new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir, PlaceholderConfigPath = placeholders, FilterPaths = [filter] });
            Assert.Empty(filtered.Errors);
            Assert.Empty(Run(filtered, [tool]));
            // ... and no longer once it is gone.
            Assert.Single(Run(SigmaRuleSet.Load([ruleDir], options), [tool]));
        }
        finally
        {
            Directory.Delete(cacheDir, true);
            Directory.Delete(ruleDir, true);
        }
    }

    [Fact]
    public void ARuleThatDoesNotCompileIsReportedOnEveryLoadAndRegexesOfCachedRulesStillMatch()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        var ruleDir = Directory.CreateTempSubdirectory("hopwatch-rules-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(ruleDir, "bad.yml"), ProcessRule("selection:\n    CommandLine|re: 'a(b'"));
            File.WriteAllText(Path.Combine(ruleDir, "good.yml"),
                ProcessRule("selection:\n    CommandLine|re: '^whoami\\s+/(priv|all)$'", id: "33333333-3333-3333-3333-333333333333"));
            var options = new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir };
            for (int i = 0; i < 3; i++)
            {
                var set = SigmaRuleSet.Load([ruleDir], options);
                Assert.Equal(2, set.FileCount);
                var error = Assert.Single(set.Errors);
                Assert.EndsWith("bad.yml", error.File);
                Assert.Contains("bad regular expression", error.Message);
                Assert.Equal(2, set.Variants.Count); // Sysmon 1 and Security 4688
                Assert.All(set.Variants.Select(v => v.IsBuilt), built => Assert.Equal(i == 0, built)); // from facts after the first load
                Assert.Single(Run(set, [Event(Sysmon, 1, ("CommandLine", "whoami /priv"))]));
                Assert.Empty(Run(set, [Event(Sysmon, 1, ("CommandLine", "whoami /groups"))]));
            }
        }
        finally
        {
            Directory.Delete(cacheDir, true);
            Directory.Delete(ruleDir, true);
        }
    }
}
