using Hopwatch.Pipeline;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Pipeline;

/// <summary>The hunt reads while its detectors are set up, and matches rules on several threads: neither may change what it reports.</summary>
public sealed class HuntSetupTests
{
    private static readonly string SigmaWindows = Path.Combine(SharedData.Sigma, "rules", "windows");

    [Fact]
    public void A_rules_folder_without_a_usable_rule_stops_the_hunt_with_its_error_and_writes_nothing()
    {
        var rules = Directory.CreateTempSubdirectory("hopwatch-badrules-");
        var outDir = Path.Combine(Path.GetTempPath(), "hopwatch-hunt-" + Guid.NewGuid().ToString("N"));
        try
        {
            File.WriteAllText(Path.Combine(rules.FullName, "broken.yml"), "title: [unclosed\n");
            var e = Assert.Throws<HuntSetupException>(() => HuntRunner.Run(new HuntOptions
            {
                Inputs = [SharedData.Evtx], OutDir = outDir, SigmaDirs = [rules.FullName], Threads = 2,
            }));
            Assert.Contains("broken.yml", e.Message);
            Assert.False(Directory.Exists(outDir));
        }
        finally { rules.Delete(true); }
    }

    [Fact]
    public void One_and_two_threads_write_the_same_alerts()
    {
        var outs = new[] { 1, 2 }.Select(_ => Directory.CreateTempSubdirectory("hopwatch-hunt-").FullName).ToArray();
        try
        {
            for (int t = 0; t < 2; t++)
                HuntRunner.Run(new HuntOptions { Inputs = [SharedData.Evtx], OutDir = outs[t], SigmaDirs = [SigmaWindows], Threads = t + 1, Analytics = false });
            var one = File.ReadAllText(Path.Combine(outs[0], "alerts.jsonl"));
            var two = File.ReadAllText(Path.Combine(outs[1], "alerts.jsonl"));
            Assert.True(one.Count(c => c == '\n') > 1000, "expected the shared EVTX to raise over 1000 alerts");
            Assert.Equal(one, two);
        }
        finally { foreach (var o in outs) Directory.Delete(o, true); }
    }
}
