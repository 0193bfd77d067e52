using Hopwatch.Sigma;

namespace Hopwatch.Tests.Sigma;

/// <summary>The strided keyword search must find exactly what a search of the upper-cased value finds.</summary>
public class SigmaStrideFinderTests
{
    // Needles of SigmaHQ's Mimikatz keyword rule (builtin/win_alert_mimikatz_keywords.yml), upper-cased as the matcher files them.
    private static readonly string[] Mimikatz =
        ["DPAPI::MASTERKEY", "EO.OE.KIWI", "EVENT::CLEAR", "GENTILKIWI.COM", "KERBEROS::PTT", "KIWI LEGIT PRINTER",
         "LSADUMP::", "MIMIDRV.SYS", @"\MIMILIB.DLL", "PRIVILEGE::DEBUG", "SEKURLSA::"];

    private static bool Expected(string[] needles, string text)
    {
        string upper = text.ToUpperInvariant();
        return needles.Any(n => upper.Contains(n, StringComparison.Ordinal));
    }

    [Fact]
    public void FindsEveryNeedleAtEveryOffsetAndCaseAndNothingElse()
    {
        var finder = SigmaStrideFinder.TryCreate(Mimikatz);
        Assert.NotNull(finder);
        Assert.Equal("LSADUMP::".Length - 3, finder.Stride);
        foreach (var needle in Mimikatz)
            for (int pad = 0; pad < 2 * finder.Stride + 2; pad++)
                foreach (var form in new[] { needle, needle.ToLowerInvariant(), char.ToLowerInvariant(needle[0]) + needle[1..] })
                {
                    string text = new string('x', pad) + form + new string('y', pad % 3);
                    Assert.True(finder.ContainsAny(text), text);
                    // One character changed anywhere: no longer a hit.
                    for (int i = 0; i < form.Length; i++)
                    {
                        string broken = text.Remove(pad + i, 1).Insert(pad + i, "#");
                        Assert.Equal(Expected(Mimikatz, broken), finder.ContainsAny(broken));
                    }
                }
        Assert.False(finder.ContainsAny(""));
        Assert.False(finder.ContainsAny("lsadump:"));
    }

    [Fact]
    public void FoldsNonAsciiCharactersAsToUpperInvariantDoes()
    {
        var finder = SigmaStrideFinder.TryCreate(["SEKURLSA::", "DISKSHADOW"])!;
        // U+0131 (dotless i) and U+017F (long s) may upper-case to ASCII 'I' and 'S' (depending on the casing tables);
        // whatever ToUpperInvariant does, the finder must do the same. A surrogate pair stays non-ASCII.
        foreach (var text in new[] { "ſekurlſa::logonpasswords", "dıskshadow /s", "x\uD83D\uDE00sekurlsa::", "ÿsekurlsa:", "ÄÖÜ diskshadoẅ" })
            Assert.Equal(Expected(["SEKURLSA::", "DISKSHADOW"], text), finder.ContainsAny(text));
    }

    [Fact]
    public void AgreesWithTheUpperCasedSearchOnRandomText()
    {
        var rng = new Random(4021);
        const string alphabet = "abekrlsuKSEU:.\\ıſ x";
        int hits = 0;
        for (int n = 0; n < 20_000; n++)
        {
            var chars = new char[rng.Next(0, 40)];
            for (int i = 0; i < chars.Length; i++) chars[i] = alphabet[rng.Next(alphabet.Length)];
            string text = new(chars);
            if (rng.Next(4) == 0) text = text.Insert(rng.Next(text.Length + 1), "seKurLsa::");
            bool expected = Expected(Mimikatz, text);
            Assert.Equal(expected, SigmaStrideFinder.TryCreate(Mimikatz)!.ContainsAny(text));
            if (expected) hits++;
        }
        Assert.True(hits > 3000, $"{hits} hits");
    }

    [Fact]
    public void DeclinesListsItCannotSearch()
    {
        Assert.Null(SigmaStrideFinder.TryCreate([]));
        Assert.Null(SigmaStrideFinder.TryCreate(["SHORT", "LONGENOUGH"]));
        Assert.Null(SigmaStrideFinder.TryCreate(["ÉVÈNEMENT"]));
        Assert.Null(SigmaStrideFinder.TryCreate(Enumerable.Range(0, SigmaStrideFinder.MaxLiterals + 1).Select(i => $"NEEDLE{i:000}").ToArray()));
    }
}
