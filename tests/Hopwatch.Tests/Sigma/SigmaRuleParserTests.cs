using Hopwatch.Events;
using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

public class SigmaRuleParserTests
{
    [Fact]
    public void CollectionGlobalMergesIntoEachDocumentAndResetDropsIt()
    {
        const string yaml = """
            action: global
            title: Shared title
            logsource:
                product: windows
                service: security
            detection:
                condition: selection
            level: high
            ---
            id: aaaaaaaa-0000-0000-0000-000000000001
            detection:
                selection:
                    EventID: 4624
            ---
            id: aaaaaaaa-0000-0000-0000-000000000002
            title: Own title
            detection:
                selection:
                    EventID: 4625
            ---
            action: repeat
            id: aaaaaaaa-0000-0000-0000-000000000003
            detection:
                selection:
                    EventID: 4648
            ---
            action: reset
            ---
            id: aaaaaaaa-0000-0000-0000-000000000004
            title: No global
            detection:
                selection:
                    EventID: 1
            """;
        var r = SigmaRuleParser.Parse(yaml, "c.yml");
        Assert.Equal(3, r.Rules.Count);
        Assert.Equal("Shared title", r.Rules[0].Title);
        Assert.Equal("high", r.Rules[0].Level);
        Assert.Equal("security", r.Rules[0].LogSource.Service);
        Assert.Equal("selection", r.Rules[0].Detection!.ConditionText);
        Assert.Equal("Own title", r.Rules[1].Title);
        Assert.Equal("Own title", r.Rules[2].Title); // repeat = previous document + changes
        Assert.Equal("4648", r.Rules[2].Detection!.Searches[0].Alternatives[0][0].Values[0]);
        // After reset the last document has no logsource and no condition of its own.
        Assert.Contains(r.Errors, e => e.Message.Contains("no 'condition'"));
    }

    [Fact]
    public void MultiDocumentCorrelationFileLoads()
    {
        var set = Load(SigmaCorrelationTests.SpecExample);
        Assert.Empty(set.Errors);
        Assert.Equal(4, set.Rules.Count);
        Assert.Equal(2, set.Rules.Count(r => r.IsCorrelation));
    }

    [Theory]
    [InlineData("title: x\nlogsource:\n  product: windows\n", "missing 'detection'", 1)]
    [InlineData("logsource:\n  product: windows\ndetection:\n  s:\n    A: 1\n  condition: s\n", "missing 'title'", 1)]
    [InlineData("title: x\ndetection:\n  s:\n    A: 1\n  condition: s\n", "missing 'logsource'", 1)]
    [InlineData("title: x\nlogsource:\n  product: windows\ndetection:\n  s:\n    A: 1\n", "no 'condition'", 4)]
    [InlineData("title: x\nlogsource:\n  product: windows\ndetection:\n  s:\n    A:\n      B: 1\n  condition: s\n", "not a map", 7)]
    [InlineData("title: x\nlevel: severe\nlogsource:\n  product: windows\ndetection:\n  s:\n    A: 1\n  condition: s\n", "unknown level 'severe'", 2)]
    [InlineData("title: x\nlogsource:\n  product: windows\ndetection:\n  s:\n    A|re: '(unclosed'\n  condition: s\n", "bad regular expression", 6)]
    [InlineData("title: [x\n", "YAML syntax", 2)]
    public void ErrorsNameFileLineAndProblem(string yaml, string message, int line)
    {
        var set = Load(yaml);
        var err = Assert.Single(set.Errors);
        Assert.Contains(message, err.Message);
        Assert.Equal(line, err.Line);
        Assert.EndsWith("rule.yml", err.File);
    }

    [Fact]
    public void OneBadRuleDoesNotStopTheOthers()
    {
        var set = Load(ProcessRule("selection:\n    Image: x"), null, "title: broken\n", ProcessRule("selection:\n    Image: y", id: "22222222-2222-2222-2222-222222222222"));
        Assert.Single(set.Errors);
        Assert.Equal(2, set.Rules.Count);
    }

    [Fact]
    public void TagsBecomeUpperCaseTechniques()
    {
        Assert.Equal(["T1021.002", "T1059"], SigmaRule.TechniquesFromTags(["attack.lateral-movement", "attack.t1021.002", "attack.t1059", "attack.T1059", "attack.g0007", "cve.2021.1"]));
        Assert.Equal(Severity.Critical, SigmaRule.LevelToSeverity("critical"));
        Assert.Equal(Severity.Informational, SigmaRule.LevelToSeverity("informational"));
        Assert.Equal(Severity.Medium, SigmaRule.LevelToSeverity(null));
    }

    [Fact]
    public void DeprecatedRulesAreListedAsSkipped()
    {
        var set = Load(ProcessRule("selection:\n    Image: x").Replace("level: high", "level: high\nstatus: deprecated"));
        Assert.Empty(set.Rules);
        Assert.Contains("deprecated", Assert.Single(set.Skipped).Reason);
    }
}
