using Hopwatch.Analytics;
using Hopwatch.Events;
using Hopwatch.Reporting;
using Hopwatch.Scoring;
using Hopwatch.Sigma;

namespace Hopwatch.Pipeline;

/// <summary>
/// The detectors and report writers one hunt uses, built from its options. This is the single
/// place where the stages are wired together.
/// </summary>
public sealed class HuntPlan : IDisposable
{
    public List<IDetector> Detectors { get; } = new();
    public List<(Alert Alert, string Reason)> Suppressed { get; } = new();
    /// <summary>Configuration problems that did not stop the hunt (invalid rules are reported, the rest run).</summary>
    public List<string> SetupWarnings { get; } = new();
    public TriageBaseline Triage { get; private set; } = new();
    public SigmaRuleSet? SigmaRules { get; private set; }
    private readonly List<IDisposable> _owned = new();
    private HuntOptions _options = null!;
    private AnalyticsSuite? _analytics;

    /// <summary>After detection: keeps what the allowlists silenced and saves the learnt baseline.</summary>
    public void Finish()
    {
        if (_analytics is null) return;
        Suppressed.AddRange(_analytics.Suppressed);
        _analytics.SaveState();
    }

    public static HuntPlan Create(HuntOptions options, ReadDiagnostics diag)
    {
        var plan = new HuntPlan { _options = options };

        if (options.SigmaDirs.Count > 0)
        {
            var set = SigmaRuleSet.Load(options.SigmaDirs, new SigmaOptions
            {
                PlaceholderConfigPath = options.SigmaPlaceholdersPath,
                FilterPaths = options.SigmaFilterPaths.ToList(),
                PipelinePath = options.SigmaPipelinePath,
                RuleCacheDirectory = options.SigmaRuleCacheDirectory,
                OnLoadStep = HuntPhaseLog.Current is { } phases && HuntPhaseLog.StepsEnabled ? phases.Step : null,
            });
            if (set.Rules.Count == 0 && set.Errors.Count > 0 && set.FileCount == set.Errors.Count)
                throw new HuntSetupException($"no usable Sigma rule in {string.Join(", ", options.SigmaDirs)}: {set.Errors[0]}");
            foreach (var e in set.Errors) plan.SetupWarnings.Add("sigma rule error: " + e);
            foreach (var s in set.Skipped) plan.SetupWarnings.Add("sigma rule skipped: " + s);
            plan.SigmaRules = set;
            plan.Detectors.Add(new SigmaDetector(set));
            HuntPhaseLog.Current?.Step("sigma detector");
        }

        AssetInventory? assets = null;
        if (options.AssetsPath is not null)
        {
            try { assets = AssetInventory.Load(options.AssetsPath); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new HuntSetupException($"asset inventory {options.AssetsPath}: {e.Message}");
            }
            foreach (var w in assets.Warnings) plan.SetupWarnings.Add("assets: " + w);
        }

        if (options.Analytics)
        {
            AnalyticsConfig config;
            try { config = AnalyticsConfig.Load(options.AnalyticsConfigPath); }
            catch (Exception e) when (e is AnalyticsConfigException or IOException or UnauthorizedAccessException)
            {
                throw new HuntSetupException(e.Message);
            }
            var suite = AnalyticsSuite.Create(config, assets, options.StatePath);
            plan._analytics = suite;
            plan._owned.Add(suite);
            plan.Detectors.AddRange(suite.Detectors);
        }

        // Collects the facts triage answers from (usual sources, hours, failures, first access, roles).
        if (assets is not null)
            plan.Triage = new TriageBaseline(host => assets.RoleOf(host) switch
            {
                AssetRole.Unknown => null,
                AssetRole.ConfigMgmt => "config-management",
                var r => r.ToString().ToLowerInvariant(),
            });
        plan.Detectors.Add(plan.Triage);
        return plan;
    }

    /// <summary>Scores the alerts into incidents (sets <see cref="HuntResult.Analysis"/>).</summary>
    public void Score(HuntResult result)
    {
        result.Analysis = IncidentAnalysis.Run(result.Alerts, Triage, new ScoringOptions());
    }

    public void WriteReports(string outDir, HuntResult result)
    {
        if (result.Analysis is null) Score(result);
        ReportSet.WriteAll(outDir, result, result.Analysis!, new ReportOptions { Inputs = _options.Inputs, Threads = _options.Threads });
    }

    public void Dispose()
    {
        foreach (var d in _owned) d.Dispose();
    }
}
