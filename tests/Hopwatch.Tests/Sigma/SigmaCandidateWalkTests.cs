using Hopwatch.Sigma;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>The matcher's walk over a bucket's ungated and opened variants (<see cref="SigmaCandidateWalk"/>).</summary>
public class SigmaCandidateWalkTests
{
    private static readonly Lazy<SigmaRuleSet> WindowsRules = new(() => SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules", "windows")]));

    /// <summary>What the walk must visit: the bucket's variants in its order, those with required texts only if open.</summary>
    private static List<int> Expected(SigmaCandidates bucket, Func<int, bool> open)
    {
        bool gated = bucket.ScanFields.Length > 0;
        var expected = new List<int>();
        foreach (var v in bucket.Variants)
            if (!gated || v.RequiredLiterals is null || open(v.Ordinal))
                expected.Add(v.Ordinal);
        return expected;
    }

    private static List<int> Walked(SigmaCandidates bucket, ulong[] open)
    {
        var walked = new List<int>();
        bucket.Walk.Walk(bucket.ScanFields.Length > 0 ? open : null, walked.Add);
        return walked;
    }

    [Fact]
    public void EveryBucketOfTheWindowsRulesIsWalkedInItsOrderWithOnlyOpenGatedVariants()
    {
        var set = WindowsRules.Value;
        int words = (set.Variants.Count + 63) / 64;
        var rng = new Random(5);
        int buckets = 0, mixed = 0;
        foreach (var bucket in set.Index.Buckets)
        {
            if (bucket.Variants.Length == 0) continue;
            buckets++;
            if (bucket.Variants.Any(v => v.RequiredLiterals is null) && bucket.Variants.Any(v => v.RequiredLiterals is not null)) mixed++;
            // All open, none open, and a random tenth open.
            var all = Enumerable.Repeat(ulong.MaxValue, words).ToArray();
            Assert.Equal(Expected(bucket, _ => true), Walked(bucket, all));
            Assert.Equal(Expected(bucket, _ => false), Walked(bucket, new ulong[words]));
            var some = new ulong[words];
            var opened = new HashSet<int>();
            for (int o = 0; o < set.Variants.Count; o++)
                if (rng.Next(10) == 0) { some[o >> 6] |= 1UL << o; opened.Add(o); }
            Assert.Equal(Expected(bucket, opened.Contains), Walked(bucket, some));
        }
        Assert.True(buckets > 100 && mixed > 50, $"{buckets} buckets, {mixed} with gated and ungated variants");
    }

    [Fact]
    public void RunsOfAscendingOrdinalsBecomeSegmentsAndRepeatsAreWalkedAgain()
    {
        // A bucket whose variants repeat (a variant filed under a channel twice) or go back: a segment per ascending run.
        var set = Load(string.Join("\n---\n", Enumerable.Range(0, 3).Select(i =>
            ProcessRule($"selection:\n    CommandLine|contains: 'needle-{i}'", id: $"55555555-5555-5555-5555-00000000000{i}"))));
        var v = set.Variants;
        var walk = new SigmaCandidateWalk([v[0], v[2], v[1], v[2], v[0]], gated: true);
        Assert.Equal(3, walk.Segments.Length);
        var walked = new List<int>();
        walk.Walk([ulong.MaxValue], walked.Add);
        Assert.Equal([0, 2, 1, 2, 0], walked);
        walked.Clear();
        walk.Walk([1UL << 2], walked.Add);
        Assert.Equal([2, 2], walked);
        // Ungated: every variant, open or not.
        walked.Clear();
        new SigmaCandidateWalk([v[1], v[2]], gated: false).Walk(null, walked.Add);
        Assert.Equal([1, 2], walked);
    }

    [Fact]
    public void OrdinalsAcrossWordBoundariesAreWalkedInOrder()
    {
        // 130 rules: ordinals in three 64-bit words.
        var rules = Enumerable.Range(0, 130).Select(i => ProcessRule($"selection:\n    CommandLine|contains: 'needle-{i:000}'", id: $"66666666-6666-6666-6666-{i:000000000000}")).ToArray();
        var set = Load(rules[0], null, rules[1..]);
        var bucket = set.Index.Candidates("Microsoft-Windows-Sysmon/Operational", 1);
        Assert.True(bucket.ScanFields.Length > 0);
        var hits = Run(set, [Event("Microsoft-Windows-Sysmon/Operational", 1, ("CommandLine", "needle-129 needle-000 needle-064 needle-063 needle-100"))]);
        // In the bucket's (load) order, whatever the order of the texts in the value.
        var expectedVariants = bucket.Variants.Where(v => v.Rule.Id[^3..] is "129" or "000" or "064" or "063" or "100").ToList();
        Assert.Equal(5, expectedVariants.Count);
        Assert.True(expectedVariants.Select(v => v.Ordinal / 64).Distinct().Count() >= 2, "the hits should span words");
        var expected = expectedVariants.Select(v => v.Rule.Id).ToList();
        Assert.Equal(expected, hits.Select(a => a.RuleId));
    }
}
