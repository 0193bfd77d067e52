using System.Diagnostics;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Reporting;

namespace Hopwatch.Pipeline;

/// <summary>
/// read → normalise → detect → (score → report): runs one hunt over a set of inputs.
/// Detectors see events in time order across all inputs, which stateful analytics rely on.
/// </summary>
public static class HuntRunner
{
    public static HuntResult Run(HuntOptions options, ReadDiagnostics? diagnostics = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var diag = diagnostics ?? new ReadDiagnostics();
        using var plan = HuntPlan.Create(options, diag);

        var readOptions = new EvidenceReadOptions
        {
            Format = options.Format,
            Threads = options.Threads,
            Normalise = true,
            OnBytes = options.OnBytes,
            OnTotalBytes = options.OnTotalBytes,
        };

        var alerts = new List<Alert>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Emit(Alert a)
        {
            // Ids are deterministic: the same evidence seen twice (a file passed twice, overlapping
            // exports) must not produce the same alert twice.
            if (seen.Add(a.Id)) alerts.Add(a);
        }

        long count = 0;
        var ordered = new TimeOrderedBuffer();
        foreach (var e in EvidenceReader.Read(options.Inputs, readOptions, diag, ct))
        {
            count++;
            ordered.Add(e);
        }
        foreach (var e in ordered.Drain())
        {
            ct.ThrowIfCancellationRequested();
            foreach (var d in plan.Detectors) d.Process(e, Emit);
        }
        foreach (var d in plan.Detectors) d.Complete(Emit);
        plan.Finish();

        alerts.Sort((a, b) =>
        {
            int c = a.TimeFirst.CompareTo(b.TimeFirst);
            return c != 0 ? c : string.CompareOrdinal(a.Id, b.Id);
        });

        var result = new HuntResult
        {
            Alerts = alerts,
            Diagnostics = diag,
            EventCount = count,
            Elapsed = sw.Elapsed,
            Suppressed = plan.Suppressed,
            SetupWarnings = plan.SetupWarnings,
        };
        plan.Score(result);

        if (options.OutDir is { } outDir)
        {
            Directory.CreateDirectory(outDir);
            using (var w = AlertJsonWriter.Create(Path.Combine(outDir, "alerts.jsonl")))
                foreach (var a in alerts) w.Write(a);
            plan.WriteReports(outDir, result);
        }
        return result;
    }
}
