using Hopwatch.Events;
using Hopwatch.Sigma;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>
/// Keyword searches (a list searched in every value of every event), which remember the value instances that hold
/// none of their needles (<see cref="SigmaMultiContainsMatcher.MatchesAnyValue"/>): they answer as searching every
/// field of the event with <see cref="StringComparison.OrdinalIgnoreCase"/> (or ordinal with `|cased`) does.
/// </summary>
public class SigmaKeywordScanTests
{
    private static IEnumerable<SigmaKeywordNode> KeywordNodesOf(SigmaMatchNode node) => node switch
    {
        SigmaAndNode a => a.Nodes.SelectMany(KeywordNodesOf),
        SigmaOrNode o => o.Nodes.SelectMany(KeywordNodesOf),
        SigmaKeywordNode k => [k],
        _ => [],
    };

    /// <summary>The straightforward test: some field value of the event holds some needle (each value's answer worked out once: events share value instances).</summary>
    private static bool AnyFieldHoldsANeedle(LogEvent e, SigmaMultiContainsMatcher list, Dictionary<string, bool> answers)
    {
        var cmp = list.Cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        for (int i = 0; i < e.Fields.Count; i++)
        {
            if (e.Fields.ValueAt(i) is not { } value) continue;
            if (!answers.TryGetValue(value, out bool holds)) answers[value] = holds = list.Needles.Any(n => value.Contains(n, cmp));
            if (holds) return true;
        }
        return false;
    }

    [Fact]
    public void EveryKeywordListOfTheSharedRulesAgreesWithAPlainSearchOverEverySharedEvtxEvent()
    {
        var set = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules")]);
        var lists = set.Variants.SelectMany(v => KeywordNodesOf(v.Node)).SelectMany(k => k.Values)
            .OfType<SigmaMultiContainsMatcher>().Distinct().ToList();
        Assert.True(lists.Count >= 5, $"{lists.Count} keyword lists in the shared rules");
        Assert.Contains(lists, l => l.Needles.Contains("sekurlsa::")); // "Mimikatz Use"

        // Every event of the shared EVTX files (values repeat as shared instances, as readers make them), then copies of
        // some with a needle, in another case, put inside one of their values (a new instance among remembered ones).
        var events = SigmaPrefilterTests.SharedEvents.Value;
        var rng = new Random(4);
        var planted = new List<LogEvent>();
        foreach (var list in lists)
            foreach (var needle in list.Needles.Take(8))
            {
                var source = events[rng.Next(events.Count)];
                var e = new LogEvent { Format = source.Format, Channel = source.Channel, EventId = source.EventId, Fields = source.Fields.Copy() };
                int at = rng.Next(e.Fields.Count);
                string cased = list.Cased ? needle : rng.Next(2) == 0 ? needle.ToLowerInvariant() : needle.ToUpperInvariant();
                e.Fields.Set(e.Fields.NameAt(at), "x " + cased + " " + e.Fields.ValueAt(at));
                planted.Add(e);
            }

        var view = new SigmaEventView(set.FieldTable);
        var answers = lists.ToDictionary(l => l, _ => new Dictionary<string, bool>(ReferenceEqualityComparer.Instance));
        int hits = 0, checks = 0;
        // Twice through: the second pass meets every instance again, answered from the tables the first one filled.
        foreach (var pass in new[] { 1, 2 })
            foreach (var e in events.Concat(planted))
            {
                view.Bind(e);
                foreach (var list in lists)
                {
                    bool expected = AnyFieldHoldsANeedle(e, list, answers[list]);
                    if (list.MatchesAnyValue(view) != expected)
                        Assert.Fail($"pass {pass}, {e.File}#{e.RecordId} against [{string.Join(" | ", list.Needles.Take(5))}...]: expected {expected}");
                    if (expected) hits++;
                    checks++;
                }
            }
        Assert.True(hits >= planted.Count, $"{hits} hits in {checks} checks");
    }

    private static bool Matches(string detection, string condition, params (string, string?)[] fields) =>
        SigmaTestKit.Matches(detection, condition, fields);

    [Fact]
    public void KeywordsAreCaseInsensitiveByDefault()
    {
        const string kw = "keywords:\n    - 'sekurlsa::logonpasswords'\n    - 'lsadump::sam'";
        Assert.True(Matches(kw, "keywords", ("CommandLine", "mimikatz SEKURLSA::LOGONPASSWORDS exit")));
        Assert.True(Matches(kw, "keywords", ("Other", "x"), ("Description", "LsaDump::Sam")));
        Assert.False(Matches(kw, "keywords", ("CommandLine", "sekurlsa:logonpasswords lsadump:sam")));
    }

    [Fact]
    public void CasedKeywordsMatchOnlyTheirOwnCase()
    {
        const string kw = "keywords:\n    '|cased':\n        - 'Invoke-Mimikatz'\n        - 'SeKurlsa::'";
        Assert.True(Matches(kw, "keywords", ("CommandLine", "powershell Invoke-Mimikatz -DumpCreds")));
        Assert.True(Matches(kw, "keywords", ("ScriptBlockText", "x SeKurlsa::pth")));
        Assert.False(Matches(kw, "keywords", ("CommandLine", "powershell invoke-mimikatz -DumpCreds")));
        Assert.False(Matches(kw, "keywords", ("ScriptBlockText", "x SEKURLSA::pth")));
    }

    [Fact]
    public void WildcardsInsideKeywordsStillMatchBesidePlainOnes()
    {
        // The plain keywords become one list searched with remembered misses; the ones with wildcards are tested per value.
        const string kw = "keywords:\n    - 'sekurlsa::*passwords'\n    - 'kerberos::p?t'\n    - 'lsadump::sam'\n    - 'privilege::debug'";
        Assert.True(Matches(kw, "keywords", ("CommandLine", "x SEKURLSA::LogonPasswords y")));
        Assert.True(Matches(kw, "keywords", ("CommandLine", "kerberos::ptt ticket.kirbi")));
        Assert.True(Matches(kw, "keywords", ("CommandLine", "KERBEROS::PXT")));
        Assert.False(Matches(kw, "keywords", ("CommandLine", "KERBEROS::PTC")));
        Assert.True(Matches(kw, "keywords", ("Other", "PRIVILEGE::DEBUG")));
        Assert.False(Matches(kw, "keywords", ("CommandLine", "sekurlsa::")));
        Assert.False(Matches(kw, "keywords", ("CommandLine", "kerberos::pt")));
        Assert.False(Matches(kw, "keywords", ("CommandLine", "passwords sekurlsa:: ")));
    }

    [Fact]
    public void KeywordListsCombineWithFieldConditionsAndNot()
    {
        const string detection = """
            selection:
                Image|endswith: '\cmd.exe'
            keywords:
                - 'event::clear'
                - 'misc::skeleton'
            filter:
                CommandLine|contains: 'benign test'
            """;
        const string condition = "selection and keywords and not filter";
        Assert.True(Matches(detection, condition, ("Image", @"C:\Windows\System32\cmd.exe"), ("CommandLine", "cmd /c mimikatz EVENT::Clear")));
        Assert.True(Matches(detection, condition, ("Image", @"C:\Windows\System32\cmd.exe"), ("ParentCommandLine", "misc::skeleton")));
        Assert.False(Matches(detection, condition, ("Image", @"C:\Windows\System32\cmd.exe"), ("CommandLine", "event::clear benign test")));
        Assert.False(Matches(detection, condition, ("Image", @"C:\Windows\System32\powershell.exe"), ("CommandLine", "event::clear")));
        Assert.False(Matches(detection, condition, ("Image", @"C:\Windows\System32\cmd.exe"), ("CommandLine", "event::")));
        // Keywords under `not`: events without them.
        Assert.True(Matches(detection, "selection and not keywords", ("Image", @"C:\x\cmd.exe"), ("CommandLine", "dir")));
        Assert.False(Matches(detection, "selection and not keywords", ("Image", @"C:\x\cmd.exe"), ("CommandLine", "misc::SKELETON")));
    }

    private const string MimikatzLikeRule = """
        title: keyword list
        id: 22222222-2222-2222-2222-222222222222
        logsource: {product: windows}
        detection:
            keywords:
                - 'sekurlsa::'
                - 'kerberos::golden'
                - 'gentilkiwi.com'
                - 'stop'
            condition: keywords
        """;

    /// <summary>Runs one detector (its view, and so its remembered misses, carried over) through the values, each as one event's field.</summary>
    private static List<bool> RunOneDetector(SigmaRuleSet set, IEnumerable<(string Field, string Value)> values)
    {
        var detector = new SigmaDetector(set);
        var results = new List<bool>();
        foreach (var (field, value) in values)
        {
            var alerts = new List<Alert>();
            detector.Process(Event("Security", 4688, (field, value), ("Other", "nothing here at all")), alerts.Add);
            results.Add(alerts.Count == 1);
        }
        return results;
    }

    [Fact]
    public void RememberedMissesNeverHideAKeywordInAnotherValueOrAnotherInstance()
    {
        var set = Load(MimikatzLikeRule);
        Assert.Empty(set.Errors);
        string miss = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -NoProfile";
        string shortMiss = "abc"; // shorter than every needle: remembered too
        string hit = @"C:\x\mimikatz.exe sekurlsa::logonpasswords";
        string equalToMiss = new(miss.AsSpan());
        var values = new (string, string)[]
        {
            ("CommandLine", miss), ("CommandLine", shortMiss), ("CommandLine", hit), ("CommandLine", miss), ("CommandLine", shortMiss),
            ("CommandLine", hit), ("ParentCommandLine", miss), ("CommandLine", equalToMiss), ("CommandLine", hit.ToUpperInvariant()),
            ("CommandLine", miss + " STOP"), ("CommandLine", miss),
        };
        var expected = values.Select(v => new[] { "sekurlsa::", "kerberos::golden", "gentilkiwi.com", "stop" }
            .Any(n => v.Item2.Contains(n, StringComparison.OrdinalIgnoreCase))).ToList();
        Assert.Equal(expected, RunOneDetector(set, values));
        Assert.Contains(true, expected);
    }

    [Fact]
    public void NonAsciiValuesFoldAsOrdinalIgnoreCaseDoes()
    {
        // KELVIN SIGN (U+212A) and LATIN SMALL LETTER LONG S (U+017F) sit where 'k' and 's' of a needle would. Whatever
        // OrdinalIgnoreCase makes of them (it upper-cases each character: long s becomes 'S', the Kelvin sign stays
        // itself), keyword searches must agree, for values read at once or character by character, short or long.
        var set = Load(MimikatzLikeRule);
        var samples = new[]
        {
            "\u017Fekurl\u017Fa::logonpasswords", "\u212Aerberos::golden /user:x", "gentil\u212Aiwi.com", "gentilkiwi.com \u00E9t\u00E9",
            "\u00C9V\u00C9NEMENT sekurlsa:: fin", "caf\u00E9 \u017Ftop", "\u212A\u212A\u212A", "\u0130stop", "st\u00F6p stop",
            "\u00DF\u00DF sekurlsa", new string('\u00E9', 300) + "SEKURLSA::", new string('\u00E9', 300) + "SEKURLSA:",
        };
        var values = samples.Select(s => ("CommandLine", s)).ToList();
        var expected = samples.Select(s => new[] { "sekurlsa::", "kerberos::golden", "gentilkiwi.com", "stop" }
            .Any(n => s.Contains(n, StringComparison.OrdinalIgnoreCase))).ToList();
        var twice = RunOneDetector(set, values.Concat(values));
        Assert.Equal(expected, twice.Take(values.Count));
        Assert.Equal(expected, twice.Skip(values.Count)); // the same instances met again: answered from the tables
        Assert.Contains(true, expected);
        Assert.Contains(false, expected);
    }

    [Fact]
    public void NonAsciiKeywordsAndValuesLongerThanAnyBufferAreSearchedWhole()
    {
        // A non-ASCII needle makes the list search the view's upper-cased copy (a buffer grown to the value); the plain
        // list searches the value itself. Needles at the start, in the middle, at the very end, cut short, or absent.
        const string rule = """
            title: keyword list with a non-ASCII needle
            id: 33333333-3333-3333-3333-333333333333
            logsource: {product: windows}
            detection:
                keywords:
                    - 'überwachung::aus'
                    - 'sekurlsa::'
                condition: keywords
            """;
        foreach (var yaml in new[] { rule, MimikatzLikeRule })
        {
            var set = Load(yaml);
            Assert.Empty(set.Errors);
            var values = new List<(string, string)>();
            foreach (int length in new[] { 63, 64, 65, 4_096, 100_000 })
            {
                string pad = new('x', length);
                values.Add(("CommandLine", pad + "SEKURLSA::"));
                values.Add(("CommandLine", "sekurlsa::" + pad));
                values.Add(("CommandLine", pad[..(length / 2)] + "ÜBERWACHUNG::AUS" + pad[(length / 2)..]));
                values.Add(("CommandLine", pad + "sekurlsa:"));
                values.Add(("CommandLine", pad));
            }
            string[] needles = ["überwachung::aus", "sekurlsa::", "kerberos::golden", "gentilkiwi.com", "stop"];
            bool isFirst = ReferenceEquals(yaml, rule);
            var expected = values.Select(v => needles.Where((_, i) => isFirst ? i < 2 : i > 0)
                .Any(n => v.Item2.Contains(n, StringComparison.OrdinalIgnoreCase))).ToList();
            Assert.Equal(expected, RunOneDetector(set, values));
            Assert.Contains(true, expected);
            Assert.Contains(false, expected);
        }
    }
}
