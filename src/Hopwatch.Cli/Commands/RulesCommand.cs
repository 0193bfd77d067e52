using Hopwatch.Events;
using Hopwatch.Reading.Evtx;
using Hopwatch.Sigma;
using Hopwatch.Sigma.Regression;

namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch rules validate|list|regress`: checks, lists and regression-tests Sigma rules.</summary>
public sealed class RulesCommand : ICliCommand
{
    public string Name => "rules";
    public string Summary => "validate, list and regression-test Sigma rules";
    public string Usage => """
        usage: hopwatch rules validate RULES_DIR_OR_FILE... [options]
               hopwatch rules list RULES_DIR_OR_FILE... [--for-channel CHANNEL] [options]
               hopwatch rules regress SIGMA_REPO_DIR [--source evtx|json] [--verbose]
               hopwatch rules scan RULES_DIR_OR_FILE... --in PATH... [--top N] [--profile]

        validate  loads every rule; prints each error (file:line: what is wrong) and each rule that
                  will not run (e.g. unfilled placeholder); exit 1 when any rule has an error.
        list      one line per runnable rule: id, level, log source, channels/EventIDs, title.
                  --for-channel keeps the rules that can match events of that channel.
        regress   runs SigmaHQ's regression suite (regression_data/**/info.yml): each rule must match
                  exactly match_count events of its evtx. Ends with 'sigma regression: P passed, F failed'.
                  --source json reads the .json renderings instead of the evtx files.

        scan      runs the rules over evidence (EVTX files or folders) and prints alerts per rule and
                  CPU times: load, read, match (a quick way to try rules; `hunt` is the full run).
                  --profile also lists the rules that cost the most time. Parsed rules are cached
                  (as by hunt) unless --no-rule-cache.

        options:
          --placeholders FILE     values for %placeholders% (see docs/sigma.md)
          --filter PATH           Sigma meta-filter file or directory (repeatable)
          --sigma-pipeline FILE   log-source pipeline replacing the built-in windows.yml
        """;

    public int Run(string[] args)
    {
        var a = CliArgs.Parse(args, "--verbose", "--profile", "--no-rule-cache");
        if (a.Positionals.Count == 0) throw new CliUsageException("missing sub-command (validate, list, regress or scan)");
        string verb = a.Positionals[0];
        var paths = a.Positionals.Skip(1).ToList();
        var options = new SigmaOptions
        {
            PlaceholderConfigPath = a.Option("--placeholders"),
            FilterPaths = a.Options("--filter").ToList(),
            PipelinePath = a.Option("--sigma-pipeline"),
        };
        switch (verb)
        {
            case "validate":
            {
                a.RejectUnknown();
                if (paths.Count == 0) throw new CliUsageException("validate needs a rule directory or file");
                var set = SigmaRuleSet.Load(paths, options);
                foreach (var e in set.Errors) Console.WriteLine("error: " + Safe(e.ToString()));
                foreach (var s in set.Skipped) Console.WriteLine("not run: " + Safe(s.ToString()));
                Console.WriteLine($"sigma rules: {set.FileCount} files, {set.Rules.Count} rules loaded " +
                                  $"({set.Rules.Count(r => r.IsCorrelation)} correlations, {set.Filters.Count} filters), " +
                                  $"{set.Errors.Count} errors, {set.Skipped.Count} not run " +
                                  $"(parse {set.ParseTime.TotalSeconds:0.00} s, compile {set.CompileTime.TotalSeconds:0.00} s)");
                return set.Errors.Count > 0 ? 1 : 0;
            }
            case "list":
            {
                string? channel = a.Option("--for-channel");
                a.RejectUnknown();
                if (paths.Count == 0) throw new CliUsageException("list needs a rule directory or file");
                var set = SigmaRuleSet.Load(paths, options);
                IEnumerable<SigmaRule> rules = channel is null ? set.Rules : set.RulesForChannel(channel);
                int n = 0;
                foreach (var r in rules)
                {
                    string where = r.IsCorrelation
                        ? "correlation:" + SigmaCorrelation.TypeName(r.Correlation!.Type)
                        : set.MappingsOf(r) is { Count: > 0 } maps ? string.Join(" ", maps.Select(m => m.ToString())) : "any";
                    Console.WriteLine($"{r.Id}\t{r.Level ?? "medium"}\t{r.LogSource}\t{Safe(where)}\t{Safe(r.Title)}");
                    n++;
                }
                Console.Error.WriteLine($"{n} rules" + (channel is null ? "" : $" for channel {channel}") +
                                        (set.Errors.Count > 0 ? $" ({set.Errors.Count} rule errors, see 'hopwatch rules validate')" : ""));
                return 0;
            }
            case "regress":
            {
                string sourceText = a.Option("--source") ?? "evtx";
                bool verbose = a.Flag("--verbose");
                a.RejectUnknown();
                if (paths.Count != 1) throw new CliUsageException("regress needs exactly one Sigma repository directory");
                var source = sourceText switch
                {
                    "evtx" => SigmaRegressionSource.Evtx,
                    "json" => SigmaRegressionSource.Json,
                    _ => throw new CliUsageException("--source must be evtx or json"),
                };
                if (source == SigmaRegressionSource.Evtx && !EvtxReaderAvailable())
                {
                    Console.Error.WriteLine("note: this build has no EVTX reader yet; using the .json renderings");
                    source = SigmaRegressionSource.Json;
                }
                var results = SigmaRegressionRunner.Run(paths[0], source,
                    (path, diag) => EvtxEventReader.ReadFile(path, diag, 1), options);
                foreach (var r in results)
                {
                    if (r.Outcome == SigmaRegressionOutcome.Failed)
                        Console.WriteLine($"FAIL {r.Case.Name} ({r.Case.RuleId} {Safe(r.Case.RuleTitle)}): {Safe(r.Reason)}");
                    else if (r.Outcome == SigmaRegressionOutcome.Skipped)
                        Console.WriteLine($"skip {r.Case.Name}: {Safe(r.Reason)}");
                    else if (verbose)
                        Console.WriteLine($"ok   {r.Case.Name} ({r.Actual} matches)");
                }
                int passed = results.Count(r => r.Outcome == SigmaRegressionOutcome.Passed);
                int failed = results.Count(r => r.Outcome == SigmaRegressionOutcome.Failed);
                int skipped = results.Count(r => r.Outcome == SigmaRegressionOutcome.Skipped);
                if (skipped > 0) Console.WriteLine($"{skipped} cases skipped (no evtx test, or rule not in the repository)");
                Console.WriteLine($"sigma regression: {passed} passed, {failed} failed");
                return failed > 0 ? 1 : 0;
            }
            case "scan":
            {
                var inputs = a.Options("--in").ToList();
                int top = a.Int("--top", 20, 0);
                bool profile = a.Flag("--profile");
                if (!a.Flag("--no-rule-cache")) options.RuleCacheDirectory = SigmaOptions.DefaultRuleCacheDirectory;
                a.RejectUnknown();
                if (paths.Count == 0 || inputs.Count == 0) throw new CliUsageException("scan needs rules and --in evidence");
                // CPU time, not wall time: a shared machine's load would swamp the figures.
                var proc = System.Diagnostics.Process.GetCurrentProcess();
                TimeSpan Cpu() { proc.Refresh(); return proc.TotalProcessorTime; }
                var c0 = Cpu();
                var set = SigmaRuleSet.Load(paths, options);
                double load = (Cpu() - c0).TotalSeconds;
                var diag = new ReadDiagnostics();
                var events = new List<LogEvent>();
                var detector = new SigmaDetector(set);
                var interest = detector.Interest; // records of channels/EventIDs no rule is indexed under are not decoded further
                c0 = Cpu();
                foreach (var input in inputs)
                {
                    var files = Directory.Exists(input)
                        ? Directory.EnumerateFiles(input, "*.evtx", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal)
                        : (IEnumerable<string>)[input];
                    foreach (var f in files) events.AddRange(EvtxEventReader.ReadFile(f, diag, interest: interest));
                }
                double read = (Cpu() - c0).TotalSeconds;
                if (profile) detector.EnableProfiling();
                var perRule = new Dictionary<string, int>();
                void Count(Alert al) => perRule[al.Title] = perRule.GetValueOrDefault(al.Title) + 1;
                c0 = Cpu();
                foreach (var e in events) detector.Process(e, Count);
                detector.Complete(Count);
                double match = (Cpu() - c0).TotalSeconds;
                if (profile)
                {
                    var prof = detector.Profile().ToList();
                    Console.WriteLine("slowest rules (ms spent testing them):");
                    foreach (var (rule, time) in prof.Take(top))
                        Console.WriteLine($"{time.TotalMilliseconds,10:0.0}  {rule.Id}  {Safe(rule.Title)}");
                    Console.WriteLine($"all rules: {prof.Sum(p => p.Time.TotalMilliseconds):0} ms");
                }
                foreach (var (title, n) in perRule.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(top))
                    Console.WriteLine($"{n,8}  {Safe(title)}");
                Console.WriteLine($"{set.Rules.Count} rules, {events.Count} events" + (diag.SkippedRecordCount > 0 ? $" (+{diag.SkippedRecordCount} no rule can match, skipped)" : "") +
                                  $", {perRule.Values.Sum()} alerts; " +
                                  $"CPU: load {load:0.00} s, read {read:0.00} s, match {match:0.00} s " +
                                  $"({detector.Evaluations / Math.Max(1, events.Count):0} rule tests per event, {events.Count / Math.Max(match, 1e-9):0} events/s)");
                return 0;
            }
            default:
                throw new CliUsageException($"unknown sub-command '{verb}' (validate, list, regress or scan)");
        }
    }

    private static bool EvtxReaderAvailable()
    {
        try
        {
            using var _ = EvtxEventReader.ReadFile("/nonexistent.evtx", new ReadDiagnostics()).GetEnumerator();
            return true;
        }
        catch (NotSupportedException) { return false; }
        catch (Exception) { return true; }
    }

    /// <summary>Rule and log text may hold control characters; keep the terminal safe.</summary>
    private static string Safe(string s)
    {
        if (!s.Any(char.IsControl)) return s;
        var sb = new System.Text.StringBuilder(s.Length);
        foreach (char c in s) sb.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }
}
