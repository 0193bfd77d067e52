using Hopwatch.Sigma;

namespace Hopwatch.Tests.Sigma;

/// <summary>The prefilter's multi-literal finder on tables big enough to carry the gram filter.</summary>
public class SigmaLiteralFinderTests
{
    private struct Collect : ILiteralSink
    {
        public List<int> Found_;
        public void Found(int literal) => Found_.Add(literal);
    }

    [Theory]
    [InlineData(600)]   // below the filter's table size
    [InlineData(3000)]  // with it, as the prefilter's CommandLine table
    public void AFinderOfThousandsOfLiteralsReportsExactlyThoseInTheValue(int count)
    {
        var rng = new Random(count);
        const string alphabet = "ABCDEFGH\\.:- EXE";
        string Word(int len) => new(Enumerable.Range(0, len).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
        var literals = Enumerable.Range(0, count).Select(_ => Word(rng.Next(4, 12))).Distinct(StringComparer.Ordinal).ToList();
        var finder = new SigmaLiteralFinder(literals);
        int hits = 0;
        for (int t = 0; t < 400; t++)
        {
            string text = Word(rng.Next(0, 80));
            for (int k = rng.Next(3); k > 0; k--) text = text.Insert(rng.Next(text.Length + 1), literals[rng.Next(literals.Count)]);
            var expected = Enumerable.Range(0, literals.Count).Where(li => text.Contains(literals[li], StringComparison.Ordinal)).ToList();
            hits += expected.Count;
            var sink = new Collect { Found_ = new List<int>() };
            finder.Scan(text, ref sink);
            Assert.Equal(expected, sink.Found_.Distinct().Order());
            Assert.Equal(expected.Count > 0, finder.ContainsAny(text));
            // Lower-case values found upper-cased on the fly, as the prefilter scans them.
            string lower = text.ToLowerInvariant();
            var folded = new Collect { Found_ = new List<int>() };
            finder.Scan(lower, fold: true, ref folded);
            Assert.Equal(expected, folded.Found_.Distinct().Order());
            Assert.Equal(expected.Count > 0, finder.ContainsAny(lower, fold: true));
        }
        Assert.True(hits > 400, $"{hits} literals found in all: too few to show much");
    }

    /// <summary>
    /// Texts read a gram at a time (not folded, or all ASCII) and character by character (folded with other characters)
    /// report exactly the literals a plain search of the upper-cased copy finds: literals of 4 to 9 characters (each
    /// entry's four checked characters sit after, before or over its gram), ASCII ones searched folded and not, non-ASCII
    /// ones in upper-cased copies (as the prefilter does), with KELVIN SIGN, long s, dotted I and é in the texts.
    /// </summary>
    [Theory]
    [InlineData(40, false)]
    [InlineData(3000, false)]
    [InlineData(40, true)]
    [InlineData(3000, true)]
    public void GramsReadAtOnceAndOneByOneFindTheSame(int count, bool nonAsciiLiterals)
    {
        var rng = new Random(count + (nonAsciiLiterals ? 1 : 0));
        const string ascii = "ABCDKS:\\.- ";
        const string wide = "ABCDKS:\\.- \u00C9\u212A\u0130\u00DF";
        string Word(string alphabet, int len) => new(Enumerable.Range(0, len).Select(_ => alphabet[rng.Next(alphabet.Length)]).ToArray());
        var literals = Enumerable.Range(0, count).Select(_ => Word(nonAsciiLiterals ? wide : ascii, rng.Next(4, 10)).ToUpperInvariant())
            .Where(SigmaLiteralFinder.CanFind).Distinct(StringComparer.Ordinal).ToList();
        var finder = new SigmaLiteralFinder(literals);
        Assert.Equal(!nonAsciiLiterals || literals.All(l => System.Text.Ascii.IsValid(l)), finder.AllAscii);
        int hits = 0;
        for (int t = 0; t < 600; t++)
        {
            // Lower-case ASCII, long s and Kelvin sign (which upper-case to S and stay themselves), sometimes none of them.
            string text = Word(rng.Next(3) == 0 ? "abcdks:\\.- " : "abcdks:\\.- \u017F\u212A\u00E9\u0131", rng.Next(0, 120));
            for (int k = rng.Next(3); k > 0; k--) text = text.Insert(rng.Next(text.Length + 1), literals[rng.Next(literals.Count)].ToLowerInvariant());
            string upper = text.ToUpperInvariant(); // character by character under invariant globalization
            var expectedFolded = Enumerable.Range(0, literals.Count).Where(li => upper.Contains(literals[li], StringComparison.Ordinal)).ToList();
            var expectedRaw = Enumerable.Range(0, literals.Count).Where(li => text.Contains(literals[li], StringComparison.Ordinal)).ToList();
            hits += expectedFolded.Count;
            // The upper-cased copy, not folded: read at once whatever its characters.
            var copy = new Collect { Found_ = new List<int>() };
            finder.Scan(upper, ref copy);
            Assert.Equal(expectedFolded, copy.Found_.Distinct().Order());
            Assert.Equal(expectedFolded.Count > 0, finder.ContainsAny(upper));
            var raw = new Collect { Found_ = new List<int>() };
            finder.Scan(text, ref raw);
            Assert.Equal(expectedRaw, raw.Found_.Distinct().Order());
            Assert.Equal(expectedRaw.Count > 0, finder.ContainsAny(text));
            if (!finder.AllAscii) continue; // folding on the fly is only for ASCII literals
            var folded = new Collect { Found_ = new List<int>() };
            finder.Scan(text, fold: true, ref folded);
            Assert.Equal(expectedFolded, folded.Found_.Distinct().Order());
            Assert.Equal(expectedFolded.Count > 0, finder.ContainsAny(text, fold: true));
        }
        Assert.True(hits > 300, $"{hits} literals found in all: too few to show much");
    }

    /// <summary>
    /// Long literals (filed under a gram of their last 16 characters, as the vulnerable-driver hashes are) and one whose
    /// last characters are NUL (filed under a gram before them) are found exactly where a plain search finds them.
    /// </summary>
    [Fact]
    public void LongLiteralsAndOnesEndingInNulCharactersAreFound()
    {
        var rng = new Random(71);
        string Hex(int len) => new(Enumerable.Range(0, len).Select(_ => "0123456789ABCDEF"[rng.Next(16)]).ToArray());
        var literals = Enumerable.Range(0, 2_000).Select(k => (k % 3 == 0 ? "MD5=" : k % 3 == 1 ? "SHA1=" : "SHA256=") + Hex(32 + k % 40))
            .Append("ABCD" + new string('\0', 20)).Append(new string('\0', 3) + "XYZW" + new string('\0', 30))
            .Distinct(StringComparer.Ordinal).ToList();
        var finder = new SigmaLiteralFinder(literals);
        int hits = 0;
        for (int t = 0; t < 300; t++)
        {
            string text = "SHA1=" + Hex(40) + ",MD5=" + Hex(32) + ",SHA256=" + Hex(64);
            if (rng.Next(2) == 0) text = text.Insert(rng.Next(text.Length + 1), literals[rng.Next(literals.Count)]);
            if (rng.Next(4) == 0) text = text.Insert(rng.Next(text.Length + 1), literals[^(1 + rng.Next(2))]);
            if (rng.Next(4) == 0) text = text.Insert(rng.Next(text.Length + 1), literals[rng.Next(literals.Count)][..^1]); // cut short
            var expected = Enumerable.Range(0, literals.Count).Where(li => text.Contains(literals[li], StringComparison.Ordinal)).ToList();
            hits += expected.Count;
            var sink = new Collect { Found_ = new List<int>() };
            finder.Scan(text, ref sink);
            Assert.Equal(expected, sink.Found_.Distinct().Order());
            Assert.Equal(expected.Count > 0, finder.ContainsAny(text));
            var folded = new Collect { Found_ = new List<int>() };
            finder.Scan(text.ToLowerInvariant(), fold: true, ref folded);
            Assert.Equal(expected, folded.Found_.Distinct().Order());
        }
        Assert.True(hits > 100, $"{hits} literals found in all");
    }
}
