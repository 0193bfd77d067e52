using System.Globalization;
using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Reporting;
using Hopwatch.Pipeline;
using Hopwatch.Simulation;

namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch eval`: hunts a simulated directory and scores the alerts against its truth.json.</summary>
public sealed class EvalCommand : ICliCommand
{
    public string Name => "eval";
    public string Summary => "hunt a simulated data set and score detection against its truth.json";
    public string Usage => """
        usage: hopwatch eval DIR [--min-recall X] [--max-fp N] [--fp-severity LEVEL] [options]

        Runs the hunt on DIR (written by `hopwatch simulate`: evtx/ or else json/ or ecs/, plus
        authlog/, with DIR/assets.csv) and prints, per injected scenario, detected or missed and
        the alerts that matched it (same time window, a shared host/account/address, and the
        scenario's technique), then the benign alerts (false positives) grouped by analytic.

        options:
          --min-recall X        fail when fewer than X (0..1) of the scenarios are detected (default 0)
          --max-fp N            fail when more than N false positives at --fp-severity or above (default: no limit)
          --fp-severity LEVEL   informational|low|medium|high|critical (default medium)
          --alerts FILE         score an existing alerts.jsonl instead of hunting
          --sigma DIR           Sigma rules for the hunt (repeatable)
          --config FILE         analytics configuration for the hunt
          --out DIR             keep the hunt's alerts and reports here
          --threads N           reader threads (default: number of cores)

        exit codes: 0 thresholds met, 1 below a threshold or error, 2 wrong usage.
        """;

    public int Run(string[] args)
    {
        var a = CliArgs.Parse(args);
        if (a.Positionals.Count != 1) throw new CliUsageException("give exactly one simulated DIR");
        string dir = a.Positionals[0];
        double minRecall = ParseDouble(a.Option("--min-recall"), 0, "--min-recall");
        int maxFp = a.Int("--max-fp", int.MaxValue, 0);
        var fpSeverityText = a.Option("--fp-severity") ?? "medium";
        var alertsPath = a.Option("--alerts");
        var sigma = a.Options("--sigma").ToList();
        var config = a.Option("--config");
        var outDir = a.Option("--out");
        int threads = a.Int("--threads", Environment.ProcessorCount, 1, 256);
        a.RejectUnknown();
        if (minRecall is < 0 or > 1) throw new CliUsageException("--min-recall must be between 0 and 1");
        var fpSeverity = ParseSeverity(fpSeverityText);

        string truthPath = Path.Combine(dir, "truth.json");
        if (!File.Exists(truthPath))
        {
            Console.Error.WriteLine($"hopwatch eval: {truthPath} not found (is {dir} a `hopwatch simulate` output?)");
            return 1;
        }
        TruthFile truth;
        try
        {
            truth = TruthFile.Load(truthPath);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException or IOException)
        {
            Console.Error.WriteLine($"hopwatch eval: {truthPath}: not a truth file ({e.Message})");
            return 1;
        }

        IReadOnlyList<Alert> alerts;
        if (alertsPath is not null)
        {
            if (!File.Exists(alertsPath)) { Console.Error.WriteLine($"hopwatch eval: no such file: {alertsPath}"); return 1; }
            alerts = LoadAlerts(alertsPath);
        }
        else
        {
            var inputs = SimulatedInputs(dir);
            if (inputs.Count == 0) { Console.Error.WriteLine($"hopwatch eval: no evtx/, json/, ecs/ or authlog/ in {dir}"); return 1; }
            string assets = Path.Combine(dir, "assets.csv");
            try
            {
                var result = HuntRunner.Run(new HuntOptions
                {
                    Inputs = inputs,
                    OutDir = outDir,
                    SigmaDirs = sigma,
                    AnalyticsConfigPath = config,
                    AssetsPath = File.Exists(assets) ? assets : null,
                    Threads = threads,
                });
                alerts = result.Alerts;
                Console.WriteLine($"hunted {result.EventCount:N0} events from {string.Join(", ", inputs.Select(Path.GetFileName))} in {result.Elapsed.TotalSeconds:F1} s: {alerts.Count} alert(s)");
            }
            catch (HuntSetupException e)
            {
                Console.Error.WriteLine("hopwatch eval: " + e.Message);
                return 1;
            }
        }

        var score = Evaluation.Score(truth, alerts);
        Print(score, fpSeverity);
        int fpCount = score.FalsePositivesAtLeast(fpSeverity).Count();
        bool ok = score.Recall >= minRecall && fpCount <= maxFp;
        Console.WriteLine($"recall {score.DetectedCount}/{score.Scenarios.Count} = {score.Recall:P0} (min {minRecall:P0}); " +
                          $"false positives at {fpSeverityText} or above: {fpCount}" + (maxFp == int.MaxValue ? "" : $" (max {maxFp})") +
                          (ok ? "  PASS" : "  FAIL"));
        return ok ? 0 : 1;
    }

    /// <summary>One Windows format (EVTX preferred: several would double every event) plus auth.log.</summary>
    public static List<string> SimulatedInputs(string dir)
    {
        var inputs = new List<string>();
        foreach (var sub in new[] { "evtx", "json", "ecs" })
        {
            var p = Path.Combine(dir, sub);
            if (Directory.Exists(p)) { inputs.Add(p); break; }
        }
        var auth = Path.Combine(dir, "authlog");
        if (Directory.Exists(auth)) inputs.Add(auth);
        return inputs;
    }

    private static void Print(EvaluationResult r, Severity fpSeverity)
    {
        Console.WriteLine();
        Console.WriteLine("scenarios:");
        foreach (var o in r.Scenarios)
        {
            var s = o.Scenario;
            Console.WriteLine($"  {(o.Detected ? "DETECTED" : "MISSED  ")} {s.Name,-22} {string.Join(",", s.Techniques),-20} {s.Start:MM-dd HH:mm}–{s.End:HH:mm}  " +
                              $"{o.Matched.Count} matching / {o.Related.Count} related alert(s)");
            foreach (var al in (o.Detected ? o.Matched : o.Related).Take(8))
                Console.WriteLine($"             {Safe(al.Severity.ToString().ToLowerInvariant()),-8} {Safe(al.Analytic),-18} {Safe(string.Join(",", al.Techniques)),-20} {Safe(al.Title)}");
        }
        Console.WriteLine();
        var groups = r.FalsePositivesByAnalytic().ToList();
        Console.WriteLine($"false positives (alerts on benign traffic): {r.FalsePositives.Count}, at {fpSeverity.ToString().ToLowerInvariant()} or above: {r.FalsePositivesAtLeast(fpSeverity).Count()}");
        foreach (var g in groups)
            Console.WriteLine($"  {g.Count,6}  max {g.MaxSeverity.ToString().ToLowerInvariant(),-13} {Safe(g.Analytic)}");
        Console.WriteLine();
    }

    /// <summary>Alert text can carry log content: no control characters reach the terminal.</summary>
    private static string Safe(string s) => string.Create(s.Length, s, (span, src) =>
    {
        for (int i = 0; i < src.Length; i++) span[i] = char.IsControl(src[i]) ? '?' : src[i];
    });

    private static IReadOnlyList<Alert> LoadAlerts(string path)
    {
        var list = new List<Alert>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                if (HopwatchJson.Deserialize<Alert>(line, HopwatchJson.Plain) is { } al) list.Add(al);
            }
            catch (JsonException e)
            {
                Console.Error.WriteLine($"hopwatch eval: {path}: line {lineNo}: not an alert ({e.Message}); skipped");
            }
        }
        return list;
    }

    private static double ParseDouble(string? s, double dflt, string name)
    {
        if (s is null) return dflt;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
            : throw new CliUsageException($"{name} must be a number, got '{s}'");
    }

    private static Severity ParseSeverity(string s) => s.ToLowerInvariant() switch
    {
        "informational" or "info" => Severity.Informational,
        "low" => Severity.Low,
        "medium" => Severity.Medium,
        "high" => Severity.High,
        "critical" => Severity.Critical,
        _ => throw new CliUsageException($"--fp-severity must be informational, low, medium, high or critical, got '{s}'"),
    };
}
