using System.Collections.Concurrent;
using System.Diagnostics;
using Hopwatch.Events;
using Hopwatch.Reading.Evtx;
using Hopwatch.Tests.Support;
using Xunit.Abstractions;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Robustness of <see cref="EvtxEventReader.Read"/> on damaged real files: thousands of deterministic
/// mutations (see <see cref="EvtxMutator"/>), each read to the end on its own task. No exception may
/// escape, every case must finish within <see cref="PerCaseTimeout"/>, and no case may allocate more than
/// <see cref="AllocationLimit"/>. A failure names the case seed; reproduce it with <see cref="MakeCase"/>.
/// </summary>
public sealed class EvtxMutationTests(ITestOutputHelper output)
{
    private const int Seed = 20261125;
    private const int Cases = 3000;
    private static readonly TimeSpan PerCaseTimeout = TimeSpan.FromSeconds(10);
    /// <summary>Inputs are at most ~200 KB; decoding them completely takes a few MB. 256 MB means something grew without bound.</summary>
    private const long AllocationLimit = 256L << 20;
    private static readonly TimeSpan TotalBudget = TimeSpan.FromSeconds(100);

    /// <summary>Small real files of different shapes: Security, System, Sysmon, CAPI2 UserData, size_t, irregular bools, forwarded events, no CRC.</summary>
    private static readonly string[] BaseFiles =
    [
        "parser-edge-cases/Security_short_selected.evtx",
        "parser-edge-cases/Application_no_crc32.evtx",
        "parser-edge-cases/new-user-security.evtx",
        "parser-edge-cases/Microsoft-Windows-HelloForBusiness%4Operational.evtx",
        "parser-edge-cases/sysmon.evtx",
        "parser-edge-cases/system.evtx",
        "parser-edge-cases/Security_with_size_t.evtx",
        "parser-edge-cases/sample-with-irregular-bool-values.evtx",
        "parser-edge-cases/E_Windows_system32_winevt_logs_Microsoft-Windows-CAPI2%4Operational.evtx",
        "parser-edge-cases/2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx",
        "parser-edge-cases/MSExchange_Management_wec.evtx",
        "parser-edge-cases/security_bad_string_cache.evtx",
    ];

    private static readonly Lazy<byte[][]> Bases = new(() =>
        BaseFiles.Select(f => EvtxLayout.Prefix(File.ReadAllBytes(Path.Combine(SharedData.Evtx, f)), chunks: 2)).ToArray());

    /// <summary>The damaged input of case <paramref name="seed"/> (for reproducing a failure in a debugger).</summary>
    public static (byte[] Data, string What) MakeCase(int seed)
    {
        var rng = new Random(seed);
        int b = rng.Next(Bases.Value.Length);
        var (data, what) = EvtxMutator.Mutate(Bases.Value[b], rng);
        // Some cases stack a second mutation on the first.
        if (rng.Next(4) == 0)
        {
            var (again, what2) = EvtxMutator.Mutate(data, rng);
            return (again, $"{Path.GetFileName(BaseFiles[b])}: {what}; {what2}");
        }
        return (data, $"{Path.GetFileName(BaseFiles[b])}: {what}");
    }

    [Fact]
    public void Checksum_repair_leaves_intact_files_unchanged()
    {
        // Proves EvtxLayout's CRC and offsets match the format, so "+crc fixed" cases really pass CRC checks.
        var file = File.ReadAllBytes(Path.Combine(SharedData.Evtx, "parser-edge-cases/Security_short_selected.evtx"));
        var copy = (byte[])file.Clone();
        EvtxLayout.FixChecksums(copy);
        Assert.True(EvtxLayout.ChunkStarts(copy).Count > 0);
        Assert.Equal(file, copy);
    }

    [Fact]
    public void Mutator_builds_every_case_and_changes_the_input()
    {
        int unchanged = 0;
        for (int i = 0; i < Cases; i++)
        {
            (byte[] Data, string What) c;
            try
            {
                c = MakeCase(Seed + i);
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"the mutator itself failed on seed {Seed + i}: {e}");
            }
            if (c.Data.Length == Bases.Value[new Random(Seed + i).Next(Bases.Value.Length)].Length &&
                c.Data.AsSpan().SequenceEqual(Bases.Value[new Random(Seed + i).Next(Bases.Value.Length)])) unchanged++;
        }
        // Zeroing or setting bytes inside a chunk's zero-filled free space changes nothing (~2.5% of cases);
        // anything much above that means a mutation kind is not doing its job.
        Assert.True(unchanged < Cases / 20, $"{unchanged} of {Cases} cases are identical to their base file");
    }

    [Fact]
    public void Undamaged_bases_read_cleanly()
    {
        // The mutations only test something if the undamaged inputs decode.
        for (int i = 0; i < BaseFiles.Length; i++)
        {
            var diag = new ReadDiagnostics();
            int n = EvtxEventReader.Read(new MemoryStream(Bases.Value[i], writable: false), BaseFiles[i], diag).Count();
            Assert.True(n > 0,
                $"{BaseFiles[i]}: no records from the undamaged input ({diag.WarningCount} warnings: {string.Join("; ", diag.Warnings.Take(3))})");
        }
    }

    [Fact]
    public void Damaged_files_never_throw_hang_or_grow_memory()
    {
        _ = Bases.Value;
        var failures = new ConcurrentQueue<string>();
        var slowest = new ConcurrentBag<(double Ms, int Seed)>();
        long records = 0, warnings = 0, clean = 0, done = 0;
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource();

        Parallel.For(0, Cases, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Math.Min(2, Environment.ProcessorCount)), CancellationToken = CancellationToken.None }, i =>
        {
            if (clock.Elapsed > TotalBudget || failures.Count >= 20) return;
            int seed = Seed + i;
            var (data, what) = MakeCase(seed);
            using var cts = new CancellationTokenSource();
            var sw = Stopwatch.StartNew();
            var task = Task.Factory.StartNew(() => ReadAll(data, seed, cts.Token), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            if (!task.Wait(PerCaseTimeout))
            {
                cts.Cancel(); // the reader may still notice; if it does not, the thread is abandoned
                failures.Enqueue($"seed {seed} ({what}): did not finish within {PerCaseTimeout.TotalSeconds:0} s");
                return;
            }
            slowest.Add((sw.Elapsed.TotalMilliseconds, seed));
            var r = task.Result;
            if (r.Error is not null)
                failures.Enqueue($"seed {seed} ({what}): {r.Error.GetType().Name} escaped: {r.Error.Message}\n{Trim(r.Error.StackTrace)}");
            else if (r.Allocated > AllocationLimit)
                failures.Enqueue($"seed {seed} ({what}): allocated {r.Allocated >> 20} MB reading a {data.Length >> 10} KB input");
            Interlocked.Add(ref records, r.Records);
            Interlocked.Add(ref warnings, r.Warnings);
            if (r.Warnings == 0) Interlocked.Increment(ref clean);
            Interlocked.Increment(ref done);
        });

        var top = slowest.OrderByDescending(s => s.Ms).Take(3).Select(s => $"seed {s.Seed} {s.Ms:0} ms");
        output.WriteLine($"{done}/{Cases} cases in {clock.Elapsed.TotalSeconds:0.0} s: {records} records, {warnings} warnings, " +
                         $"{clean} cases without a warning; slowest: {string.Join(", ", top)}");
        Assert.True(failures.IsEmpty, $"{failures.Count} damaged input(s) broke the reader (reproduce with EvtxMutationTests.MakeCase(seed)):\n" +
                                      string.Join("\n", failures.Take(20)));
        Assert.True(done >= Cases / 2, $"only {done} of {Cases} cases ran within the {TotalBudget.TotalSeconds:0} s budget — the reader is far too slow on damaged input");
    }

    [Fact]
    public void Damaged_files_read_on_two_threads_give_the_stream_result_in_order()
    {
        // The parallel file path must neither crash nor hang on damage, and must return exactly what the
        // sequential stream path returns, in the same order ("ordered output when a single file is dumped").
        const int parallelCases = 300;
        string dir = Path.Combine(Path.GetTempPath(), "hopwatch-mutation-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var failures = new List<string>();
        try
        {
            for (int i = 0; i < parallelCases && failures.Count < 10; i++)
            {
                int seed = Seed + Cases + i;
                var (data, what) = MakeCase(seed);
                string path = Path.Combine(dir, $"case-{seed}.evtx");
                File.WriteAllBytes(path, data);
                var task = Task.Run(() =>
                {
                    var viaFile = EvtxEventReader.ReadFile(path, new ReadDiagnostics(), threads: 2).Select(Summary).ToList();
                    var viaStream = EvtxEventReader.Read(new MemoryStream(data, writable: false), path, new ReadDiagnostics()).Select(Summary).ToList();
                    return (viaFile, viaStream);
                });
                try
                {
#pragma warning disable xUnit1031 // bounded waits on purpose: a hang on a mutated file must fail its case, not stall the run
                    if (!task.Wait(PerCaseTimeout))
                    {
                        failures.Add($"seed {seed} ({what}): did not finish within {PerCaseTimeout.TotalSeconds:0} s");
                        continue;
                    }
                }
                catch (AggregateException e)
                {
                    failures.Add($"seed {seed} ({what}): {e.InnerException?.GetType().Name} escaped: {e.InnerException?.Message}");
                    continue;
                }
                var (f, s) = task.Result;
#pragma warning restore xUnit1031
                if (!f.SequenceEqual(s))
                {
                    int at = Enumerable.Range(0, Math.Min(f.Count, s.Count)).FirstOrDefault(k => f[k] != s[k], Math.Min(f.Count, s.Count));
                    failures.Add($"seed {seed} ({what}): ReadFile(threads: 2) gave {f.Count} records, Read(stream) {s.Count}; " +
                                 $"first difference at #{at}: {(at < f.Count ? f[at] : "(none)")} vs {(at < s.Count ? s[at] : "(none)")}");
                }
                File.Delete(path);
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Summary(LogEvent e) => $"{e.RecordId}/{e.EventId}/{e.Time.Ticks}/{e.Fields.Count}";

    private sealed record CaseResult(long Records, long Warnings, long Allocated, Exception? Error);

    private static CaseResult ReadAll(byte[] data, int seed, CancellationToken ct)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var diag = new ReadDiagnostics();
        long n = 0;
        try
        {
            // Every fourth case reads through a stream that cannot seek, as from a pipe or an archive entry.
            Stream s = seed % 4 == 0 ? new ForwardOnlyStream(new MemoryStream(data, writable: false)) : new MemoryStream(data, writable: false);
            foreach (var e in EvtxEventReader.Read(s, "case-" + seed, diag, ct))
            {
                // Touch what consumers touch, so lazily built values are built too.
                _ = e.Fields.Count;
                _ = e.Time;
                n++;
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // cancelled after a timeout; the timeout is reported by the caller
        }
        catch (Exception ex)
        {
            return new CaseResult(n, diag.WarningCount, GC.GetAllocatedBytesForCurrentThread() - before, ex);
        }
        return new CaseResult(n, diag.WarningCount, GC.GetAllocatedBytesForCurrentThread() - before, null);
    }

    private static string Trim(string? stack) =>
        string.Join("\n", (stack ?? "").Split('\n').Take(6).Select(l => "      " + l.Trim()));

    /// <summary>A read-only stream that refuses to seek (pipes, network, compressed entries).</summary>
    private sealed class ForwardOnlyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
