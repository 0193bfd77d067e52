using Hopwatch.Events;
using Hopwatch.Pipeline;
using Spectre.Console;

namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch hunt`: the main job — read evidence, detect, score, write alerts and reports.</summary>
public sealed class HuntCommand : ICliCommand
{
    public string Name => "hunt";
    public string Summary => "find lateral movement in evidence; writes alerts.jsonl and reports to --out";
    public string Usage => """
        usage: hopwatch hunt PATH... --out DIR [--sigma RULES_DIR]... [options]

        Reads files, folders (recursively), .gz and .zip archives of any supported format, runs
        Hopwatch's lateral-movement analytics and any Sigma rules given, and writes DIR/alerts.jsonl
        (one alert per line, docs/alert-schema.md) plus the reports. Exits 0 whether or not alerts
        are found.

        options:
          --out DIR             output folder (created if missing)               [required]
          --sigma DIR           Sigma rules folder or file (repeatable)
          --placeholders FILE   values for Sigma placeholders (%admin_jump_hosts% ...), YAML
          --sigma-filter PATH   Sigma meta-filter file or folder (repeatable)
          --sigma-pipeline FILE log-source pipeline replacing the built-in one (docs/sigma.md)
          --no-rule-cache       parse every Sigma file (default: unchanged files come from the
                                parsed-rule cache in $XDG_CACHE_HOME/hopwatch or ~/.cache/hopwatch)
          --config FILE         analytics thresholds and allowlists (default: built in, see config/analytics.yml)
          --assets FILE         asset inventory CSV: host,ip,role,owner,department
          --state FILE          baseline store (SQLite) for rare-path
          --format NAME         force an input format (see `hopwatch formats`)
          --threads N           threads for reading, matching and writing the report files
                                (default: number of cores; output is the same for any N)
          --no-analytics        run Sigma rules only
          --show-suppressed     list the alerts the allowlists suppressed, with the reason
                                (always written to DIR/suppressed.jsonl)
          --quiet               no progress, no summary; errors only
          --json                print the run summary as one JSON object on stdout

        exit codes: 0 done (alerts or not), 1 error (unreadable input, bad rules folder), 2 wrong usage.
        """;

    public int Run(string[] args)
    {
        var a = CliArgs.Parse(args, "--no-analytics", "--quiet", "--json", "--show-suppressed", "--no-rule-cache");
        var inputs = a.Positionals.ToList();
        var outDir = a.Option("--out");
        var sigma = a.Options("--sigma").ToList();
        var placeholders = a.Option("--placeholders");
        var sigmaFilters = a.Options("--sigma-filter").ToList();
        var sigmaPipeline = a.Option("--sigma-pipeline");
        var config = a.Option("--config");
        var assets = a.Option("--assets");
        var state = a.Option("--state");
        var formatName = a.Option("--format");
        int threads = a.Int("--threads", Environment.ProcessorCount);
        bool noAnalytics = a.Flag("--no-analytics");
        bool noRuleCache = a.Flag("--no-rule-cache");
        bool quiet = a.Flag("--quiet");
        bool json = a.Flag("--json");
        bool showSuppressed = a.Flag("--show-suppressed");
        a.RejectUnknown();

        if (inputs.Count == 0) throw new CliUsageException("give at least one PATH to read");
        if (outDir is null) throw new CliUsageException("--out DIR is required");
        if (threads < 1) throw new CliUsageException("--threads must be at least 1");
        SourceFormat? format = null;
        if (formatName is not null)
        {
            if (!Enum.TryParse<SourceFormat>(formatName, ignoreCase: true, out var f))
                throw new CliUsageException($"unknown format '{formatName}' (see `hopwatch formats`)");
            format = f;
        }
        foreach (var p in inputs.Concat(sigma).Concat(sigmaFilters))
            if (!File.Exists(p) && !Directory.Exists(p))
            {
                Console.Error.WriteLine($"hopwatch hunt: no such file or folder: {p}");
                return 1;
            }
        foreach (var p in new[] { placeholders, config, assets, sigmaPipeline })
            if (p is not null && !File.Exists(p))
            {
                Console.Error.WriteLine($"hopwatch hunt: no such file: {p}");
                return 1;
            }

        // Checked before any evidence is read: a folder that cannot be made or written to (a file of that name, no
        // permission) used to surface only once the hunt was done, as an unhandled exception.
        if (OutDirProblem(outDir) is { } problem)
        {
            Console.Error.WriteLine($"hopwatch hunt: cannot write to --out {outDir}: {problem}");
            return 1;
        }

        var diag = new ReadDiagnostics();
        bool interactive = !quiet && !json && !Console.IsErrorRedirected;
        // Made on first use: a --quiet run never needs it (setting up the console library costs ~20 ms of JIT).
        var errConsole = new Lazy<IAnsiConsole>(() => AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) }));

        HuntResult Hunt(Action<long>? onBytes, Action<long>? onTotal) => HuntRunner.Run(new HuntOptions
        {
            Inputs = inputs,
            OutDir = outDir,
            SigmaDirs = sigma,
            SigmaPlaceholdersPath = placeholders,
            SigmaFilterPaths = sigmaFilters,
            SigmaPipelinePath = sigmaPipeline,
            SigmaRuleCacheDirectory = noRuleCache ? null : Hopwatch.Sigma.SigmaOptions.DefaultRuleCacheDirectory,
            AnalyticsConfigPath = config,
            AssetsPath = assets,
            StatePath = state,
            Threads = threads,
            Format = format,
            Analytics = !noAnalytics,
            HoldGcWhileDetecting = true, // one hunt per process
            OnBytes = onBytes,
            OnTotalBytes = onTotal,
        }, diag);

        HuntResult result;
        try
        {
            if (interactive)
            {
                HuntResult? r = null;
                errConsole.Value.Progress().AutoClear(true).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(),
                        new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("reading evidence", maxValue: 1);
                        r = Hunt(n => task.Increment(n), total => task.MaxValue = Math.Max(1, total));
                        task.Value = task.MaxValue;
                    });
                result = r!;
            }
            else
            {
                result = Hunt(null, null);
            }
        }
        catch (HuntSetupException e)
        {
            Console.Error.WriteLine("hopwatch hunt: " + e.Message);
            return 1;
        }

        if (!quiet && !json)
        {
            var err = errConsole.Value;
            foreach (var w in result.SetupWarnings.Take(20)) err.WriteLine("warning: " + Hopwatch.Reporting.ConsoleSummary.Clean(w, 400));
            if (result.SetupWarnings.Count > 20) err.WriteLine($"... {result.SetupWarnings.Count - 20} more rule warnings (see `hopwatch rules validate`)");
        }
        if (json)
            Hopwatch.Reporting.ConsoleSummary.Write(Console.Out, result, result.Analysis!, json: true);
        else if (!quiet)
            HuntConsole.PrintSummary(errConsole.Value, result, outDir);
        if (showSuppressed && !json)
            HuntConsole.PrintSuppressed(errConsole.Value, result);
        return 0;
    }

    /// <summary>Why reports cannot be written to <paramref name="outDir"/> (made when missing), or null when they can.</summary>
    private static string? OutDirProblem(string outDir)
    {
        if (File.Exists(outDir)) return "it is a file";
        try
        {
            Directory.CreateDirectory(outDir);
            // Writable? A probe file that is gone when closed.
            using (new FileStream(Path.Combine(outDir, $".hopwatch-write-check-{Environment.ProcessId}"), FileMode.CreateNew, FileAccess.Write,
                       FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return e.Message;
        }
    }
}
