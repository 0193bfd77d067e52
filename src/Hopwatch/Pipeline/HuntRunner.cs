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
    /// <summary>
    /// Starts reading the inputs when they fit <see cref="HuntOptions.ExactOrderMaxBytes"/>: read (in parallel)
    /// and sorted exactly, on a background task, so that reading can overlap the detectors' set-up (loading and
    /// compiling rules). Null when the inputs are too large to hold; they are then streamed by <see cref="OrderedEvents"/>.
    /// </summary>
    private static Task<LogEvent[]>? StartExactRead(IReadOnlyList<string> files, long totalBytes, HuntOptions options, EvidenceReadOptions readOptions, ReadDiagnostics diag, CancellationToken ct)
    {
        if (totalBytes > options.ExactOrderMaxBytes) return null;
        return Task.Run(() =>
        {
            var buffer = new TimeOrderedBuffer();
            // The files as listed above: not looked up (and normalised as paths) once more per file. Their total
            // size is known here already (EvidenceReader.Read reported it itself).
            readOptions.OnTotalBytes?.Invoke(totalBytes);
            foreach (var e in EvidenceReader.ReadListed(files, readOptions, diag, ct)) buffer.Add(e);
            return buffer.DrainSorted();
        }, ct);
    }

    /// <summary>
    /// All events in time order. Up to <see cref="HuntOptions.ExactOrderMaxBytes"/> of input they come from
    /// <paramref name="exactRead"/> (read in parallel, then sorted exactly), and the whole sorted batch is first
    /// handed to <paramref name="beforeOrderedPass"/>. Beyond that, holding every event would not fit in
    /// memory, so files are read one stream each and merged by time with a reorder window: memory
    /// stays bounded and only events later than the window within their own file come out of order.
    /// </summary>
    private static IEnumerable<LogEvent> OrderedEvents(IReadOnlyList<string> files, long totalBytes, Task<LogEvent[]>? exactRead, HuntOptions options, EvidenceReadOptions readOptions,
        ReadDiagnostics diag, Action<LogEvent[]> beforeOrderedPass, HuntPhaseLog? phases, CancellationToken ct)
    {
        if (exactRead is not null)
        {
            var sorted = exactRead.GetAwaiter().GetResult(); // the reader's own exception, not an AggregateException
            phases?.End("read, normalise, sort");
            beforeOrderedPass(sorted);
            phases?.End("prematch");
            for (int i = 0; i < sorted.Length; i++)
            {
                if (i + EventPrefetch.Distance < sorted.Length) EventPrefetch.Touch(sorted[i + EventPrefetch.Distance]);
                yield return sorted[i];
                // Only now, after every detector has seen it: prematching detectors hold this same array and
                // check each event they are given against it.
                sorted[i] = null!; // let processed events be collected
            }
            yield break;
        }
        options.OnTotalBytes?.Invoke(totalBytes);
        var perFile = new EvidenceReadOptions
        {
            Format = readOptions.Format,
            Threads = 1,
            Normalise = true,
            OnBytes = readOptions.OnBytes,
            Interest = readOptions.Interest,
        };
        var merge = new TimeOrderedMerge(options.ReorderWindow);
        foreach (var e in merge.Merge(files.Select(f => EvidenceReader.Read(new[] { f }, perFile, diag, ct))))
            yield return e;
        if (merge.LateEvents > 0)
            diag.Warn("(all inputs)", "time order", $"{merge.LateEvents} events arrived more than {options.ReorderWindow.TotalSeconds:0} s behind their file's newer events and were analysed out of order");
    }

    public static HuntResult Run(HuntOptions options, ReadDiagnostics? diagnostics = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        var phases = HuntPhaseLog.StartIfEnabled();
        var diag = diagnostics ?? new ReadDiagnostics();
        // Records no detector can use are dropped by the readers, EVTX records before their EventData is read.
        // Which ones is known once the detectors are set up; records read before that (reading may overlap the
        // set-up) are all kept, which changes nothing but the work: detectors pass over what they cannot use.
        EventInterest? wanted = null;
        var readOptions = new EvidenceReadOptions
        {
            Format = options.Format,
            Threads = options.Threads,
            Normalise = true,
            OnBytes = options.OnBytes,
            OnTotalBytes = options.OnTotalBytes,
            Interest = options.ReadOnlyWantedEvents ? new EventInterest(e => Volatile.Read(ref wanted) is not { } w || w.Wants(e)) : null,
        };

        var files = EvidenceReader.ListFiles(options.Inputs, diag);
        using var readCancel = CancellationTokenSource.CreateLinkedTokenSource(ct);
        long totalBytes = 0;
        // Relative paths joined to the working directory once: a FileInfo of a relative path asks the system for it (getcwd) every time.
        string cwd = Environment.CurrentDirectory;
        foreach (var f in files) totalBytes += new FileInfo(Path.IsPathRooted(f) ? f : Path.Join(cwd, f)).Length;
        // With a core to spare beyond the readers', reading starts first and runs while the detectors are
        // set up (rules loaded and compiled); a set-up error stops it. Without one, the overlap saves little
        // wall time and costs CPU: the set-up's garbage collections then trace every event read so far
        // (bench corpus on 2 cores: a blocking gen2 collection over ~100 MB of live events, 0.2-0.4 s).
        bool overlap = Environment.ProcessorCount > options.Threads;
        var exactRead = overlap ? StartExactRead(files, totalBytes, options, readOptions, diag, readCancel.Token) : null;
        // Not while reading overlaps the set-up: starting the region collects, and would trace the events read
        // so far. Before the set-up, not after it: then that collection traced the compiled rule set
        // (all Windows rules: a 0.05 s pause); now the heap is nearly empty.
        using var gcHold = options.HoldGcWhileDetecting && !overlap && totalBytes <= options.ExactOrderMaxBytes ? DetectionGcHold.Start(totalBytes) : null;
        phases?.Step("inputs listed, GC region");
        HuntPlan created;
        try { created = HuntPlan.Create(options, diag); }
        catch
        {
            readCancel.Cancel();
            try { exactRead?.Wait(); }
            catch (AggregateException) { } // cancelled, or failed: the set-up error is the one to report
            throw;
        }
        using var plan = created;
        Volatile.Write(ref wanted, EventInterest.AnyOf(plan.Detectors.Select(d => d.Interest)) ?? new EventInterest(_ => true));
        phases?.Step("detectors' interest");
        if (!overlap) exactRead = StartExactRead(files, totalBytes, options, readOptions, diag, readCancel.Token);
        phases?.End("set-up (rules)");

        var alerts = new List<Alert>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Emit(Alert a)
        {
            // Ids are deterministic: the same evidence seen twice (a file passed twice, overlapping
            // exports) must not produce the same alert twice.
            if (seen.Add(a.Id)) alerts.Add(a);
        }

        Action<Alert> emit = Emit; // one delegate: a method group per call allocated one per event and detector
        long count = 0;
        // Rule matching that does not depend on order runs on all threads over the sorted batch first.
        void Prematch(LogEvent[] batch)
        {
            foreach (var d in plan.Detectors.OfType<IPrematchingDetector>()) d.Prematch(batch, options.Threads, ct);
        }
        foreach (var e in OrderedEvents(files, totalBytes, exactRead, options, readOptions, diag, Prematch, phases, ct))
        {
            ct.ThrowIfCancellationRequested();
            count++;
            foreach (var d in plan.Detectors) d.Process(e, emit);
        }
        foreach (var d in plan.Detectors) d.Complete(emit);
        plan.Finish();
        gcHold?.Dispose(); // the events are dropped now: scoring and reports collect as usual
        phases?.End("ordered pass");

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
        phases?.End("sort alerts");

        // alerts.jsonl and suppressed.jsonl need nothing from scoring (which only reads the alerts), so with more
        // than one thread they are written while it runs; the phase log, which measures each step's CPU, keeps them
        // one after another.
        string? outDir = options.OutDir;
        if (outDir is not null && options.Threads > 1 && phases is null)
            ParallelWork.Run(2, () => WriteAlertFiles(outDir, result, null), () => plan.Score(result));
        else
        {
            plan.Score(result);
            phases?.End("score");
            if (outDir is not null) WriteAlertFiles(outDir, result, phases);
        }
        if (outDir is not null)
        {
            plan.WriteReports(outDir, result);
            phases?.End("write reports");
        }
        return result;
    }

    private static void WriteAlertFiles(string outDir, HuntResult result, HuntPhaseLog? phases)
    {
        Directory.CreateDirectory(outDir);
        using (var w = AlertJsonWriter.Create(Path.Combine(outDir, "alerts.jsonl")))
            foreach (var a in result.Alerts) w.Write(a);
        phases?.End("write alerts.jsonl");
        // What the allowlists silenced stays inspectable: one line per alert, with the reason.
        using (var w = AlertJsonWriter.Create(Path.Combine(outDir, "suppressed.jsonl")))
            foreach (var (alert, reason) in result.Suppressed) w.Write(alert, reason);
        phases?.End("write suppressed.jsonl");
    }
}
