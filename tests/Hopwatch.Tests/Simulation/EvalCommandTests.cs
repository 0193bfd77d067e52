using System.Text.Json;
using Hopwatch.Cli.Commands;
using Hopwatch.Events;

namespace Hopwatch.Tests.Simulation;

/// <summary>`hopwatch simulate` then `hopwatch eval --alerts`: thresholds decide the exit code.</summary>
public sealed class EvalCommandTests
{
    [Fact]
    public void EvalExitCodeFollowsRecallAndFalsePositiveThresholds()
    {
        var dir = SimulationFixture.TempDir("evalcmd");
        try
        {
            Assert.Equal(0, new SimulateCommand().Run(["--out", dir, "--seed", "3", "--hosts", "40", "--scenario", "pth-admin-shares-12", "--formats", "json"]));
            var truth = Hopwatch.Simulation.TruthFile.Load(Path.Combine(dir, "truth.json"));
            var s = Assert.Single(truth.Scenarios);

            string alerts = Path.Combine(dir, "alerts.jsonl");
            var hit = new Alert
            {
                Id = "a1", Analytic = "pass-the-hash", Severity = Severity.Critical, Techniques = ["T1550.002", "T1021.002"],
                TimeFirst = s.Start.AddMinutes(1), TimeLast = s.End,
                Entities = new AlertEntities { Users = ["local_admin"], SourceHosts = [s.SourceHosts[0].ToLowerInvariant()] },
            };
            var noise = new Alert
            {
                Id = "a2", Analytic = "fan-out", Severity = Severity.Medium, Techniques = ["T1021"],
                TimeFirst = s.Start.AddHours(-5), TimeLast = s.Start.AddHours(-5), Entities = new AlertEntities { TargetHosts = ["dc01"] },
            };
            File.WriteAllLines(alerts, [JsonSerializer.Serialize(noise)]);
            Assert.Equal(1, new EvalCommand().Run([dir, "--alerts", alerts, "--min-recall", "1"]));
            File.WriteAllLines(alerts, [JsonSerializer.Serialize(hit), JsonSerializer.Serialize(noise)]);
            Assert.Equal(0, new EvalCommand().Run([dir, "--alerts", alerts, "--min-recall", "1"]));
            Assert.Equal(1, new EvalCommand().Run([dir, "--alerts", alerts, "--min-recall", "1", "--max-fp", "0"]));
            Assert.Equal(0, new EvalCommand().Run([dir, "--alerts", alerts, "--max-fp", "0", "--fp-severity", "high"]));
            Assert.Equal(1, new EvalCommand().Run([Path.Combine(dir, "json"), "--alerts", alerts]));  // no truth.json there
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
