namespace Hopwatch.Simulation;

/// <summary>
/// One named attack. <see cref="Inject"/> writes its events through the context (the same
/// activity builders benign traffic uses) starting near <paramref name="start"/> and returns the truth.
/// </summary>
public abstract class AttackScenario
{
    /// <summary>The name used on the command line and in truth.json.</summary>
    public abstract string Name { get; }
    public abstract string Description { get; }
    /// <summary>Whether the attack happens out of office hours (the simulator picks the start time accordingly).</summary>
    public virtual bool OffHours => false;

    public abstract TruthScenario Inject(SimContext ctx, DateTime start);

    protected TruthScenario Truth(DateTime start, DateTime end, IEnumerable<string> techniques, IEnumerable<SimHost> sources,
        IEnumerable<SimHost> targets, IEnumerable<SimAccount> accounts, IEnumerable<string>? sourceIps = null)
    {
        var src = sources.ToList();
        return new TruthScenario
        {
            Name = Name,
            Description = Description,
            Techniques = techniques.ToList(),
            Start = start,
            End = end,
            SourceHosts = src.Select(h => h.Name).Distinct().ToList(),
            TargetHosts = targets.Select(h => h.Name).Distinct().ToList(),
            Accounts = accounts.Select(a => a.Name).Distinct().ToList(),
            SourceIps = (sourceIps ?? src.Select(h => h.Ip)).Distinct().ToList(),
        };
    }
}
