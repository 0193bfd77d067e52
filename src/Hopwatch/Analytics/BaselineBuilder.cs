using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Reading;

namespace Hopwatch.Analytics;

/// <summary>What `hopwatch baseline build` did.</summary>
public sealed record BaselineBuildResult(long Events, long Entries, DateTime? First, DateTime? Last, TimeSpan Elapsed);

/// <summary>
/// Learns the rare-path / ssh-lateral baseline from old evidence into the SQLite state file, in time
/// order across files. Running it again over more data widens the baseline.
/// </summary>
public static class BaselineBuilder
{
    public static BaselineBuildResult Build(IReadOnlyList<string> paths, string statePath, AnalyticsConfig config, AssetInventory? assets, ReadDiagnostics diag, int threads = 1, CancellationToken ct = default)
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        using var suite = AnalyticsSuite.CreateBaselineBuilder(config, assets, statePath);
        var detector = suite.Detectors[0];
        var merge = new TimeOrderedMerge(TimeSpan.FromSeconds(config.State.ReorderToleranceSeconds));
        var options = new EvidenceReadOptions { Threads = threads };
        // One stream per file (folders expanded): each file is mostly in time order; the merge interleaves them.
        var files = EvidenceReader.ListFiles(paths, diag);
        var streams = files.Select(f => EvidenceReader.Read(new[] { f }, options, diag, ct));
        long n = 0;
        void Ignore(Alert _) { }
        foreach (var e in merge.Merge(streams))
        {
            detector.Process(e, Ignore);
            n++;
        }
        detector.Complete(Ignore);
        suite.SaveState();
        using var store = new BaselineStore(statePath);
        var (first, last) = store.Span;
        return new BaselineBuildResult(n, store.Count(), first, last, sw.Elapsed);
    }
}
