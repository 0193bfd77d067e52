using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Simulation;

namespace Hopwatch.Tests.Simulation;

/// <summary>
/// End to end: every scenario is detected with the right sub-technique, and benign traffic alone
/// raises nothing above low (skipped while an analytics tuning item is open, see the reason).
/// </summary>
public sealed class DetectionTests
{
    private const string SshLateralFlagsBackup =
        "analytics tuning pending: ssh-lateral raises 2 alerts above low on benign traffic (critical: the backup server's nightly " +
        "SSH key logins to every Linux server; medium: an admin's SSH from a workstation SCCM had just pushed to). Unskip once " +
        "ssh-lateral honours the backup-server / configuration-management roles of assets.csv.";

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

    [Fact]
    public void EveryScenarioIsDetectedWithItsSubTechnique()
    {
        var (truth, alerts) = Hunt(new SimulationOptions { Seed = 7, Hosts = 60, Days = 9, Scenarios = ScenarioRegistry.Names.ToList() });
        var score = Evaluation.Score(truth, alerts);
        var missed = score.Scenarios.Where(s => !s.Detected).Select(s => s.Scenario.Name).ToList();
        Assert.True(missed.Count == 0, "missed: " + string.Join(", ", missed));
    }

    [Fact]
    public void AWeekOfBenignTrafficAt200HostsRaisesNothingAboveLow()
    {
        var (truth, alerts) = Hunt(new SimulationOptions { Seed = 8, Hosts = 200, Days = 7 });
        Assert.Empty(truth.Scenarios);
        var score = Evaluation.Score(truth, alerts);
        var loud = score.FalsePositivesByAnalytic(Severity.Medium).Select(g => $"{g.Analytic} x{g.Count} ({g.MaxSeverity})").ToList();
        Assert.True(loud.Count == 0, "benign alerts above low: " + string.Join(", ", loud));
    }
}
