using Hopwatch.Analytics;
using Hopwatch.Events;

namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch baseline build|show`: the rare-path baseline (SQLite state file).</summary>
public sealed class BaselineCommand : ICliCommand
{
    public string Name => "baseline";
    public string Summary => "learn what is usual from old logs into a state file (for rare-path)";
    public string Usage => """
        usage: hopwatch baseline build PATH... --state FILE [--config FILE] [--assets FILE] [--threads N]
               hopwatch baseline show --state FILE

        build  reads old evidence (any supported format, folders, archives) in time order and records
               every source→target pair, account@target, account@hour and SSH account/source/target
               into FILE (SQLite, created if missing; running again widens it). `hopwatch hunt
               --state FILE` then reports paths the baseline has never seen (analytic rare-path),
               without waiting for its learning period.
        show   prints how many entries FILE holds and the time span it covers.
        """;

    public int Run(string[] args)
    {
        var a = CliArgs.Parse(args);
        if (a.Positionals.Count == 0) throw new CliUsageException("say `build` or `show`");
        var verb = a.Positionals[0];
        var state = a.Option("--state") ?? throw new CliUsageException("--state FILE is required");
        if (verb == "show")
        {
            a.RejectUnknown();
            if (a.Positionals.Count > 1) throw new CliUsageException("show takes no paths");
            if (!File.Exists(state)) { Console.Error.WriteLine($"hopwatch baseline: no such file: {state}"); return 1; }
            using var store = new BaselineStore(state);
            var (first, last) = store.Span;
            Console.WriteLine($"{state}: {store.Count()} entries, events {first:O} .. {last:O}");
            return 0;
        }
        if (verb != "build") throw new CliUsageException($"unknown baseline verb '{verb}' (build, show)");
        var configPath = a.Option("--config");
        var assetsPath = a.Option("--assets");
        int threads = a.Int("--threads", 1, 1, 256);
        a.RejectUnknown();
        var paths = a.Positionals.Skip(1).ToList();
        if (paths.Count == 0) throw new CliUsageException("give at least one PATH to learn from");
        foreach (var p in paths)
            if (!File.Exists(p) && !Directory.Exists(p)) { Console.Error.WriteLine($"hopwatch baseline: no such file or folder: {p}"); return 1; }
        try
        {
            var config = AnalyticsConfig.Load(configPath);
            var assets = assetsPath is null ? null : AssetInventory.Load(assetsPath);
            if (assets is not null) foreach (var w in assets.Warnings) Console.Error.WriteLine("warning: " + w);
            var diag = new ReadDiagnostics();
            var r = BaselineBuilder.Build(paths, state, config, assets, diag, threads);
            Console.Error.WriteLine($"baseline: {r.Events} events, {diag.WarningCount} warnings, {r.Entries} entries in {state}, covering {r.First:O} .. {r.Last:O}, {r.Elapsed.TotalSeconds:0.0} s");
            return 0;
        }
        catch (Exception e) when (e is AnalyticsConfigException or IOException or FormatException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine("hopwatch baseline: " + e.Message);
            return 1;
        }
    }
}
