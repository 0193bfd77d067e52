using System.Buffers;
using System.Collections.Concurrent;
using Hopwatch.Events;

namespace Hopwatch.Reporting;

/// <summary>
/// The raw JSON-lines dump (<see cref="RawEventJsonWriter"/>) of many files on several threads. Each
/// worker reads a whole file and formats its events itself; the calling thread only copies finished
/// bytes to the output in file order. So both cores decode and format (handing events to one formatter
/// made that formatter the bottleneck), and the output is byte for byte the one-thread output.
/// Memory stays bounded: a file's output is handed over in segments of about 64 KiB, at most
/// <see cref="SegmentsPerFile"/> queued per file, and workers stay at most <see cref="FilesAheadPerThread"/>×threads
/// files (64 at most) ahead of the file being written: at most 16 files × 8 pooled 128 KiB buffers for
/// 2 threads. The window is that wide because
/// evidence mixes a few large logs with many small ones: while one worker reads a large file the other
/// keeps going through small ones instead of waiting.
/// </summary>
public static class ParallelRawJsonDump
{
    public const int SegmentsPerFile = 8;
    public const int FilesAheadPerThread = 8;

    private readonly record struct Segment(byte[] Bytes, int Length);

    public static void Write(IReadOnlyList<string> files, Func<string, IEnumerable<LogEvent>> readFile, Stream output, int threads)
    {
        threads = Math.Clamp(threads, 1, Math.Max(1, files.Count));
        var slots = new BlockingCollection<Segment>?[files.Count];
        using var ahead = new SemaphoreSlim(Math.Max(threads + 1, Math.Min(FilesAheadPerThread * threads, 64)));
        using var cts = new CancellationTokenSource();
        int next = -1;
        Exception? failure = null;

        BlockingCollection<Segment> Slot(int i)
            => Volatile.Read(ref slots[i]) ?? Interlocked.CompareExchange(ref slots[i], new BlockingCollection<Segment>(SegmentsPerFile), null) ?? slots[i]!;

        void Work()
        {
            // One writer per worker (its buffer and name cache serve every file); each file's bytes go to that file's queue.
            var sink = new SegmentStream(cts.Token);
            var writer = new RawEventJsonWriter(sink);
            try
            {
                while (true)
                {
                    ahead.Wait(cts.Token);
                    int i = Interlocked.Increment(ref next);
                    if (i >= files.Count) return;
                    var queue = Slot(i);
                    sink.Queue = queue;
                    try
                    {
                        foreach (var e in readFile(files[i])) writer.Write(e);
                        writer.Flush();
                    }
                    finally
                    {
                        queue.CompleteAdding();
                    }
                }
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested) { }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref failure, ex, null);
                cts.Cancel();
            }
        }

        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            workers[t] = new Thread(Work) { IsBackground = true, Name = "hopwatch-dump-" + t };
            workers[t].Start();
        }
        try
        {
            for (int i = 0; i < files.Count; i++)
            {
                var queue = Slot(i);
                foreach (var s in queue.GetConsumingEnumerable(cts.Token))
                {
                    output.Write(s.Bytes, 0, s.Length);
                    ArrayPool<byte>.Shared.Return(s.Bytes);
                }
                slots[i] = null;
                queue.Dispose();
                ahead.Release();
            }
            output.Flush();
        }
        catch (OperationCanceledException) when (failure is not null) { }
        finally
        {
            cts.Cancel();
            foreach (var w in workers) w.Join();
        }
        if (failure is not null) throw new InvalidOperationException("dump failed: " + failure.Message, failure);
    }

    /// <summary>Takes the writer's flushed bytes as pooled segments for the file's queue (blocking while it is full).</summary>
    private sealed class SegmentStream(CancellationToken ct) : Stream
    {
        public BlockingCollection<Segment>? Queue;

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (count == 0) return;
            var copy = ArrayPool<byte>.Shared.Rent(count);
            buffer.AsSpan(offset, count).CopyTo(copy);
            Queue!.Add(new Segment(copy, count), ct);
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
