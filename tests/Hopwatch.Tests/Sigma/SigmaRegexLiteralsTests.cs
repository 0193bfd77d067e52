using System.Text.RegularExpressions;
using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>Texts required by regexes (<see cref="SigmaRegexLiterals"/>) and the prefilter gating regex rules by them.</summary>
public class SigmaRegexLiteralsTests
{
    private static string[] Texts(string pattern, bool ignoreCase = false, int minLength = 4) =>
        SigmaRegexLiterals.Of(pattern, ignoreCase, minLength)?.Texts.Order(StringComparer.Ordinal).ToArray()!;

    [Fact]
    public void SigmaHqPatternsGiveTheTextsEveryMatchHolds()
    {
        // proc_creation_win_hktl_invoke_obfuscation_obfuscated_iex_commandline.yml
        Assert.Equal(["$PSHOME["], Texts(@"\$PSHome\[\s*\d{1,3}\s*\]\s*\+\s*\$PSHome\["));
        Assert.Equal(["$ENV:COMSPEC["], Texts(@"\$env:ComSpec\[(?:\s*\d{1,3}\s*,){2}"));
        Assert.Equal(["$VERBOSEPREFERENCE.TOSTRING("], Texts(@"\$VerbosePreference\.ToString\("));
        Assert.Equal(["$VERBOSEPREFERENCE"], Texts(@"\[String\]\s*\$VerbosePreference"));
        // ..._invoke_obfuscation_stdin.yml: the longest run wins over "cmd" and the alternations.
        Assert.Equal(["POWERSHELL"], Texts(@"cmd.{0,5}(?:/c|/r).+powershell.+(?:\$\{?input\}?|noexit).+\"""));
        // ..._invoke_obfuscation_via_use_clip.yml (inline (?i)): "echo" and "clip" tie, the first is kept.
        Assert.Equal(["ECHO"], Texts(@"(?i)echo.*clip.*&&.*(?:Clipboard|i`?n`?v`?o`?k`?e`?)"));
        // proc_creation_win_hktl_wsass.yml
        Assert.Equal(["WERFAULTSECURE.EXE"], Texts(@"(?i)\.exe[\""\']?\s+[^\""]{0,64}werfaultsecure\.exe[\""\']?\s+\d{2,10}"));
        // A top-level alternation: one text per branch (proc_creation_win_susp_network_command.yml has one pattern per value).
        Assert.Equal(["INTERFACE", "IPCONFIG"], Texts(@"ipconfig\s+/all|netsh\s+interface")); // each branch's longest run
        // Branches without a long enough text leave the pattern ungated.
        Assert.Null(Texts(@"arp\s+-a"));
        Assert.Null(Texts(@"\w+`(?:\w+|-|.)`[\w+|\s]"));
    }

    [Fact]
    public void ClassesAlternationsAndQuantifiersAreReadAsTheEngineReadsThem()
    {
        Assert.Equal(["SET-ITEM"], Texts("[Ss]et-[Ii]tem"));
        Assert.Equal(["ABCE", "ABDE"], Texts("(?:abc|abd)e"));
        Assert.Equal(["ABCE", "ABDE"], Texts("ab[cd]e"));
        Assert.Equal(["BCDE"], Texts("a{2,3}bcde"));
        Assert.Equal(["EFGH"], Texts("(abcd)?efgh"));
        Assert.Equal(["EFGH"], Texts("(?<name>abcd)*efgh"));
        Assert.Equal(["ABCD"], Texts("(?:abcd)+x?"));
        Assert.Equal(["ABCD"], Texts(@"\12abcd")); // \12 is one code, not \1 then '2'
        Assert.Equal(["A{B}"], Texts("a{b}")); // a brace that is no quantifier is a character
        Assert.Equal(["\tTAB"], Texts(@"\ttab"));
        Assert.Equal(["ABCD"], Texts(@"\x41BCD"));
        Assert.Equal(["A]BC", "]]BC"], Texts("[]a]]bc")); // a ']' first in a class is one of its characters
        // Nothing required: optional, negated, big or zero-width pieces only, empty branches.
        Assert.Null(Texts(".*"));
        Assert.Null(Texts("(?:abcd)?"));
        Assert.Null(Texts("[^abcd]{4}"));
        Assert.Null(Texts("[a-z]{4}"));
        Assert.Null(Texts("abcd|"));
        Assert.Null(Texts("(?=abcd)"));
        Assert.Null(Texts("(?!abcd)x"));
        Assert.Null(Texts("(?<=abcd)x"));
        // Patterns this does not follow: no texts rather than wrong ones.
        Assert.Null(Texts("(?x)a b c d"));
        Assert.Null(Texts("[a-[b]]bcde"));
        Assert.Null(Texts("(?(a)bcde|fghi)"));
        Assert.Null(Texts("abcd)"));
        // Non-ASCII literals are not texts (only ASCII is compared upper-cased on the fly).
        Assert.Null(Texts("caf\u00e9s"));
        Assert.Equal(["E-TEST"], Texts("gr\u00fc\u00dfe-test"));
    }

    [Fact]
    public void DeeplyNestedOrHugePatternsGiveUpOrAnswerWithoutExhaustingTheStack()
    {
        // A hostile rule: 100,000 nested groups. No texts (and no crash), however the engine would take it.
        string nested = new string('(', 100_000) + "abcd" + new string(')', 100_000);
        Assert.Null(Texts(nested));
        // A few levels are read as usual.
        Assert.Equal(["ABCD"], Texts("((((abcd))))"));
        // A long alternation: too many texts to keep, so none.
        Assert.Null(Texts(string.Join("|", Enumerable.Range(0, 500).Select(i => $"word{i:000}"))));
        Assert.Equal(["WORD000", "WORD001"], Texts("word000|word001"));
    }

    [Fact]
    public void CaseInsensitiveTextsWithAKAlsoOpenOnNonAsciiValues()
    {
        Assert.True(SigmaRegexLiterals.Of("kerberos", ignoreCase: true, 4)!.AlsoNonAscii);
        Assert.True(SigmaRegexLiterals.Of("(?i)kerberos", ignoreCase: false, 4)!.AlsoNonAscii);
        Assert.False(SigmaRegexLiterals.Of("kerberos", ignoreCase: false, 4)!.AlsoNonAscii);
        Assert.False(SigmaRegexLiterals.Of("(?i)mimidrv", ignoreCase: false, 4)!.AlsoNonAscii);
        Assert.False(SigmaRegexLiterals.Of("(?-i)kerberos", ignoreCase: false, 4)!.AlsoNonAscii);
    }

    [Fact]
    public void OnlyTheListedLettersMatchANonAsciiCharacterTheUpperCasingDoesNotMapOntoThem()
    {
        // Every character .NET's case-insensitive matching takes for an ASCII letter, and that does not upper-case to
        // that letter as the prefilter upper-cases, must be one of the listed letters' mates.
        var anyLetter = new Regex("[a-z]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        var found = new SortedSet<char>();
        for (int c = 128; c <= char.MaxValue; c++)
        {
            if (c is >= 0xD800 and <= 0xDFFF) continue;
            string s = ((char)c).ToString();
            if (!anyLetter.IsMatch(s)) continue;
            for (char letter = 'A'; letter <= 'Z'; letter++)
                if (Regex.IsMatch(s, letter.ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)
                    && SigmaLiteralFinder.Up((char)c) != letter)
                    found.Add(letter);
        }
        Assert.Equal(SigmaRegexLiterals.LettersWithNonAsciiCaseMates, new string(found.ToArray()));
    }

    /// <summary>Random small patterns over a few letters, each against random values: whenever the regex matches, the upper-cased value holds one of the texts.</summary>
    [Fact]
    public void EveryValueARandomPatternMatchesHoldsOneOfItsTexts()
    {
        var rng = new Random(11);
        string[] atoms = ["a", "b", "c", "k", "K", "ab", "[ab]", "[a-c]", "[^a]", ".", @"\d", @"\s", "(?:a|bc)", "(?:ab|)", "(b|ca)", "(?:k|ck)", @"\.", "x"];
        string[] quantifiers = ["", "", "", "?", "*", "+", "{2}", "{0,2}", "{1,3}", "+?"];
        string alphabet = "abcxkK.1 \u212A\u00e9";
        int gated = 0, checkedMatches = 0;
        for (int p = 0; p < 3000; p++)
        {
            var parts = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => atoms[rng.Next(atoms.Length)] + quantifiers[rng.Next(quantifiers.Length)]);
            string pattern = string.Concat(parts);
            if (rng.Next(4) == 0) pattern += "|" + atoms[rng.Next(atoms.Length)] + atoms[rng.Next(atoms.Length)];
            bool ignoreCase = rng.Next(2) == 0;
            if (rng.Next(6) == 0) pattern = "(?i)" + pattern;
            var required = SigmaRegexLiterals.Of(pattern, ignoreCase, minLength: 1);
            if (required is null) continue;
            gated++;
            var regex = new Regex(pattern, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : 0));
            for (int t = 0; t < 200; t++)
            {
                string value = new(Enumerable.Range(0, rng.Next(0, 10)).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
                if (!regex.IsMatch(value)) continue;
                checkedMatches++;
                string upper = new(value.Select(SigmaLiteralFinder.Up).ToArray());
                bool holds = required.Texts.Any(x => upper.Contains(x, StringComparison.Ordinal))
                             || required.AlsoNonAscii && !System.Text.Ascii.IsValid(value);
                Assert.True(holds, $"'{pattern}' (ignore case: {ignoreCase}) matches '{value}', which holds none of [{string.Join(", ", required.Texts)}]");
            }
        }
        Assert.True(gated > 1000 && checkedMatches > 20_000, $"{gated} patterns with texts, {checkedMatches} matches checked: too few to show much");
    }


    private static List<string> Hits(SigmaRuleSet set, params (string, string?)[] fields) =>
        Run(set, [Event(Sysmon, 1, fields)]).Select(a => a.RuleId[^4..]).ToList();

    [Fact]
    public void ARegexRuleIsGatedByItsTextsAndStillMatchesWhateverTheCase()
    {
        string[] rules =
        [
            ProcessRule("selection:\n    CommandLine|re: '\\$PSHome\\[\\s*\\d{1,3}\\s*\\]'", id: "44444444-4444-4444-4444-000000000001"),
            ProcessRule("selection:\n    CommandLine|re: '(?i)kerberos::(?:golden|ptt)'", id: "44444444-4444-4444-4444-000000000002"),
            ProcessRule("selection:\n    CommandLine|re|i: 'ipconfig\\s+/all|netsh\\s+interface'", id: "44444444-4444-4444-4444-000000000003"),
            // No text of 4 characters: tested on every event.
            ProcessRule("selection:\n    CommandLine|re: 'arp\\s+-a'", id: "44444444-4444-4444-4444-000000000004"),
        ];
        var set = Load(rules[0], null, rules[1..]);
        Assert.True(set.Errors.Count == 0, string.Join("\n", set.Errors));
        var required = set.Variants.Where(v => v.Mapping!.Channels.Contains(Sysmon)).ToDictionary(v => v.Rule.Id[^4..], v => v.RequiredLiterals?.Select(a => a.NonAscii ? "<non-ASCII>" : a.Text).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(["$PSHOME["], required["0001"]!);
        Assert.Equal(["<non-ASCII>", "KERBEROS::GOLDEN", "KERBEROS::PTT"], required["0002"]!);
        Assert.Equal(["INTERFACE", "IPCONFIG"], required["0003"]!);
        Assert.Null(required["0004"]);

        Assert.Equal(["0001"], Hits(set, ("CommandLine", "x $PSHome[ 21]+$PSHome[34]")));
        Assert.Empty(Hits(set, ("CommandLine", "x $PSHOME[ 21]"))); // the regex is case-sensitive
        Assert.Equal(["0002"], Hits(set, ("CommandLine", "mimikatz KERBEROS::Golden /user:x")));
        // KELVIN SIGN: the regex takes it for k, the upper-cased value holds no "KERBEROS::", the non-ASCII gate opens it.
        Assert.Equal(["0002"], Hits(set, ("CommandLine", "mimikatz \u212Aerberos::ptt")));
        Assert.Equal(["0003"], Hits(set, ("CommandLine", "IPCONFIG  /ALL")));
        Assert.Equal(["0003"], Hits(set, ("CommandLine", "cmd /c netsh interface show")));
        Assert.Equal(["0004"], Hits(set, ("CommandLine", "arp -a")));
        Assert.Empty(Hits(set, ("CommandLine", "ipconfig /renew")));

        // Without the prefilter the same rules give the same answers, with more tests run.
        var plain = Load(rules[0], new SigmaOptions { Prefilter = false }, rules[1..]);
        foreach (var value in new[] { "x $PSHome[ 21]", "KERBEROS::PTT", "\u212Aerberos::golden", "ipconfig /all", "nothing here at all", "arp  -a" })
            Assert.Equal(Hits(plain, ("CommandLine", value)), Hits(set, ("CommandLine", value)));
    }
}
