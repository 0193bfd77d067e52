using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Reading.Evtx;
using Hopwatch.Sigma;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

public class SigmaPrefilterTests
{
    /// <summary>Every shared EVTX event (attack samples and the regression suite's logs), read once for the tests below.</summary>
    internal static readonly Lazy<List<LogEvent>> SharedEvents = new(() =>
    {
        var diag = new ReadDiagnostics();
        return new[] { SharedData.Evtx, Path.Combine(SharedData.Sigma, "regression_data") }
            .SelectMany(d => Directory.EnumerateFiles(d, "*.evtx", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .SelectMany(f => EvtxEventReader.ReadFile(f, diag))
            .ToList();
    });

    private static (List<string> Alerts, long Evaluations) Scan(SigmaRuleSet set, IEnumerable<LogEvent> events)
    {
        var alerts = new List<Alert>();
        var d = new SigmaDetector(set);
        foreach (var e in events) d.Process(e, alerts.Add);
        d.Complete(alerts.Add);
        var keys = alerts.Select(a => a.RuleId + " " + string.Join(",", a.Evidence.Select(x => x.File + "#" + x.RecordId))).ToList();
        return (keys, d.Evaluations);
    }

    [Fact]
    public void AllSharedRulesOverAllSharedEvtxFindExactlyWhatTheyFindWithoutThePrefilter()
    {
        var rules = new[] { Path.Combine(SharedData.Sigma, "rules") };
        var plain = SigmaRuleSet.Load(rules, new SigmaOptions { Prefilter = false });
        var filtered = SigmaRuleSet.Load(rules, new SigmaOptions());
        Assert.Equal(plain.Rules.Count, filtered.Rules.Count);
        Assert.True(filtered.Rules.Count > 3000, $"{filtered.Rules.Count} rules");

        var (expected, plainTests) = Scan(plain, SharedEvents.Value);
        var (actual, filteredTests) = Scan(filtered, SharedEvents.Value);
        Assert.True(expected.Count > 1000, $"only {expected.Count} alerts: the comparison would prove little");
        Assert.Equal(expected, actual);
        // And it does its job: most rule tests are skipped.
        Assert.True(filteredTests * 4 < plainTests, $"{filteredTests} rule tests with the prefilter, {plainTests} without");
    }

    [Fact]
    public void JsonExportsWithTheirFieldAliasesFindTheSameAsWithoutThePrefilter()
    {
        // Security-Datasets JSON lines: field names reach the rules through the pipeline's format aliases.
        var dirs = new[] { "execution", "discovery" }.Select(d => Path.Combine(SharedData.SecurityDatasets, "atomic", "windows", d, "host"));
        var events = EvidenceReader.Read(dirs.ToList(), new EvidenceReadOptions { Normalise = true }, new ReadDiagnostics()).ToList();
        Assert.True(events.Count > 10_000, $"{events.Count} events");
        Assert.DoesNotContain(events, e => e.Format == SourceFormat.Evtx);
        var rules = new[] { Path.Combine(SharedData.Sigma, "rules", "windows") };
        var (expected, plainTests) = Scan(SigmaRuleSet.Load(rules, new SigmaOptions { Prefilter = false }), events);
        var (actual, filteredTests) = Scan(SigmaRuleSet.Load(rules), events);
        Assert.True(expected.Count > 100, $"only {expected.Count} alerts");
        Assert.Equal(expected, actual);
        Assert.True(filteredTests * 3 < plainTests, $"{filteredTests} rule tests with the prefilter, {plainTests} without");
    }

    [Fact]
    public void MatchingAheadOnTwoThreadsGivesTheSameAlertsInTheSameOrder()
    {
        var set = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules", "windows")]);
        var events = SharedEvents.Value.OrderBy(e => e.Time).ToList();
        var expected = Run(set, events);

        var alerts = new List<Alert>();
        var d = new SigmaDetector(set);
        d.Prematch(events, 2);
        foreach (var e in events) d.Process(e, alerts.Add);
        // Events the batch did not hold are matched as they come.
        var extra = Event(Sysmon, 1, ("Image", @"C:\Windows\System32\whoami.exe"), ("CommandLine", "whoami /priv"), ("OriginalFileName", "whoami.exe"));
        d.Process(extra, alerts.Add);
        d.Complete(alerts.Add);
        var plainExtra = Run(set, [extra]);

        Assert.True(expected.Count > 1000, $"{expected.Count} alerts");
        Assert.NotEmpty(plainExtra);
        Assert.Equal(expected.Concat(plainExtra).Select(a => a.Id), alerts.Select(a => a.Id));
    }

    /// <summary>A process-creation rule with one selection line.</summary>
    private static string Rule(string id, string line, string condition = "selection") => ProcessRule("selection:\n    " + line, condition, id);

    /// <summary>Plain rules that gate the process-creation bucket, some of which the tests match.</summary>
    private static IEnumerable<string> Fillers(int n = 24) =>
        Enumerable.Range(0, n).Select(i => Rule($"11111111-1111-1111-1111-{i:000000000000}", $"Image|endswith: '\\tool{i:00}.exe'"));

    private static List<string> Hits(SigmaRuleSet set, params (string, string?)[] fields) =>
        Run(set, [Event(Sysmon, 1, fields)]).Select(a => a.RuleId[^4..]).ToList();

    [Fact]
    public void APrefilteredRuleStillMatchesWhateverTheCaseAndWhereverItsTextSits()
    {
        var rules = Fillers().ToList();
        rules.Add(Rule("22222222-2222-2222-2222-000000009001", "CommandLine|contains|all: [' -nop ', 'hidden']"));
        rules.Add(Rule("22222222-2222-2222-2222-000000009002", "CommandLine: 'cmd.exe /c wh?ami*'"));
        rules.Add(Rule("22222222-2222-2222-2222-000000009003", "CommandLine|contains: ['-EncodedCommand', 'FromBase64String', 'iex(']"));
        rules.Add(Rule("22222222-2222-2222-2222-000000009004", "CommandLine|cased: 'Rundll32 X'"));
        rules.Add(Rule("22222222-2222-2222-2222-000000009005", "CommandLine|contains: 'AAAA-very-long-needle-0123456789-ZZZZ'"));
        var set = Load(string.Join("\n---\n", rules));
        Assert.Empty(set.Errors);

        Assert.Equal(["0007"], Hits(set, ("Image", @"C:\Temp\TOOL07.EXE")));
        Assert.Equal(["0023"], Hits(set, ("Image", @"C:\Temp\x\Tool23.exe"), ("CommandLine", "Tool23.exe")));
        Assert.Empty(Hits(set, ("Image", @"C:\Temp\tool07.exe.bak")));
        Assert.Equal(["9001"], Hits(set, ("CommandLine", "powershell -NOP -w HIDDEN -c x")));
        Assert.Equal(["9002"], Hits(set, ("CommandLine", "CMD.EXE /C WHOAMI /all")));
        Assert.Equal(["9003"], Hits(set, ("CommandLine", "x; IEX(New-Object Net.WebClient)")));
        Assert.Equal(["9004"], Hits(set, ("CommandLine", "Rundll32 X")));
        Assert.Empty(Hits(set, ("CommandLine", "rundll32 x")));
        // The prefilter looks for the end of long texts only; the rule still needs all of it.
        Assert.Equal(["9005"], Hits(set, ("CommandLine", "x aaaa-VERY-long-needle-0123456789-zzzz y")));
        Assert.Empty(Hits(set, ("CommandLine", "x long-needle-0123456789-zzzz y")));
    }

    [Fact]
    public void ShortNonAsciiTextsGateOnNonAsciiValuesAndStillMatchAnyCase()
    {
        var rules = Fillers().ToList();
        rules.Add(Rule("22222222-2222-2222-2222-000000009101", "CommandLine|contains: ['\u0430', '\u0435', '\u043e']")); // Cyrillic а е о
        rules.Add(Rule("22222222-2222-2222-2222-000000009102", "CommandLine|contains: ['\U0001F600', '\U0001F525']"));    // emoji
        rules.Add(Rule("22222222-2222-2222-2222-000000009103", "Image|endswith: '\u00e9.exe'"));                             // é.exe
        var set = Load(string.Join("\n---\n", rules));
        Assert.True(set.Errors.Count == 0, string.Join("\n", set.Errors));

        Assert.Equal(["9101"], Hits(set, ("CommandLine", "p\u0430ssword.exe")));
        Assert.Equal(["9101"], Hits(set, ("CommandLine", "P\u0410SSWORD.EXE")));      // upper-case Cyrillic А
        Assert.Equal(["9102"], Hits(set, ("CommandLine", "run \U0001F525 now")));
        Assert.Equal(["9103"], Hits(set, ("Image", "C:\\x\\caf\u00c9.EXE")));           // É
        Assert.Empty(Hits(set, ("CommandLine", "password.exe"), ("Image", @"C:\x\cafe.exe")));
        Assert.Empty(Hits(set, ("CommandLine", "\u00fcber")));                         // non-ASCII, but none of the texts
    }

    [Fact]
    public void NegationsRegexesAndNullsAreNeverGated()
    {
        // Each rule matches an event that holds none of its texts: the prefilter must leave it alone.
        var cases = new (string Line, string Condition, (string, string?)[] Fields)[]
        {
            ("Image|endswith: '\\a.exe'", "not selection", [("Image", @"C:\b.exe")]),
            ("CommandLine|re: 'who.mi'", "selection", [("CommandLine", "whoami")]),
            ("CommandLine: null", "selection", [("Image", @"C:\b.exe")]),
            ("CommandLine|exists: false", "selection", [("Image", @"C:\b.exe")]),
            ("CommandLine|neq: 'abc'", "selection", [("CommandLine", "whoami")]),
        };
        foreach (var (line, condition, fields) in cases)
        {
            var set = Load(string.Join("\n---\n", Fillers().Prepend(Rule("33333333-3333-3333-3333-000000003333", line, condition))));
            Assert.True(set.Errors.Count == 0, string.Join("\n", set.Errors));
            Assert.True(Hits(set, fields).Contains("3333"), $"{line} / {condition} did not match");
        }
    }

    [Fact]
    public void TheFinderReportsExactlyTheLiteralsPresent()
    {
        var rng = new Random(4);
        string Word(int len) => new(Enumerable.Range(0, len).Select(_ => "ABC\\.É😀"[rng.Next(8)]).ToArray());
        for (int round = 0; round < 50; round++)
        {
            var literals = Enumerable.Range(0, rng.Next(1, 40)).Select(_ => Word(rng.Next(4, 9))).Distinct().ToList();
            var finder = new SigmaLiteralFinder(literals);
            for (int t = 0; t < 20; t++)
            {
                string text = Word(rng.Next(0, 60));
                // Plant some literals so that hits are common.
                for (int k = rng.Next(3); k > 0; k--) text = text.Insert(rng.Next(text.Length + 1), literals[rng.Next(literals.Count)]);
                var expected = Enumerable.Range(0, literals.Count).Where(li => text.Contains(literals[li], StringComparison.Ordinal));
                var sink = new Collect { Found_ = new List<int>() };
                finder.Scan(text, ref sink);
                Assert.Equal(expected, sink.Found_.Distinct().Order());
            }
        }
    }

    [Fact]
    public void PlainValuesCompileToTheSamePatternAsThroughTheGeneralPath()
    {
        // Every string value of the shared rules, with every modifier shape.
        var values = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules")]).Rules
            .Where(r => r.Detection is not null)
            .SelectMany(r => r.Detection!.Searches).SelectMany(s => s.Alternatives).SelectMany(a => a)
            .SelectMany(f => f.Values).OfType<string>().Append("").Distinct().ToList();
        Assert.True(values.Count > 10_000, $"{values.Count} values");
        foreach (var v in values)
            foreach (bool literal in new[] { false, true })
                foreach (bool lead in new[] { false, true })
                    foreach (bool trail in new[] { false, true })
                    {
                        var fast = SigmaStringPattern.Compile(v, literal, lead, trail, cased: false);
                        var general = SigmaStringPattern.CompileGeneral(v, literal, lead, trail, cased: false);
                        Assert.True(fast.Kind == general.Kind && fast.Literal == general.Literal && fast.Source == general.Source
                                    && fast.RequiredFoldedText() == general.RequiredFoldedText(),
                            $"'{v}' literal={literal} lead={lead} trail={trail}: {fast.Kind} '{fast.Literal}' vs {general.Kind} '{general.Literal}'");
                    }
    }

    [Fact]
    public void ACharacterChainRegexAnswersAsTheRegexDoes()
    {
        Assert.Equal("+++", new string(SigmaRegexMatcher.CharChain(@"\+.*\+.*\+")));
        Assert.Equal("{`", new string(SigmaRegexMatcher.CharChain(@"\{.*`")));
        foreach (var other in new[] { @"\+.+\+", @"\d.*\d", "a.*b|c", "(?s)a.*b", "ab.*c", "a.*b.*", "^a.*b", "a.*[b]" })
            if (other == "a.*b.*") Assert.NotNull(SigmaRegexMatcher.CharChain(other));
            else Assert.Null(SigmaRegexMatcher.CharChain(other));

        var rng = new Random(7);
        var patterns = new[] { @"\+.*\+.*\+.*\+", @"\^.*\^.*\^", "`.*`.*`", @"\{.*\{.*x", "a.*b.*c" };
        foreach (var pattern in patterns)
            foreach (bool multiline in new[] { false, true })
            foreach (bool singleline in new[] { false, true })
            {
                var matcher = new SigmaRegexMatcher(pattern, ignoreCase: false, multiline, singleline, TimeSpan.FromSeconds(5));
                var options = (multiline ? System.Text.RegularExpressions.RegexOptions.Multiline : 0) | (singleline ? System.Text.RegularExpressions.RegexOptions.Singleline : 0);
                var regex = new System.Text.RegularExpressions.Regex(pattern, options);
                for (int t = 0; t < 1000; t++)
                {
                    string value = new(Enumerable.Range(0, rng.Next(0, 30)).Select(_ => "+^`{xabcX\n "[rng.Next(11)]).ToArray());
                    Assert.True(regex.IsMatch(value) == matcher.Matches(value, null!), $"{pattern} on '{value}'");
                }
            }
    }

    private struct Collect : ILiteralSink
    {
        public List<int> Found_;
        public void Found(int literal) => Found_.Add(literal);
    }
}
