using Hopwatch.Events;
using Hopwatch.Pipeline;

namespace Hopwatch.Analytics;

/// <summary>
/// Hopwatch's stateful T1021 analytics, ready for the hunt: one <see cref="IDetector"/> (named
/// "analytics") runs them all over shared state. Feed it events roughly in time order (see
/// <see cref="TimeOrderedMerge"/>), call Complete at the end, then <see cref="SaveState"/> if a
/// state file is used. <see cref="Suppressed"/> lists what the allowlists silenced, with reasons.
/// </summary>
public sealed class AnalyticsSuite : IDisposable
{
    private readonly AnalyticsContext _ctx;
    private readonly AnalyticsDetector _detector;
    private readonly BaselineStore? _store;
    private readonly bool _writeState;

    private AnalyticsSuite(AnalyticsConfig config, AssetInventory? assets, string? statePath, bool buildBaseline)
    {
        _ctx = new AnalyticsContext(config, assets) { BuildingBaseline = buildBaseline };
        _writeState = statePath is not null && (buildBaseline || config.RarePath.UpdateState);
        _ctx.Baseline = new BaselineModel(TimeSpan.FromDays(config.RarePath.LearningDays), config.RarePath.MaxEntries, _writeState);
        if (statePath is not null)
        {
            _store = new BaselineStore(statePath);
            _ctx.Baseline.LoadFrom(_store);
        }
        var all = new List<Analytic>();
        void Add(string name, Func<AnalyticsContext, Analytic> make)
        {
            if (config.IsEnabled(name)) all.Add(make(_ctx));
        }
        // Chains: one analytic serves rdp-chain and logon-chain (each can be disabled on its own).
        if (config.IsEnabled(AnalyticNames.RdpChain) || config.IsEnabled(AnalyticNames.LogonChain)) all.Add(new ChainAnalytic(_ctx));
        Add(AnalyticNames.FanOut, c => new FanOutAnalytic(c));
        Add(AnalyticNames.PassTheHash, c => new PassTheHashAnalytic(c));
        Add(AnalyticNames.PassTheTicket, c => new PassTheTicketAnalytic(c));
        Add(AnalyticNames.AdminShareExec, c => new AdminShareExecAnalytic(c));
        Add(AnalyticNames.WinRmExec, c => new WinRmExecAnalytic(c));
        Add(AnalyticNames.DcomExec, c => new DcomExecAnalytic(c));
        Add(AnalyticNames.BruteforceThenSuccess, c => new BruteforceAnalytic(c));
        if (config.IsEnabled(AnalyticNames.RarePath) || buildBaseline) all.Add(new RarePathAnalytic(_ctx));
        Add(AnalyticNames.RdpNesting, c => new RdpNestingAnalytic(c));
        Add(AnalyticNames.RdpExec, c => new RdpExecAnalytic(c));
        if (config.IsEnabled(AnalyticNames.SshLateral) || buildBaseline) all.Add(new SshLateralAnalytic(_ctx));
        Add(AnalyticNames.Vnc, c => new VncAnalytic(c));
        _detector = new AnalyticsDetector(_ctx, all);
        Detectors = new IDetector[] { _detector };
    }

    /// <summary>The suite for a hunt. <paramref name="statePath"/>: the rare-path baseline (SQLite), created when missing.</summary>
    public static AnalyticsSuite Create(AnalyticsConfig config, AssetInventory? assets, string? statePath)
        => new(config, assets, statePath, buildBaseline: false);

    /// <summary>The suite for `baseline build`: learns what is usual into <paramref name="statePath"/>; emits no novelty alerts.</summary>
    public static AnalyticsSuite CreateBaselineBuilder(AnalyticsConfig config, AssetInventory? assets, string statePath)
        => new(config, assets, statePath, buildBaseline: true);

    public IReadOnlyList<IDetector> Detectors { get; }

    /// <summary>Alerts an allowlist suppressed, with the reason (the first 100,000; <see cref="SuppressedCount"/> counts all).</summary>
    public IReadOnlyList<(Alert Alert, string Reason)> Suppressed => _ctx.Suppressed;
    public long SuppressedCount => _ctx.SuppressedCount;
    public long EmittedCount => _ctx.EmittedCount;
    public long StateSize => _detector.StateSize;
    public BaselineModel Baseline => _ctx.Baseline;

    /// <summary>Writes what this run learnt to the state file (baseline build, or rare_path.update_state).</summary>
    public void SaveState()
    {
        if (_store is not null && _writeState) _ctx.Baseline.SaveTo(_store);
    }

    public void Dispose() => _store?.Dispose();
}
