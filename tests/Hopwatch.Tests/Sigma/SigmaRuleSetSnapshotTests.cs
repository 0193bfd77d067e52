using Hopwatch.Events;
using Hopwatch.Sigma;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>
/// A rule set made from its snapshot (<see cref="SigmaRuleSetSnapshot"/>) must be the set a load makes — the same rules,
/// field numbers, variants, prefilter and alerts — and a snapshot must never outlive what it stands for: a rule file
/// changed, added or removed, another placeholder or pipeline file, other rule paths, or a damaged snapshot file all
/// give what a load without any cache gives.
/// </summary>
public class SigmaRuleSetSnapshotTests
{
    private static List<string> Keys(IEnumerable<Alert> alerts) =>
        alerts.Select(a => a.RuleId + " " + a.Title + " " + a.Severity + " " + string.Join(",", a.Evidence.Select(x => x.File + "#" + x.RecordId))).ToList();

    private static List<string> Scan(SigmaRuleSet set, IReadOnlyList<LogEvent> events, int threads = 1)
    {
        var alerts = new List<Alert>();
        var d = new SigmaDetector(set);
        if (threads > 1) d.Prematch(events, threads);
        foreach (var e in events) d.Process(e, alerts.Add);
        d.Complete(alerts.Add);
        return Keys(alerts);
    }

    /// <summary>Everything of a set the matcher and the reports read, as text.</summary>
    private static string Describe(SigmaRuleSet set)
    {
        var lines = new List<string> { $"files {set.FileCount}, cached {set.CachedFileCount}" };
        lines.AddRange(set.Rules.Select(r =>
            $"{r.File}:{r.Line} {r.Id} {r.Title} {r.Name} {r.Status} {r.Level} {r.Description} [{string.Join(",", r.Tags)}] {r.LogSource} " +
            $"{r.Detection!.ConditionText} {r.Detection.Searches.Count} maps: {string.Join(" ", set.MappingsOf(r))}"));
        lines.AddRange(set.Errors.Select(e => e.ToString()));
        lines.AddRange(set.Skipped.Select(s => s.ToString()));
        lines.Add(string.Join("|", set.FieldTable.Names));
        lines.AddRange(set.Variants.Select(v =>
            $"{v.Ordinal} {v.RuleIndex} {v.Mapping} [{string.Join(",", v.EventIds)}] " +
            (v.RequiredLiterals is null ? "-" : string.Join(",", v.RequiredLiterals.Select(a => $"{a.FieldId}:{a.Text}:{a.NonAscii}")))));
        lines.Add(string.Join(",", set.Prefilter.LiteralStarts));
        lines.Add(string.Join(",", set.Prefilter.LiteralOrdinals));
        lines.AddRange(set.Index.Buckets.Select(b => string.Join(",", b.Variants.Select(v => v.Ordinal)) + " / " + string.Join(",", b.ScanFields)));
        lines.AddRange(set.Index.Channels.Order(StringComparer.Ordinal));
        return string.Join("\n", lines);
    }

    private static string SnapshotFile(string cacheDir) => Assert.Single(Directory.GetFiles(cacheDir, "sigma-snapshot-*.bin"));

    [Fact]
    public void TheWindowsRulesFromTheSnapshotAreTheLoadedRulesAndFindTheSameAlerts()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        try
        {
            var rules = new[] { Path.Combine(SharedData.Sigma, "rules", "windows") };
            var loaded = SigmaRuleSet.Load(rules);
            var cold = SigmaRuleSet.Load(rules, new SigmaOptions { RuleCacheDirectory = cacheDir });
            Assert.False(cold.FromSnapshotFile);
            SnapshotFile(cacheDir);
            var warm = SigmaRuleSet.Load(rules, new SigmaOptions { RuleCacheDirectory = cacheDir });
            var warmToo = SigmaRuleSet.Load(rules, new SigmaOptions { RuleCacheDirectory = cacheDir });
            var facts = SigmaRuleSet.Load(rules, new SigmaOptions { RuleCacheDirectory = cacheDir, RuleSetSnapshot = false });
            Assert.True(warm.FromSnapshotFile);
            Assert.True(warm.Rules.Count > 2000, $"{warm.Rules.Count} rules");
            Assert.All(warm.Variants, v => Assert.False(v.IsBuilt)); // every test is compiled on first use

            // Rule files listed under the path as given (it names them in alerts), counts as a warm load of the parse cache gives.
            string expected = Describe(facts);
            Assert.Equal(expected, Describe(warm));
            Assert.Equal(Describe(loaded).Replace("cached 0", $"cached {facts.CachedFileCount}"), expected);

            var events = SigmaPrefilterTests.SharedEvents.Value;
            var alerts = Scan(loaded, events);
            Assert.True(alerts.Count > 300, $"only {alerts.Count} alerts: the comparison would prove little");
            Assert.Equal(alerts, Scan(warm, events));
            // Tests built on first use by two threads at once (matching ahead), still the same.
            var ordered = events.OrderBy(e => e.Time).ToList();
            Assert.Equal(Scan(loaded, ordered), Scan(warmToo, ordered, threads: 2));
        }
        finally { Directory.Delete(cacheDir, true); }
    }

    /// <summary>Loads the rule folder three ways: with the cache (and snapshot), without any cache; both must find the same.</summary>
    private static SigmaRuleSet LoadAndCompare(string ruleDir, string cacheDir, IReadOnlyList<LogEvent> events, bool expectSnapshot,
        string? placeholders = null, string? pipeline = null, int? expectedAlerts = null)
    {
        var cached = SigmaRuleSet.Load([ruleDir], new SigmaOptions { RuleCacheDirectory = cacheDir, PlaceholderConfigPath = placeholders, PipelinePath = pipeline });
        var plain = SigmaRuleSet.Load([ruleDir], new SigmaOptions { PlaceholderConfigPath = placeholders, PipelinePath = pipeline });
        Assert.Equal(expectSnapshot, cached.FromSnapshotFile);
        var expected = Keys(Run(plain, events));
        Assert.Equal(expected, Keys(Run(cached, events)));
        if (expectedAlerts is { } n) Assert.Equal(n, expected.Count);
        Assert.Equal(plain.Rules.Select(r => r.Id + r.Title), cached.Rules.Select(r => r.Id + r.Title));
        return cached;
    }

    private static void Touch(string file) => File.SetLastWriteTimeUtc(file, File.GetLastWriteTimeUtc(file).AddSeconds(2));

    [Fact]
    public void ARuleFileChangedAddedOrRemovedTakesEffect()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        var ruleDir = Directory.CreateTempSubdirectory("hopwatch-rules-").FullName;
        try
        {
            string a = Path.Combine(ruleDir, "a.yml"), b = Path.Combine(ruleDir, "sub", "b.yml");
            Directory.CreateDirectory(Path.GetDirectoryName(b)!);
            File.WriteAllText(a, ProcessRule("selection:\n    Image|endswith: '\\tool.exe'"));
            File.WriteAllText(b, ProcessRule("selection:\n    CommandLine|contains: 'lateral'", id: "22222222-2222-2222-2222-222222222222"));
            var events = new List<LogEvent>
            {
                Event(Sysmon, 1, ("Image", @"C:\x\tool.exe"), ("CommandLine", "tool lateral")),
                Event(Sysmon, 1, ("Image", @"C:\x\other.exe"), ("CommandLine", "other")),
                Event(Sysmon, 1, ("Image", @"C:\x\third.exe"), ("CommandLine", "third hop")),
            };
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 2);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 2);

            // Changed: another size (its time set back to what it was plus a second).
            var time = File.GetLastWriteTimeUtc(a);
            File.WriteAllText(a, ProcessRule("selection:\n    Image|endswith: 'x.exe'"));
            File.SetLastWriteTimeUtc(a, time.AddSeconds(1));
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 1);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 1);
            // Changed with its size kept (only the time tells).
            File.WriteAllText(a, ProcessRule("selection:\n    Image|endswith: 'r.exe'"));
            Touch(a);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 2);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 2);

            // Added, in a new folder.
            string c = Path.Combine(ruleDir, "more", "c.yaml");
            Directory.CreateDirectory(Path.GetDirectoryName(c)!);
            File.WriteAllText(c, ProcessRule("selection:\n    CommandLine|contains: 'hop'", id: "33333333-3333-3333-3333-333333333333"));
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 3);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 3);

            // Renamed (same content, size and time).
            File.Move(b, Path.Combine(ruleDir, "sub", "b2.yml"));
            var renamed = LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 3);
            Assert.Contains(renamed.Rules, r => r.File.EndsWith("b2.yml", StringComparison.Ordinal));

            // Removed.
            File.Delete(c);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 2);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 2);

            // A file that is not a rule file (another extension) changes nothing.
            File.WriteAllText(Path.Combine(ruleDir, "notes.txt"), "not a rule");
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 2);

            // A file with an error: never snapshotted, reported on every load.
            File.WriteAllText(Path.Combine(ruleDir, "bad.yml"), ProcessRule("selection:\n    CommandLine|re: 'a(b'", id: "44444444-4444-4444-4444-444444444444"));
            for (int i = 0; i < 2; i++)
            {
                Assert.Single(LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 2).Errors);
                Assert.Empty(Directory.GetFiles(cacheDir, "sigma-snapshot-*.bin")); // the stale one removed: later loads do not check it
            }
            // The error fixed: snapshotted again.
            File.Delete(Path.Combine(ruleDir, "bad.yml"));
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 2);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 2);
        }
        finally
        {
            Directory.Delete(cacheDir, true);
            Directory.Delete(ruleDir, true);
        }
    }

    private const string SecurityOnly = """
        logsources:
          - match: { product: windows, category: process_creation }
            channel: Security
            eventid: 4688
            fieldmap:
              Image: NewProcessName
        """;

    [Fact]
    public void APlaceholderOrPipelineChangeOrOtherRulePathsTakeEffect()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        var ruleDir = Directory.CreateTempSubdirectory("hopwatch-rules-").FullName;
        var otherDir = Directory.CreateTempSubdirectory("hopwatch-rules-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(ruleDir, "plain.yml"), ProcessRule("selection:\n    Image|endswith: '\\tool.exe'"));
            File.WriteAllText(Path.Combine(ruleDir, "expand.yml"),
                ProcessRule("selection:\n    User|expand: '%admins%'", id: "22222222-2222-2222-2222-222222222222"));
            File.WriteAllText(Path.Combine(otherDir, "other.yml"), ProcessRule("selection:\n    User: 'carol'", id: "33333333-3333-3333-3333-333333333333"));
            var placeholders = TempFile("placeholders:\n  admins: ['alice']\n");
            var events = new List<LogEvent>
            {
                Event(Sysmon, 1, ("Image", @"C:\x\tool.exe")),
                Event(Sysmon, 1, ("User", "alice")),
                Event(Sysmon, 1, ("User", "bob")),
                Event(Sysmon, 1, ("User", "carol")),
                Event("Security", 4688, ("NewProcessName", @"C:\x\tool.exe"), ("User", "bob")),
            };
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, placeholders, expectedAlerts: 3);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, placeholders, expectedAlerts: 3);

            // The placeholder file changes: the expand rule takes the new values.
            File.WriteAllText(placeholders, "placeholders:\n  admins: ['bob']\n");
            Touch(placeholders);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, placeholders, expectedAlerts: 4);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, placeholders, expectedAlerts: 4);
            // None at all: the expand rule is skipped.
            var none = LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 2);
            Assert.Single(none.Skipped);
            Assert.Single(LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 2).Skipped);

            // Another pipeline: Security 4688 instead of Sysmon; then it changes back to the built-in one.
            var pipeline = TempFile(SecurityOnly);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, placeholders, pipeline, expectedAlerts: 2);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, placeholders, pipeline, expectedAlerts: 2);
            File.WriteAllText(pipeline, SecurityOnly.Replace("NewProcessName", "ImagePath"));
            Touch(pipeline);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, placeholders, pipeline, expectedAlerts: 1);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, placeholders, expectedAlerts: 4);

            // Other rule paths: their own snapshot, the first one's untouched.
            var other = LoadAndCompare(otherDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 1);
            Assert.Equal("33333333-3333-3333-3333-333333333333", Assert.Single(other.Rules).Id);
            LoadAndCompare(otherDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 1);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, placeholders, expectedAlerts: 4);
            // Both together are another set again.
            var both = SigmaRuleSet.Load([ruleDir, otherDir], new SigmaOptions { RuleCacheDirectory = cacheDir, PlaceholderConfigPath = placeholders });
            Assert.False(both.FromSnapshotFile);
            Assert.Equal(5, Run(both, events).Count);
            Assert.Equal(3, Directory.GetFiles(cacheDir, "sigma-snapshot-*.bin").Length);
        }
        finally
        {
            Directory.Delete(cacheDir, true);
            Directory.Delete(ruleDir, true);
            Directory.Delete(otherDir, true);
        }
    }

    [Fact]
    public void ADamagedOrCutOffSnapshotIsIgnoredAndReplaced()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        try
        {
            var rules = Path.Combine(SharedData.Sigma, "rules", "windows", "builtin", "security");
            var events = SigmaPrefilterTests.SharedEvents.Value;
            LoadAndCompare(rules, cacheDir, events, expectSnapshot: false);
            LoadAndCompare(rules, cacheDir, events, expectSnapshot: true);
            var file = SnapshotFile(cacheDir);
            var good = File.ReadAllBytes(file);
            var random = new Random(7);
            var damages = new List<byte[]>
            {
                good[..(good.Length / 2)], good[..(good.Length - 1)], good[..40], Array.Empty<byte>(), good.Concat(new byte[] { 0 }).ToArray(),
                random.GetItems<byte>(Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(), good.Length),
            };
            foreach (int at in new[] { 3, 30, 60, good.Length / 3, good.Length / 2, good.Length - 9 })
            {
                var flipped = (byte[])good.Clone();
                flipped[at] ^= 0x10;
                damages.Add(flipped);
            }
            foreach (var damaged in damages)
            {
                File.WriteAllBytes(file, damaged);
                LoadAndCompare(rules, cacheDir, events, expectSnapshot: false);
                // ... and replaced by a good one.
                Assert.Equal(good, File.ReadAllBytes(file));
            }
            // A snapshot file that cannot be read is no error either.
            File.Delete(file);
            Directory.CreateDirectory(file);
            LoadAndCompare(rules, cacheDir, events, expectSnapshot: false);
        }
        finally { Directory.Delete(cacheDir, true); }
    }

    [Fact]
    public void TheDigestCountsWhatDirectoryEnumerationListsAndFollowsLinks()
    {
        var windows = Path.Combine(SharedData.Sigma, "rules", "windows");
        int listed = Directory.EnumerateFiles(windows, "*", SearchOption.AllDirectories)
            .Count(f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase));
        var digest = SigmaRuleFileSetDigest.Of([windows]);
        Assert.Equal(listed, digest!.Value.Count);

        // A rule file reached through a symbolic link: a change of the file linked to takes effect.
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        var ruleDir = Directory.CreateTempSubdirectory("hopwatch-rules-").FullName;
        var targetDir = Directory.CreateTempSubdirectory("hopwatch-target-").FullName;
        try
        {
            string target = Path.Combine(targetDir, "t.yml");
            File.WriteAllText(target, ProcessRule("selection:\n    Image|endswith: '\\tool.exe'"));
            File.CreateSymbolicLink(Path.Combine(ruleDir, "linked.yml"), target);
            Assert.Equal(1, SigmaRuleFileSetDigest.Of([ruleDir])!.Value.Count);
            var events = new List<LogEvent> { Event(Sysmon, 1, ("Image", @"C:\x\tool.exe")), Event(Sysmon, 1, ("Image", @"C:\x\other.exe")) };
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 1);
            LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: true, expectedAlerts: 1);
            File.WriteAllText(target, ProcessRule("selection:\n    Image|endswith: '\\other.exe'"));
            Touch(target);
            var changed = LoadAndCompare(ruleDir, cacheDir, events, expectSnapshot: false, expectedAlerts: 1);
            Assert.Equal(events[1].RecordId, Run(changed, events).Single().Evidence[0].RecordId);
        }
        finally
        {
            Directory.Delete(cacheDir, true);
            Directory.Delete(ruleDir, true);
            Directory.Delete(targetDir, true);
        }
    }
}
