using Hopwatch.Sigma;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Sigma;

/// <summary>Every rule of the shared SigmaHQ snapshot loads, or fails for a reason that is right.</summary>
public class SigmaRuleCorpusTests
{
    [Fact]
    public void EveryRuleUnderRulesLoads()
    {
        var dir = Path.Combine(SharedData.Sigma, "rules");
        int files = Directory.EnumerateFiles(dir, "*.yml", SearchOption.AllDirectories).Count();
        var set = SigmaRuleSet.Load([dir]);
        Assert.True(set.Errors.Count == 0, string.Join("\n", set.Errors.Take(20)));
        Assert.Equal(files, set.FileCount);
        // One document per file in this snapshot; none deprecated, none needing placeholders.
        Assert.Equal(files, set.Rules.Count + set.Skipped.Count);
        Assert.True(set.Rules.Count > 3000, $"{set.Rules.Count} rules");
        Assert.Empty(set.Skipped);
    }

    [Fact]
    public void ThreatHuntingAndPlaceholderRulesLoadOrAreReportedForTheirPlaceholders()
    {
        var hunting = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules-threat-hunting")]);
        Assert.Empty(hunting.Errors);
        var placeholder = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules-placeholder")]);
        Assert.Empty(placeholder.Errors);
        // Without a config, every rule that expands a placeholder is reported with that placeholder's name.
        Assert.NotEmpty(placeholder.Skipped);
        foreach (var s in placeholder.Skipped)
        {
            var m = System.Text.RegularExpressions.Regex.Match(s.Reason, "%([^%]+)%");
            Assert.True(m.Success, s.Reason);
            Assert.Contains("%" + m.Groups[1].Value + "%", File.ReadAllText(s.File));
        }

        // With every placeholder filled, all of them load.
        var names = Directory.EnumerateFiles(Path.Combine(SharedData.Sigma, "rules-placeholder"), "*.yml", SearchOption.AllDirectories)
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), "%([A-Za-z0-9_-]+)%").Select(m => m.Groups[1].Value))
            .Distinct().ToList();
        var cfg = SigmaTestKit.TempFile("placeholders:\n" + string.Join("\n", names.Select(n => $"  {n}: ['value-of-{n}']")) + "\n");
        var filled = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules-placeholder")], new SigmaOptions { PlaceholderConfigPath = cfg });
        Assert.Empty(filled.Errors);
        Assert.Empty(filled.Skipped);
        Assert.Equal(placeholder.Rules.Count + placeholder.Skipped.Count, filled.Rules.Count);
    }

    [Fact]
    public void WindowsRulesAreIndexedByChannel()
    {
        var set = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules", "windows")]);
        var processCreation = set.Rules.Where(r => r.LogSource.Category == "process_creation").ToList();
        Assert.NotEmpty(processCreation);
        foreach (var r in processCreation.Take(50))
        {
            var maps = set.MappingsOf(r);
            Assert.Contains(maps, m => m.Channels.Contains("Microsoft-Windows-Sysmon/Operational") && m.EventIds.SequenceEqual([1]));
            Assert.Contains(maps, m => m.Channels.Contains("Security") && m.EventIds.SequenceEqual([4688]));
        }
        // Every Windows rule except a few with unmapped categories has a channel.
        var unmapped = set.Rules.Where(r => set.MappingsOf(r).Count == 0).Select(r => r.LogSource.ToString()).Distinct().ToList();
        Assert.True(unmapped.Count <= 5, string.Join(", ", unmapped));
    }
}
