using Hopwatch.Simulation;

namespace Hopwatch.Tests.Simulation;

/// <summary>Runs small simulations in memory (and, for file tests, into a temp folder) once per test class.</summary>
public static class SimulationFixture
{
    public static (SimulationResult Result, List<SimEvent> Events) InMemory(int seed, int hosts, int days, params string[] scenarios)
    {
        var events = new List<SimEvent>();
        var r = Simulator.Run(new SimulationOptions { Seed = seed, Hosts = hosts, Days = days, Scenarios = scenarios }, events.Add);
        return (r, events);
    }

    public static string TempDir(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "hopwatch-sim-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }
}
