namespace Hopwatch.Simulation.Writers;

/// <summary>Renders simulated events (given in time order) into one output format.</summary>
public interface ISimEventWriter : IDisposable
{
    /// <summary>Short name used on the command line (json, ecs, evtx, authlog).</summary>
    string Format { get; }
    void Write(SimEvent e);
}
