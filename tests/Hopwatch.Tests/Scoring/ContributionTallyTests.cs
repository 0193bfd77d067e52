using Hopwatch.Scoring;

namespace Hopwatch.Tests.Scoring;

/// <summary>
/// ContributionTally folds risk contributions through a table; it must fold them exactly as the list scan it
/// replaced (EntityRiskScorer.Merge, kept here as the reference: same items, order, counts, cap of 200), whatever
/// the mix of repeats.
/// </summary>
public sealed class ContributionTallyTests
{
    /// <summary>The list scan scoring used before: a repeat of factor, reason and points adds its count; at most 200 items.</summary>
    private static void Merge(List<RiskContribution> list, RiskContribution c)
    {
        for (int i = 0; i < list.Count; i++)
            if (list[i].Factor == c.Factor && list[i].Reason == c.Reason && list[i].Points == c.Points)
            {
                list[i] = list[i] with { Count = list[i].Count + c.Count };
                return;
            }
        if (list.Count < 200) list.Add(c);
    }

    private static void AssertSameAsMerge(IReadOnlyList<RiskContribution> input)
    {
        var merged = new List<RiskContribution>();
        foreach (var c in input) Merge(merged, c);
        var tally = new ContributionTally();
        foreach (var c in input) tally.Add(c);
        var folded = new List<RiskContribution>();
        tally.CopyTo(folded);
        Assert.Equal(merged, folded); // records: compared by value
    }

    [Fact]
    public void Repeats_with_the_same_reason_but_other_factor_or_points_stay_apart()
    {
        AssertSameAsMerge(
        [
            new("severity", "r", 3), new("technique", "r", 3), new("severity", "r", 4), new("severity", "r", 3),
            new("technique", "r", 3, 5), new("severity", "other", 3), new("severity", "r", 4), new("time", "r", 3),
        ]);
    }

    [Fact]
    public void Random_mixes_past_the_cap_fold_as_merge_does()
    {
        var rng = new Random(20261126);
        string[] factors = ["severity", "technique", "analytic", "privilege", "time", "rarity"];
        for (int round = 0; round < 50; round++)
        {
            int distinctReasons = rng.Next(1, 400);
            var input = new List<RiskContribution>();
            for (int i = 0, n = rng.Next(0, 3000); i < n; i++)
            {
                // Equal reasons as different string instances too: folding compares text, not references.
                var reason = new string('r', 1) + rng.Next(distinctReasons);
                input.Add(new RiskContribution(factors[rng.Next(factors.Length)], reason, rng.Next(1, 4), rng.Next(1, 3)));
            }
            AssertSameAsMerge(input);
        }
    }
}
