using System.Diagnostics;
using System.Globalization;

/// <summary>
/// Loaded by the runtime before Main when DOTNET_STARTUP_HOOKS names this assembly (the type must be
/// called StartupHook, outside any namespace, with a static Initialize). On exit it prints one line:
/// "alloc-stats: allocated_bytes=N gen0=N gen1=N gen2=N peak_working_set=N".
/// </summary>
internal static class StartupHook
{
    public static void Initialize()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            long peak = Process.GetCurrentProcess().PeakWorkingSet64;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"alloc-stats: allocated_bytes={allocated} gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)} peak_working_set={peak}"));
        };
    }
}
