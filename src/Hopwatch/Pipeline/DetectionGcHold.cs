using System.Runtime;

namespace Hopwatch.Pipeline;

/// <summary>
/// A no-GC region (<see cref="GC.TryStartNoGCRegion(long)"/>) over reading and detection. Every event a hunt
/// reads stays alive until the ordered pass has seen it, so a collection in between finds nothing to free and
/// only traces (and copies) all of them: on the bench corpus (146.6 MB EVTX, ~120 MB of events) the
/// collections of that stretch cost ~0.25 s CPU of a ~2 s hunt. Reserving the memory up front costs one
/// collection while the heap is still empty (it starts before the rules are set up) and ~35 MB more peak memory. The reservation is an
/// estimate: should the hunt allocate more, the runtime simply collects and leaves the region.
/// </summary>
internal sealed class DetectionGcHold : IDisposable
{
    /// <summary>
    /// Reading allocates ~0.8 byte per input byte of EVTX; detection ~60 MB more for the bench's 3616 alerts;
    /// the rule set-up (the region starts before it) ~35 MB for all Windows rules from a warm rule cache.
    /// </summary>
    private const long ExtraBytes = 136L << 20;
    /// <summary>The reservation is committed memory: beyond this, hunts collect as usual.</summary>
    private const long MaxBytes = 512L << 20;

    private readonly bool _started;

    private DetectionGcHold(bool started) => _started = started;

    /// <summary>Starts the region sized for <paramref name="inputBytes"/> of evidence; does nothing when the runtime refuses.</summary>
    public static DetectionGcHold Start(long inputBytes)
    {
        long size = Math.Min(MaxBytes, inputBytes + inputBytes / 2 + ExtraBytes);
        try { return new DetectionGcHold(GC.TryStartNoGCRegion(size)); }
        catch (InvalidOperationException) { return new DetectionGcHold(false); } // another region is in progress
        catch (ArgumentOutOfRangeException) { return new DetectionGcHold(false); } // more than this runtime can reserve
    }

    /// <summary>Ends the region if it is still on (allocating past the reservation ends it early).</summary>
    public void Dispose()
    {
        if (!_started || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { } // ended by a collection meanwhile: nothing to undo
    }
}
