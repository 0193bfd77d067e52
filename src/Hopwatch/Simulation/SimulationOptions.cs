namespace Hopwatch.Simulation;

/// <summary>What `hopwatch simulate` generates.</summary>
public sealed class SimulationOptions
{
    public int Seed { get; init; } = 1;
    public int Hosts { get; init; } = 50;
    public int Days { get; init; } = 1;
    /// <summary>First simulated day (UTC midnight). Fixed by default so one seed gives the same bytes.</summary>
    public DateTime Start { get; init; } = new(2026, 10, 5, 0, 0, 0, DateTimeKind.Utc);
    /// <summary>Scenario names; empty = none (benign only).</summary>
    public IReadOnlyList<string> Scenarios { get; init; } = [];
    public IReadOnlyList<string> Formats { get; init; } = ["evtx", "authlog"];

    public static readonly string[] AllFormats = ["json", "ecs", "evtx", "authlog"];
}
