using Hopwatch.Events;
using Hopwatch.Sigma;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>Lists of `contains` values searched in one pass must answer exactly as testing each value on its own.</summary>
public class SigmaMultiContainsTests
{
    private static IEnumerable<SigmaMultiContainsMatcher> MatchersOf(SigmaMatchNode node) => node switch
    {
        SigmaAndNode a => a.Nodes.SelectMany(MatchersOf),
        SigmaOrNode o => o.Nodes.SelectMany(MatchersOf),
        SigmaFieldNode f => f.Values.OfType<SigmaMultiContainsMatcher>(),
        _ => [],
    };

    [Fact]
    public void EveryContainsListOfTheSharedRulesAgreesWithTestingEachValueOnSharedEventValues()
    {
        var set = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules")]);
        var matchers = set.Variants.SelectMany(v => MatchersOf(v.Node)).Distinct().ToList();
        Assert.True(matchers.Count > 500, $"{matchers.Count} contains lists");
        Assert.Contains(matchers, m => m.Cased);
        Assert.Contains(matchers, m => m.Needles.Any(n => n.Length < SigmaLiteralFinder.GramLength));
        Assert.Contains(matchers, m => m.Needles.Any(n => !System.Text.Ascii.IsValid(n)));

        // Distinct values of the shared events' fields, and the needles themselves inside other text (hits).
        var values = SigmaPrefilterTests.SharedEvents.Value
            .SelectMany(e => Enumerable.Range(0, e.Fields.Count).Select(e.Fields.ValueAt))
            .OfType<string>().Distinct(StringComparer.Ordinal).Take(1500).ToList();
        values.AddRange(matchers.Take(300).SelectMany(m => m.Needles.Take(3)).Select(n => @"c:\x\" + n.ToLowerInvariant() + " -y"));
        values.AddRange(["", "a", "\0\0\0\0\0"]);

        var view = new SigmaEventView(set.FieldTable);
        var holder = new LogEvent { Format = SourceFormat.Evtx };
        int hits = 0, checks = 0;
        foreach (var value in values)
        {
            holder.Fields.Clear();
            holder.Fields.Add("Value", value);
            view.Bind(holder);
            foreach (var m in matchers)
            {
                var cmp = m.Cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
                bool expected = m.Needles.Any(n => value.Contains(n, cmp));
                bool viaField = m.MatchesField(0, value, view);
                if (expected != viaField || expected != m.Matches(value, view))
                    Assert.Fail($"'{value}' against {m.Describe()} [{string.Join(" | ", m.Needles)}]: expected {expected}");
                if (expected) hits++;
                checks++;
            }
        }
        Assert.True(hits > 300, $"{hits} hits in {checks} checks");
    }

    [Fact]
    public void ShortNonAsciiAndCasedNeedlesAreFound()
    {
        const string rule = """
            title: t
            logsource: {product: windows, category: process_creation}
            detection:
                short:
                    CommandLine|contains: ['-e', '/c', 'ab']
                long:
                    Image|contains: ['\ÄRGER\', 'évènement', 'tool']
                cased:
                    Hashes|contains|cased: ['MD5=AA', 'sha1=bb']
                condition: short or long or cased
            """;
        var set = Load(rule);
        Assert.Empty(set.Errors);
        bool Hit(string field, string value) => Run(set, [Event(Sysmon, 1, (field, value))]).Count == 1;
        Assert.True(Hit("CommandLine", "cmd /C dir"));
        Assert.True(Hit("CommandLine", "x AB"));
        Assert.False(Hit("CommandLine", "a b"));
        Assert.True(Hit("Image", @"C:\ärger\x.exe"));
        Assert.True(Hit("Image", "ÉVÈNEMENT"));
        Assert.True(Hit("Image", "TOOL.exe"));
        Assert.False(Hit("Image", "to ol"));
        Assert.True(Hit("Hashes", "MD5=AA11,SHA1=BB"));
        Assert.False(Hit("Hashes", "md5=aa11,SHA1=BB"));
        Assert.True(Hit("Hashes", "x,sha1=bb"));
    }
}
