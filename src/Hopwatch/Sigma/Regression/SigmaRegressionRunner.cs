using Hopwatch.Events;
using YamlDotNet.RepresentationModel;

namespace Hopwatch.Sigma.Regression;

/// <summary>Which rendering of a case's events to read.</summary>
public enum SigmaRegressionSource { Evtx, Json }

/// <summary>
/// Runs SigmaHQ's regression suite: for every regression_data/**/info.yml, the rule it names must
/// match exactly `match_count` events of its evtx (at least one when no count is given). Cases run
/// in parallel, each with its own detector over just its rule.
/// </summary>
public static class SigmaRegressionRunner
{
    /// <summary>Reads all cases; an info.yml without an evtx test becomes a case with no paths (reported as skipped).</summary>
    public static List<SigmaRegressionCase> FindCases(string sigmaRepoDir)
    {
        var root = Path.Combine(sigmaRepoDir, "regression_data");
        var cases = new List<SigmaRegressionCase>();
        if (!Directory.Exists(root)) return cases;
        foreach (var info in Directory.EnumerateFiles(root, "info.yml", SearchOption.AllDirectories).OrderBy(p => p, StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(root, Path.GetDirectoryName(info)!);
            var yaml = new YamlStream();
            try { using var r = new StreamReader(info); yaml.Load(r); }
            catch (YamlDotNet.Core.YamlException e)
            {
                cases.Add(new SigmaRegressionCase(info, "", "bad info.yml: " + e.Message, "", "", null) { Name = name });
                continue;
            }
            if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode doc) continue;
            string ruleId = "", title = "";
            if (Get(doc, "rule_metadata") is YamlSequenceNode meta && meta.Children.FirstOrDefault() is YamlMappingNode m)
            {
                ruleId = (Get(m, "id") as YamlScalarNode)?.Value ?? "";
                title = (Get(m, "title") as YamlScalarNode)?.Value ?? "";
            }
            bool any = false;
            if (Get(doc, "regression_tests_info") is YamlSequenceNode tests)
            {
                foreach (var t in tests.Children.OfType<YamlMappingNode>())
                {
                    if (!string.Equals((Get(t, "type") as YamlScalarNode)?.Value, "evtx", StringComparison.OrdinalIgnoreCase)) continue;
                    string? rel = (Get(t, "path") as YamlScalarNode)?.Value;
                    if (rel is null) continue;
                    string evtx = Path.Combine(sigmaRepoDir, rel);
                    int? count = int.TryParse((Get(t, "match_count") as YamlScalarNode)?.Value, out int c) ? c : null;
                    cases.Add(new SigmaRegressionCase(info, ruleId, title, evtx, Path.ChangeExtension(evtx, ".json"), count) { Name = name });
                    any = true;
                }
            }
            if (!any) cases.Add(new SigmaRegressionCase(info, ruleId, title, "", "", null) { Name = name });
        }
        return cases;
    }

    private static YamlNode? Get(YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    /// <summary>Rule directories of a Sigma repository checkout: every top-level folder whose name starts with "rules".</summary>
    public static List<string> RuleDirs(string sigmaRepoDir) =>
        Directory.Exists(sigmaRepoDir)
            ? Directory.EnumerateDirectories(sigmaRepoDir, "rules*").OrderBy(d => d, StringComparer.Ordinal).ToList()
            : [];

    /// <param name="readEvtx">Reads an evtx file's events (the EVTX reader); used when <paramref name="source"/> is Evtx.</param>
    public static List<SigmaRegressionResult> Run(string sigmaRepoDir, SigmaRegressionSource source,
        Func<string, ReadDiagnostics, IEnumerable<LogEvent>>? readEvtx = null, SigmaOptions? options = null, int parallelism = 0)
    {
        options ??= new SigmaOptions();
        var cases = FindCases(sigmaRepoDir);
        // One pass over all rules to find each rule's file and any load problem.
        var all = SigmaRuleSet.Load(RuleDirs(sigmaRepoDir), options);
        var fileById = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var r in all.Rules) fileById.TryAdd(r.Id, r.File);
        var skippedById = all.Skipped.GroupBy(s => s.RuleId, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.First(), StringComparer.OrdinalIgnoreCase);

        var results = new SigmaRegressionResult[cases.Count];
        var po = new ParallelOptions { MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount };
        Parallel.For(0, cases.Count, po, i => results[i] = RunCase(cases[i], source, readEvtx, options, fileById, skippedById, all));
        return results.ToList();
    }

    private static SigmaRegressionResult RunCase(SigmaRegressionCase c, SigmaRegressionSource source,
        Func<string, ReadDiagnostics, IEnumerable<LogEvent>>? readEvtx, SigmaOptions options,
        Dictionary<string, string> fileById, Dictionary<string, SigmaSkippedRule> skippedById, SigmaRuleSet all)
    {
        if (c.EvtxPath.Length == 0)
            return new(c, SigmaRegressionOutcome.Skipped, 0, "no evtx regression test in info.yml");
        if (!fileById.TryGetValue(c.RuleId, out var ruleFile))
        {
            if (skippedById.TryGetValue(c.RuleId, out var sk))
                return new(c, SigmaRegressionOutcome.Failed, 0, "rule not run: " + sk.Reason);
            var err = all.Errors.FirstOrDefault(e => File.Exists(e.File) && File.ReadAllText(e.File).Contains(c.RuleId, StringComparison.OrdinalIgnoreCase));
            if (err is not null) return new(c, SigmaRegressionOutcome.Failed, 0, "rule does not load: " + err);
            return new(c, SigmaRegressionOutcome.Skipped, 0, $"rule {c.RuleId} is not in this repository snapshot");
        }
        string eventsPath = source == SigmaRegressionSource.Evtx ? c.EvtxPath : c.JsonPath;
        if (!File.Exists(eventsPath)) return new(c, SigmaRegressionOutcome.Failed, 0, "missing " + eventsPath);

        var set = SigmaRuleSet.Load([ruleFile], options);
        var detector = new SigmaDetector(set);
        var diag = new ReadDiagnostics();
        int matches = 0;
        try
        {
            IEnumerable<LogEvent> events = source == SigmaRegressionSource.Evtx
                ? (readEvtx ?? throw new InvalidOperationException("no EVTX reader given"))(eventsPath, diag)
                : RegressionJsonEvents.ReadFile(eventsPath, diag);
            foreach (var e in events)
                detector.Process(e, a => { if (string.Equals(a.RuleId, c.RuleId, StringComparison.OrdinalIgnoreCase)) matches++; });
            detector.Complete(a => { if (string.Equals(a.RuleId, c.RuleId, StringComparison.OrdinalIgnoreCase)) matches++; });
        }
        catch (Exception e) when (e is IOException or NotSupportedException or InvalidDataException)
        {
            return new(c, SigmaRegressionOutcome.Failed, matches, "cannot read events: " + e.Message);
        }
        if (c.ExpectedCount is int expected)
            return matches == expected
                ? new(c, SigmaRegressionOutcome.Passed, matches, "")
                : new(c, SigmaRegressionOutcome.Failed, matches, $"expected {expected} matches, got {matches}" + (diag.WarningCount > 0 ? $" ({diag.WarningCount} read warnings)" : ""));
        return matches > 0
            ? new(c, SigmaRegressionOutcome.Passed, matches, "")
            : new(c, SigmaRegressionOutcome.Failed, matches, "expected at least one match (no match_count given), got 0");
    }
}
