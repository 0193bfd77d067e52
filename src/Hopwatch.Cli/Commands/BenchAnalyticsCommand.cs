using System.Diagnostics;
using Hopwatch.Analytics;
using Hopwatch.Events;

namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch bench-analytics`: throughput and peak memory of the analytics on a synthetic estate (bench/analytics.sh).</summary>
public sealed class BenchAnalyticsCommand : ICliCommand
{
    public string Name => "bench-analytics";
    public string Summary => "(benchmark) analytics throughput and peak memory on generated events";
    public string Usage => """
        usage: hopwatch bench-analytics [--events N] [--hosts H] [--seed S] [--show K]

        Generates N normalised events (default 10,000,000) from H hosts (default 50,000) spread over
        three days, runs every Hopwatch analytic over them, and prints events/s (analytics time only,
        generation excluded), peak working set, state size and alerts (--show K: the first K
        descriptions of each analytic).
        """;

    public int Run(string[] args)
    {
        var a = CliArgs.Parse(args);
        int events = a.Int("--events", 10_000_000, 1);
        int hosts = a.Int("--hosts", 50_000, 10);
        int seed = a.Int("--seed", 1021);
        int show = a.Int("--show", 0, 0);
        a.RejectUnknown();

        using var suite = AnalyticsSuite.Create(AnalyticsConfig.Load(null), null, null);
        var detector = suite.Detectors[0];
        long alerts = 0, n = 0, maxState = 0;
        var byAnalytic = new SortedDictionary<string, long>(StringComparer.Ordinal);
        void Count(Alert a)
        {
            alerts++;
            if (show > 0 && byAnalytic.GetValueOrDefault(a.Analytic) < show) Console.WriteLine($"[{a.Analytic}] {a.Description}");
            byAnalytic[a.Analytic] = byAnalytic.GetValueOrDefault(a.Analytic) + 1;
        }
        long ticks = 0;
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        foreach (var e in new SyntheticEvents(events, hosts, seed).Generate())
        {
            long t0 = Stopwatch.GetTimestamp();
            detector.Process(e, Count);
            ticks += Stopwatch.GetTimestamp() - t0;
            if (++n % 1_000_000 == 0)
            {
                long s = suite.StateSize;
                if (s > maxState) maxState = s;
                Console.Error.WriteLine($"  {n:N0} events, state {s:N0} entries, working set {Environment.WorkingSet / 1048576.0:0} MB");
            }
        }
        long c0 = Stopwatch.GetTimestamp();
        detector.Complete(Count);
        ticks += Stopwatch.GetTimestamp() - c0;
        double secs = (double)ticks / Stopwatch.Frequency;
        using var proc = Process.GetCurrentProcess();
        proc.Refresh();
        var cpu = proc.TotalProcessorTime - cpu0;
        Console.WriteLine($"events:            {n:N0} from {hosts:N0} hosts");
        Console.WriteLine($"analytics time:    {secs:0.00} s (wall incl. generation {wall.Elapsed.TotalSeconds:0.00} s)");
        Console.WriteLine($"alerts:            {alerts:N0} emitted, {suite.SuppressedCount:N0} suppressed");
        Console.WriteLine($"alerts by analytic: {string.Join(", ", byAnalytic.Select(kv => kv.Key + " " + kv.Value))}");
        Console.WriteLine($"max state entries: {maxState:N0}");
        Console.WriteLine($"peak working set:  {proc.PeakWorkingSet64 / 1048576.0:0} MB");
        Console.WriteLine($"process CPU time:  {cpu.TotalSeconds:0.00} s incl. generation ({n / cpu.TotalSeconds:N0} events per CPU-second; the machine's load {string.Join(" ", File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ').Take(3) : Array.Empty<string>())})");
        Console.WriteLine($"analytics throughput: {n / secs:N0} events/s");
        return 0;
    }
}
