using System.Diagnostics;

namespace Hopwatch.Pipeline;

/// <summary>
/// Where a hunt's time goes, phase by phase: wall time, the process's CPU time (all threads, so work
/// overlapping on background threads lands in the phase the main thread was in) and bytes allocated.
/// Printed to stderr when HOPWATCH_HUNT_PHASES=1 (=2: with steps, see <see cref="Step"/>); otherwise every call is a field test. For
/// measuring (bench/sigma.sh, docs/benchmarks.md), not part of any output.
/// </summary>
internal sealed class HuntPhaseLog
{
    private static readonly string? Setting = Environment.GetEnvironmentVariable("HOPWATCH_HUNT_PHASES");
    private static readonly bool Enabled = Setting is "1" or "2";
    /// <summary>HOPWATCH_HUNT_PHASES=2: steps within phases too (measuring a step costs ~0.1 ms, so not by default).</summary>
    public static bool StepsEnabled { get; } = Setting == "2";

    private readonly Stopwatch _wall = Stopwatch.StartNew();
    private TimeSpan _lastWall;
    private TimeSpan _lastCpu;
    private long _lastAlloc;
    private int _lastGcs;
    private long _lastJitted;
    private TimeSpan _lastJitTime;
    private TimeSpan _lastPause;
    // Where the last step (or phase) ended: steps split a phase for a closer look without changing its totals.
    private TimeSpan _stepWall, _stepCpu;
    private long _stepAlloc;

    private HuntPhaseLog()
    {
        _lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
        _lastAlloc = GC.GetTotalAllocatedBytes(precise: true);
        _lastJitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        _lastJitTime = System.Runtime.JitInfo.GetCompilationTime();
        _lastPause = GC.GetTotalPauseDuration();
        (_stepWall, _stepCpu, _stepAlloc) = (TimeSpan.Zero, _lastCpu, _lastAlloc);
    }

    /// <summary>A log when measuring is switched on, else null (callers use ?.).</summary>
    public static HuntPhaseLog? StartIfEnabled() => Current = Enabled ? new HuntPhaseLog() : null;
    /// <summary>The log of the hunt running when measuring is on, for stages that time their own steps (report files).</summary>
    internal static HuntPhaseLog? Current { get; private set; }

    /// <summary>Ends the phase running since the last call (or the start) under <paramref name="name"/>.</summary>
    public void End(string name)
    {
        var wall = _wall.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long alloc = GC.GetTotalAllocatedBytes(precise: true);
        int gcs = GC.CollectionCount(0);
        long jitted = System.Runtime.JitInfo.GetCompiledMethodCount();
        var jitTime = System.Runtime.JitInfo.GetCompilationTime();
        var pause = GC.GetTotalPauseDuration();
        Console.Error.WriteLine($"phase {name,-22} wall {(wall - _lastWall).TotalSeconds,6:0.000} s  cpu {(cpu - _lastCpu).TotalSeconds,6:0.000} s  alloc {(alloc - _lastAlloc) / 1e6,8:0.0} MB  GCs {gcs - _lastGcs,2} paused {(pause - _lastPause).TotalSeconds,6:0.000} s  jit {jitted - _lastJitted,5} methods {(jitTime - _lastJitTime).TotalSeconds,6:0.000} s (gen1 {GC.CollectionCount(1)}, gen2 {GC.CollectionCount(2)} so far)");
        (_lastWall, _lastCpu, _lastAlloc, _lastGcs, _lastJitted, _lastJitTime, _lastPause) = (wall, cpu, alloc, gcs, jitted, jitTime, pause);
        (_stepWall, _stepCpu, _stepAlloc) = (wall, cpu, alloc);
    }

    /// <summary>
    /// Ends a step of the running phase under <paramref name="name"/>: printed (indented) with its own wall, CPU and
    /// allocation since the last step or phase, while the phase's line still covers all of its steps.
    /// </summary>
    public void Step(string name)
    {
        if (!StepsEnabled) return;
        var wall = _wall.Elapsed;
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        long alloc = GC.GetTotalAllocatedBytes(precise: true);
        Console.Error.WriteLine($"  step {name,-28} wall {(wall - _stepWall).TotalSeconds,6:0.000} s  cpu {(cpu - _stepCpu).TotalSeconds,6:0.000} s  alloc {(alloc - _stepAlloc) / 1e6,8:0.0} MB");
        // Measuring costs a little itself (reading the process's times): not charged to the next step.
        (_stepWall, _stepCpu, _stepAlloc) = (_wall.Elapsed, Process.GetCurrentProcess().TotalProcessorTime, GC.GetTotalAllocatedBytes(precise: true));
    }
}
