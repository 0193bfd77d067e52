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
}
