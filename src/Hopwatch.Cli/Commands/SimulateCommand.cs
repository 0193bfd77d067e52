using System.Globalization;
using Hopwatch.Simulation;

namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch simulate`: writes a simulated organisation's logs with attacks and their truth file.</summary>
public sealed class SimulateCommand : ICliCommand
{
    public string Name => "simulate";
    public string Summary => "write simulated enterprise logs with labelled attacks (truth.json)";
    public string Usage =>
        "usage: hopwatch simulate --out DIR [--seed N] [--hosts N] [--days N] [--start YYYY-MM-DD]\n" +
        "                         [--scenario NAME]... [--all-scenarios] [--formats json,ecs,evtx,authlog]\n\n" +
        "Writes a simulated enterprise's logs into DIR (evtx/HOST/CHANNEL.evtx, json/HOST.json, ecs/HOST.ndjson,\n" +
        "authlog/HOST/auth.log), the attacks' ground truth (truth.json) and the asset list (assets.csv).\n" +
        "The same options give byte-identical output.\n\n" +
        $"  --hosts N      machines (at least {Organisation.MinHosts}; default 50)\n" +
        "  --days N       days of activity from --start (default 1; start 2026-10-05, a Monday)\n" +
        "  --scenario S   inject attack S (repeatable); --all-scenarios injects all of them\n" +
        "  --formats F    comma-separated output formats (default evtx,authlog)\n\n" +
        "scenarios: " + string.Join(", ", ScenarioRegistry.Names);

    public int Run(string[] args)
    {
        var a = CliArgs.Parse(args, "--all-scenarios");
        string outDir = a.Option("--out") ?? throw new CliUsageException("--out DIR is required");
        int seed = a.Int("--seed", 1);
        int hosts = a.Int("--hosts", 50, Organisation.MinHosts, 100_000);
        int days = a.Int("--days", 1, 1, 3650);
        var scenarios = a.Options("--scenario").SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (a.Flag("--all-scenarios")) scenarios = ScenarioRegistry.Names.ToList();
        foreach (var s in scenarios)
            if (ScenarioRegistry.Find(s) is null)
                throw new CliUsageException($"unknown scenario '{s}' (known: {string.Join(", ", ScenarioRegistry.Names)})");
        var formats = (a.Option("--formats") ?? "evtx,authlog").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var f in formats)
            if (!SimulationOptions.AllFormats.Contains(f)) throw new CliUsageException($"unknown format '{f}' (known: {string.Join(", ", SimulationOptions.AllFormats)})");
        var startText = a.Option("--start");
        a.RejectUnknown();
        var options = new SimulationOptions
        {
            Seed = seed,
            Hosts = hosts,
            Days = days,
            Scenarios = scenarios,
            Formats = formats,
            Start = startText is null ? new SimulationOptions().Start
                : DateTime.TryParseExact(startText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var st)
                    ? DateTime.SpecifyKind(st, DateTimeKind.Utc) : throw new CliUsageException("--start must be YYYY-MM-DD"),
        };
        var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        SimulationResult result;
        try
        {
            result = Simulator.Run(options, outDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"hopwatch simulate: cannot write {outDir}: {e.Message}");
            return 1;
        }
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        double secs = Math.Max(result.Elapsed.TotalSeconds, 1e-6);
        Console.WriteLine($"simulated {result.EventCount:N0} events, {hosts} hosts, {days} day(s), {scenarios.Count} attack scenario(s) into {outDir}");
        foreach (var s in result.Truth.Scenarios)
            Console.WriteLine($"  {s.Name,-22} {s.Start:yyyy-MM-dd HH:mm}–{s.End:HH:mm}  {string.Join(",", s.Techniques),-20} {s.SourceHosts.FirstOrDefault()} -> {s.TargetHosts.Count} host(s)");
        // CPU time too: on a shared machine the wall clock mostly measures other people's load.
        Console.WriteLine($"{result.EventCount / secs:N0} events/s ({result.Elapsed.TotalSeconds:F1} s wall, {cpu.TotalSeconds:F1} s CPU = " +
                          $"{result.EventCount / Math.Max(cpu.TotalSeconds, 1e-6):N0} events per CPU second)");
        return 0;
    }
}
