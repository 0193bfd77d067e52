using Hopwatch.Events;

namespace Hopwatch.Pipeline;

/// <summary>
/// The detectors and report writers one hunt uses, built from its options. This is the single
/// place where the stages are wired together.
/// </summary>
public sealed class HuntPlan : IDisposable
{
    public List<IDetector> Detectors { get; } = new();
    public List<(Alert Alert, string Reason)> Suppressed { get; } = new();
    private readonly List<Action<string, HuntResult>> _reportWriters = new();
    private readonly List<IDisposable> _owned = new();

    public static HuntPlan Create(HuntOptions options, ReadDiagnostics diag)
    {
        var plan = new HuntPlan();
        return plan;
    }

    public void WriteReports(string outDir, HuntResult result)
    {
        foreach (var w in _reportWriters) w(outDir, result);
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }
}
