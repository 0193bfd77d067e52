using Hopwatch.Analytics;
using Hopwatch.Pipeline;
using Hopwatch.Scoring;
using Hopwatch.Service.Store;
using Hopwatch.Sigma;

namespace Hopwatch.Service.Detection;

/// <summary>
/// The detection and scoring stages `hopwatch serve` runs, wired the way a hunt wires them:
/// the stateful analytics (unless turned off), Sigma rules when given, the triage-fact collector
/// the scorer answers triage questions from, and the service's own stateless remote-logon detector.
/// </summary>
public sealed class ServiceDetectors : IDisposable
{
    private readonly AnalyticsSuite? _analytics;

    public List<IDetector> Detectors { get; } = new();
    public TriageBaseline Triage { get; } = new();
    /// <summary>Rule-loading problems that did not stop the service (invalid rules are skipped).</summary>
    public List<string> Warnings { get; } = new();
    public IIncidentAnalyzer Analyzer { get; }

    private ServiceDetectors(ServiceOptions options)
    {
        if (options.Analytics)
        {
            var config = AnalyticsConfig.Load(options.AnalyticsConfigPath);
            var assets = options.AssetsPath is null ? null : AssetInventory.Load(options.AssetsPath);
            // The rare-path baseline lives with the rest of the service's state.
            _analytics = AnalyticsSuite.Create(config, assets, Path.Combine(options.StateDir, "baseline.db"));
            Detectors.AddRange(_analytics.Detectors);
        }
        if (options.SigmaDirectories.Count > 0)
        {
            var set = SigmaRuleSet.Load(options.SigmaDirectories, new SigmaOptions { PlaceholderConfigPath = options.SigmaPlaceholdersPath });
            if (set.Rules.Count == 0 && set.Errors.Count > 0)
                throw new ServiceConfigurationException($"no usable Sigma rule in {string.Join(", ", options.SigmaDirectories)}: {set.Errors[0]}");
            foreach (var e in set.Errors) Warnings.Add("sigma rule error: " + e);
            foreach (var s in set.Skipped) Warnings.Add("sigma rule skipped: " + s);
            Detectors.Add(new SigmaDetector(set));
        }
        Detectors.Add(new RdpLogonDetector());
        Detectors.Add(Triage);
        Analyzer = new ScoringIncidentAnalyzer(Triage);
    }

    /// <summary>Builds the stages; bad settings (unreadable config, no usable rule) throw <see cref="ServiceConfigurationException"/>.</summary>
    public static ServiceDetectors Create(ServiceOptions options)
    {
        try
        {
            return new ServiceDetectors(options);
        }
        catch (Exception e) when (e is AnalyticsConfigException or IOException or InvalidDataException or FormatException)
        {
            throw new ServiceConfigurationException(e.Message);
        }
    }

    /// <summary>Writes what the analytics learnt (rare-path baseline) when they are configured to.</summary>
    public void SaveState() => _analytics?.SaveState();

    public void Dispose()
    {
        SaveState();
        _analytics?.Dispose();
    }
}
