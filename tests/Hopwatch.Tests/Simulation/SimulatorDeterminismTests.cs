using System.Security.Cryptography;
using Hopwatch.Simulation;

namespace Hopwatch.Tests.Simulation;

public sealed class SimulatorDeterminismTests
{
    private static Dictionary<string, string> Hashes(string dir) =>
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void SameSeedGivesSameBytesInEveryFormat_DifferentSeedDoesNot()
    {
        var a = SimulationFixture.TempDir("det-a");
        var b = SimulationFixture.TempDir("det-b");
        var c = SimulationFixture.TempDir("det-c");
        try
        {
            var opts = new SimulationOptions { Seed = 11, Hosts = 40, Days = 2, Scenarios = ScenarioRegistry.Names.ToList(), Formats = SimulationOptions.AllFormats };
            Simulator.Run(opts, a);
            Simulator.Run(opts, b);
            Simulator.Run(new SimulationOptions { Seed = 12, Hosts = 40, Days = 2, Scenarios = opts.Scenarios, Formats = opts.Formats }, c);
            var ha = Hashes(a);
            var hb = Hashes(b);
            Assert.True(ha.Count > 100, $"expected files for every host and channel, got {ha.Count}");
            Assert.Equal(ha.Keys.Order(), hb.Keys.Order());
            foreach (var (file, hash) in ha) Assert.True(hash == hb[file], $"{file} differs between two runs with the same seed");
            var hc = Hashes(c);
            Assert.NotEqual(ha["truth.json"], hc["truth.json"]);
            Assert.Contains(ha.Keys, k => k.StartsWith("evtx", StringComparison.Ordinal));
            Assert.Contains(ha.Keys, k => k.StartsWith("ecs", StringComparison.Ordinal));
            Assert.Contains(ha.Keys, k => k.StartsWith("json", StringComparison.Ordinal));
            Assert.Contains(ha.Keys, k => k.StartsWith("authlog", StringComparison.Ordinal));
        }
        finally
        {
            foreach (var d in new[] { a, b, c }) Directory.Delete(d, true);
        }
    }

    [Fact]
    public void UnknownScenarioOrTooFewHostsIsAnError()
    {
        Assert.Throws<ArgumentException>(() => Simulator.Run(new SimulationOptions { Scenarios = ["no-such-thing"] }, _ => { }));
        Assert.Throws<ArgumentOutOfRangeException>(() => Simulator.Run(new SimulationOptions { Hosts = 10 }, _ => { }));
    }
}
