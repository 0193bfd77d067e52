using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Simulation;

namespace Hopwatch.Tests.Simulation;

/// <summary>
/// End to end: every scenario is detected with the right sub-technique, and benign traffic alone
/// raises nothing above low. These need the analytics stage (branch analytics) on main; until it
/// has landed the hunt emits no alerts, so they are skipped rather than asserting nothing.
/// </summary>
public sealed class DetectionTests
{
    private const string NeedsAnalytics = "needs the stateful analytics (branch 'analytics') merged into main; remove Skip once HuntPlan runs them";

    private static (TruthFile Truth, IReadOnlyList<Alert> Alerts) Hunt(SimulationOptions o)
    {
        var dir = SimulationFixture.TempDir("detect");
        try
        {
            var r = Simulator.Run(o, dir);
            var hunt = HuntRunner.Run(new HuntOptions
            {
                Inputs = [Path.Combine(dir, "evtx"), Path.Combine(dir, "authlog")],
                AssetsPath = Path.Combine(dir, "assets.csv"),
                Threads = 2,
            });
            return (r.Truth, hunt.Alerts);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact(Skip = NeedsAnalytics)]
    public void EveryScenarioIsDetectedWithItsSubTechnique()
    {
        var (truth, alerts) = Hunt(new SimulationOptions { Seed = 7, Hosts = 60, Days = 9, Scenarios = ScenarioRegistry.Names.ToList() });
        var score = Evaluation.Score(truth, alerts);
        var missed = score.Scenarios.Where(s => !s.Detected).Select(s => s.Scenario.Name).ToList();
        Assert.True(missed.Count == 0, "missed: " + string.Join(", ", missed));
    }

    // With the analytics branch wired in (checked 2026-11-25): all 12 scenarios detected; the benign
    // week still gives 2 ssh-lateral alerts above low: the backup server's nightly SSH key logins to
    // every Linux server (role backup-server not exempted) and an admin's SSH from a workstation that
    // SCCM had just pushed to (counted as "reached remotely"). Those are analytics tuning items.
    [Fact(Skip = NeedsAnalytics)]
    public void AWeekOfBenignTrafficAt200HostsRaisesNothingAboveLow()
    {
        var (truth, alerts) = Hunt(new SimulationOptions { Seed = 8, Hosts = 200, Days = 7 });
        Assert.Empty(truth.Scenarios);
        var score = Evaluation.Score(truth, alerts);
        var loud = score.FalsePositivesByAnalytic(Severity.Medium).Select(g => $"{g.Analytic} x{g.Count} ({g.MaxSeverity})").ToList();
        Assert.True(loud.Count == 0, "benign alerts above low: " + string.Join(", ", loud));
    }
}
