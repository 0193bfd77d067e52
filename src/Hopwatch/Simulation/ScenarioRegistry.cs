using Hopwatch.Simulation.Scenarios;

namespace Hopwatch.Simulation;

/// <summary>Every attack scenario by name, in a fixed order.</summary>
public static class ScenarioRegistry
{
    public static IReadOnlyList<AttackScenario> All { get; } =
    [
        new RdpChainScenario(), new WinRmHrScenario(), new PassTheHashScenario(), new RdpLocalhostTunnelScenario(),
        new PsExecScenario(), new WinRmRemoteCommandScenario(), new SshStolenKeyScenario(), new SprayThenRdpScenario(),
        new DcomMmcScenario(), new OffHoursAdminRdpScenario(), new RdpNestingScenario(), new VncScenario(),
    ];

    public static IEnumerable<string> Names => All.Select(s => s.Name);

    public static AttackScenario? Find(string name) => All.FirstOrDefault(s => s.Name == name);
}
