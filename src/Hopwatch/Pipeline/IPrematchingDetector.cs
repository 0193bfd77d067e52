using Hopwatch.Events;

namespace Hopwatch.Pipeline;

/// <summary>
/// A detector whose per-event work does not depend on earlier events (Sigma rule matching) and can
/// therefore be done for a whole batch on several threads before the ordered pass. The ordered pass
/// (<see cref="IDetector.Process"/>) must then see the same events in the same order; it stays the
/// place where alerts are made, so the output does not depend on the thread count.
/// </summary>
public interface IPrematchingDetector
{
    void Prematch(IReadOnlyList<LogEvent> events, int threads, CancellationToken ct = default);
}
