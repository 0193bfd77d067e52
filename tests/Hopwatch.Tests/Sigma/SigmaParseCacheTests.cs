using System.Collections;
using System.Reflection;
using System.Text;
using Hopwatch.Sigma;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

public class SigmaParseCacheTests
{
    /// <summary>Every public property, recursively, by runtime type: a property the cache forgot shows up as a difference.</summary>
    private static void Dump(object? o, StringBuilder sb, int depth = 0)
    {
        if (depth > 64) throw new InvalidOperationException("too deep");
        switch (o)
        {
            case null: sb.Append("null"); return;
            case string s: sb.Append('"').Append(s).Append('"'); return;
            case ValueType v when o.GetType().IsPrimitive || o is Enum or TimeSpan: sb.Append(v); return;
            case IEnumerable list:
                sb.Append('[');
                foreach (var item in list) { Dump(item, sb, depth + 1); sb.Append(','); }
                sb.Append(']');
                return;
        }
        var type = o.GetType();
        sb.Append(type.Name).Append('{');
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            if (p.GetIndexParameters().Length > 0 || p.Name == "EqualityContract") continue;
            sb.Append(p.Name).Append('=');
            Dump(p.GetValue(o), sb, depth + 1);
            sb.Append(';');
        }
        sb.Append('}');
    }

    private static string DumpSet(SigmaRuleSet set)
    {
        var sb = new StringBuilder();
        foreach (var r in set.Rules) { Dump(r, sb); sb.Append('\n'); }
        foreach (var e in set.Errors) sb.Append(e).Append('\n');
        foreach (var s in set.Skipped) sb.Append(s).Append('\n');
        return sb.ToString();
    }

    [Fact]
    public void RulesFromTheCacheAreTheRulesParsedFromYaml()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        try
        {
            var rules = new[] { Path.Combine(SharedData.Sigma, "rules") };
            var parsed = SigmaRuleSet.Load(rules);
            var first = SigmaRuleSet.Load(rules, new SigmaOptions { RuleCacheDirectory = cacheDir });
            var second = SigmaRuleSet.Load(rules, new SigmaOptions { RuleCacheDirectory = cacheDir });
            Assert.Equal(0, first.CachedFileCount);
            Assert.True(second.CachedFileCount > 3000, $"{second.CachedFileCount} of {second.FileCount} files from the cache");
            Assert.Single(Directory.GetFiles(cacheDir, "sigma-rules-*.bin"));
            Assert.Single(Directory.GetFiles(cacheDir, "sigma-snapshot-*.bin")); // the rule-set snapshot beside it (its own tests)

            string expected = DumpSet(parsed);
            Assert.Contains("SigmaFieldSpec{", expected); // the dump does reach into detections
            Assert.Equal(expected, DumpSet(first));
            Assert.Equal(expected, DumpSet(second));

            // The built-in log-source pipeline comes from the cache too.
            var pipeline = new StringBuilder();
            Dump(parsed.Pipeline, pipeline);
            Assert.Contains("Microsoft-Windows-Sysmon/Operational", pipeline.ToString());
            var cachedPipeline = new StringBuilder();
            Dump(second.Pipeline, cachedPipeline);
            Assert.Equal(pipeline.ToString(), cachedPipeline.ToString());
        }
        finally { Directory.Delete(cacheDir, true); }
    }

    [Fact]
    public void AChangedFileIsParsedAgainAndADamagedCacheIsIgnored()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        var ruleDir = Directory.CreateTempSubdirectory("hopwatch-rules-").FullName;
        try
        {
            string file = Path.Combine(ruleDir, "r.yml");
            File.WriteAllText(file, ProcessRule("selection:\n    Image|endswith: '\\a.exe'"));
            // The parse cache alone (the rule-set snapshot would serve unchanged loads; SigmaRuleSetSnapshotTests check it).
            var options = new SigmaOptions { RuleCacheDirectory = cacheDir, RuleSetSnapshot = false };
            SigmaRuleSet.Load([ruleDir], options);
            Assert.Equal(1, SigmaRuleSet.Load([ruleDir], options).CachedFileCount);

            // Same size, new time: parsed again.
            File.WriteAllText(file, ProcessRule("selection:\n    Image|endswith: '\\b.exe'"));
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(1));
            var changed = SigmaRuleSet.Load([ruleDir], options);
            Assert.Equal(0, changed.CachedFileCount);
            Assert.Equal("'\\b.exe'", "'" + changed.Rules[0].Detection!.Searches[0].Alternatives[0][0].Values[0] + "'");

            // A broken rule is never served from the cache: its error is reported every time.
            File.WriteAllText(file, "title: broken\nlogsource: {product: windows}\ndetection:\n    selection:\n        a: 1\n");
            for (int i = 0; i < 2; i++)
            {
                var broken = SigmaRuleSet.Load([ruleDir], options);
                Assert.Empty(broken.Rules);
                Assert.Contains(broken.Errors, e => e.Message.Contains("condition"));
            }

            // Damage the cache file: the load parses instead, and rewrites it.
            File.WriteAllText(file, ProcessRule("selection:\n    Image|endswith: '\\c.exe'"));
            SigmaRuleSet.Load([ruleDir], options);
            var cacheFile = Assert.Single(Directory.GetFiles(cacheDir, "sigma-rules-*.bin"));
            var bytes = File.ReadAllBytes(cacheFile);
            File.WriteAllBytes(cacheFile, bytes[..(bytes.Length - 7)]);
            var afterDamage = SigmaRuleSet.Load([ruleDir], options);
            Assert.Equal(0, afterDamage.CachedFileCount);
            Assert.Equal("\\c.exe", afterDamage.Rules[0].Detection!.Searches[0].Alternatives[0][0].Values[0]);
            Assert.Equal(1, SigmaRuleSet.Load([ruleDir], options).CachedFileCount);
        }
        finally
        {
            Directory.Delete(cacheDir, true);
            Directory.Delete(ruleDir, true);
        }
    }

    [Fact]
    public void AnUnusableCacheFolderOnlyCostsTheCache()
    {
        var blocker = Path.GetTempFileName(); // a file where the cache folder would have to be
        try
        {
            var options = new SigmaOptions { RuleCacheDirectory = Path.Combine(blocker, "cache") };
            var rules = Path.Combine(SharedData.Sigma, "rules", "windows", "builtin", "security");
            var first = SigmaRuleSet.Load([rules], options);
            var second = SigmaRuleSet.Load([rules], options);
            Assert.True(first.Rules.Count > 50, $"{first.Rules.Count} rules");
            Assert.Equal(first.Rules.Count, second.Rules.Count);
            Assert.Equal(0, second.CachedFileCount);
            Assert.Equal(first.Errors.Count, second.Errors.Count);
        }
        finally { File.Delete(blocker); }
    }
}
