using System.Collections.Concurrent;
using Hopwatch.Events;

namespace Hopwatch.Reading;

/// <summary>
/// Files read on worker threads but handed out in file order, so a parallel read gives the same sequence as a
/// serial one (e.g. `dump --normalised --threads N`, whose output must not depend on scheduling).
/// </summary>
/// <remarks>
/// Workers claim files in increasing order and each file gets a small bounded queue of batches. The consumer
/// drains file 0's queue, then file 1's, ...; a worker ahead of the consumer blocks once its file's queue is
/// full, so memory stays bounded by threads × queue size × batch size whatever the input size.
/// </remarks>
internal static class OrderedParallelFiles
{
    private const int BatchSize = 256;
    private const int BatchesPerFile = 16;

    public static IEnumerable<LogEvent> Read(IReadOnlyList<string> files, int threads, Func<string, CancellationToken, IEnumerable<LogEvent>> readFile, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queues = new BlockingCollection<LogEvent[]>?[files.Count];
        BlockingCollection<LogEvent[]> QueueOf(int i)
        {
            var q = Volatile.Read(ref queues[i]);
            if (q is not null) return q;
            var fresh = new BlockingCollection<LogEvent[]>(BatchesPerFile);
            return Interlocked.CompareExchange(ref queues[i], fresh, null) ?? fresh;
        }

        int next = -1;
        Exception? failure = null;
        var workers = Enumerable.Range(0, Math.Min(threads, files.Count)).Select(_ => Task.Factory.StartNew(() =>
        {
            int i;
            var batch = new List<LogEvent>(BatchSize); // one per worker, emptied per file: evidence is often thousands of small files
            while ((i = Interlocked.Increment(ref next)) < files.Count && !cts.IsCancellationRequested)
            {
                var q = QueueOf(i);
                try
                {
                    batch.Clear();
                    foreach (var e in readFile(files[i], cts.Token))
                    {
                        batch.Add(e);
                        if (batch.Count == BatchSize) { q.Add(batch.ToArray(), cts.Token); batch.Clear(); }
                    }
                    if (batch.Count > 0) q.Add(batch.ToArray(), cts.Token);
                }
                catch (OperationCanceledException) { return; }
                catch (Exception ex) { failure = ex; cts.Cancel(); return; }
                finally { q.CompleteAdding(); }
            }
        }, cts.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        try
        {
            for (int i = 0; i < files.Count; i++)
            {
                var q = QueueOf(i);
                while (true)
                {
                    LogEvent[]? batch;
                    try { if (!q.TryTake(out batch, Timeout.Infinite, cts.Token)) break; }
                    catch (OperationCanceledException) when (failure is not null) { break; }
                    foreach (var e in batch) yield return e;
                }
                if (failure is not null) break;
                queues[i] = null; // this file is done: let its queue go
                q.Dispose();
            }
        }
        finally
        {
            cts.Cancel();
            try { Task.WaitAll(workers); } catch (AggregateException) { }
        }
        if (failure is not null) throw new InvalidOperationException("reading failed: " + failure.Message, failure);
    }
}
