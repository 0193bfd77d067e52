using Hopwatch.Events;

namespace Hopwatch.Reporting;

/// <summary>
/// The raw JSON-lines dump (<see cref="RawEventJsonWriter"/>) of many files on several threads. Each
/// worker reads a whole file and formats its events itself, so both cores decode and format (handing
/// events to one formatter made that formatter the bottleneck); the output is byte for byte the
/// one-thread output. Order without a consumer thread: the worker whose file is next in line writes its
/// bytes to the output itself; workers on later files keep theirs until their file's turn comes (a writer's
/// full buffer is handed over and the writer goes on in a spare one; what a file's last flush leaves is
/// copied), and then whichever worker advances the turn writes them.
/// Memory stays bounded: files ahead of their turn keep at most <see cref="MaxWaitingBytes"/> in all
/// (a worker waits for its turn beyond that), and workers start at most
/// <see cref="FilesAheadPerThread"/>×threads files (1024 at most) ahead of the turn. The bound is on all
/// waiting bytes, not per file, and the window of files is wide: with 8 segments per file and 16 files
/// ahead, the worker beside a large file soon stalled until that file was done (the bench corpus holds
/// runs of 1-2 MB logs among small files), which kept the 2-thread scaling near 1.3.
/// Bytes kept back live outside the GC heap (<see cref="NativeByteBlocks"/>): as 128 KiB arrays from the shared
/// array pool, more than it keeps, they set off full collections (bench corpus, 2 threads: one 9-11 ms pause
/// in a 92 ms run, with the other worker stopped).
/// </summary>
public static class ParallelRawJsonDump
{
    public const int MaxWaitingBytes = 24 << 20;
    public const int FilesAheadPerThread = 128;
    private const int ListingBatch = 16;

    /// <summary>
    /// Bytes held back: a writer's whole buffer (<c>Buffer</c>, handed over instead of copied) or a copy in a
    /// native block (what a file's last, partial flush leaves, mostly small).
    /// </summary>
    private readonly record struct Held(byte[]? Buffer, nint Block, int Length);

    /// <summary>A flush this full hands its buffer over when held back; a smaller one is copied to a block sized to it.</summary>
    private const int HandOverAt = 32 << 10;

    private sealed class FileOutput
    {
        public readonly List<Held> Waiting = new();
        public bool Done;
    }

    public static void Write(IReadOnlyList<string> files, Func<string, IEnumerable<LogEvent>> readFile, Stream output, int threads)
        => Write(files, (f, writer) =>
        {
            foreach (var e in readFile(f)) writer.Write(e);
        }, output, threads);

    /// <summary>As above, with each file written to the worker's writer by <paramref name="dumpFile"/>.</summary>
    public static void Write(IReadOnlyList<string> files, Action<string, RawEventJsonWriter> dumpFile, Stream output, int threads)
        => Write((IEnumerable<string>)files, dumpFile, output, Math.Clamp(threads, 1, Math.Max(1, files.Count)));

    /// <summary>
    /// As above, with files handed out as <paramref name="listing"/> yields them (see <see cref="Hopwatch.Reading.EvidenceFileWalk"/>):
    /// this thread walks the folders while the workers already dump the first files.
    /// </summary>
    public static void Write(IEnumerable<string> listing, Action<string, RawEventJsonWriter> dumpFile, Stream output, int threads)
    {
        threads = Math.Max(1, threads);
        var files = new List<string>();
        bool listed = false;
        int window = Math.Max(threads + 1, Math.Min(FilesAheadPerThread * threads, 1024));
        var state = new Dictionary<int, FileOutput>();
        var gate = new object();
        int turn = 0, next = 0;
        long waitingBytes = 0;
        Exception? failure = null;
        // Output is written outside the gate, by one thread at a time (the one that set this under the gate):
        // every worker handing bytes or claiming a file needs the gate, and with the writes inside it they spun
        // and yielded on it (~170 sched_yield calls in a 2-thread dump of the bench corpus).
        bool writing = false;
        var toWrite = new List<Held>(); // the writer's, while `writing`
        using var blocks = new NativeByteBlocks(RawEventJsonWriter.BufferSize); // under the gate
        // Writer buffers handed over and written, for the next writer that hands one over (under the gate).
        // Pinned: they live on the pinned-object heap, so no collection copies them while they wait.
        var spareBuffers = new Stack<byte[]>();

        // Under the gate (returns with it held): write every finished file in line and what the next one has so
        // far. Files whose bytes are taken count as written (the turn moves on), so a worker whose file comes up
        // while they are being written must not write its own bytes directly: it sees `writing` and adds them to
        // its waiting list, which the writer takes on its next round before it gives the role up.
        void Advance()
        {
            if (writing) return;
            writing = true;
            try
            {
                while (true)
                {
                    while (turn < files.Count && state.TryGetValue(turn, out var f))
                    {
                        toWrite.AddRange(f.Waiting);
                        f.Waiting.Clear();
                        if (!f.Done) break;
                        state.Remove(turn);
                        turn++;
                    }
                    if (toWrite.Count == 0) break;
                    Monitor.Exit(gate);
                    try
                    {
                        foreach (var h in toWrite)
                        {
                            if (h.Buffer is not null) output.Write(h.Buffer, 0, h.Length);
                            else output.Write(NativeByteBlocks.View(h.Block, h.Length));
                        }
                    }
                    finally
                    {
                        Monitor.Enter(gate);
                        long all = 0;
                        foreach (var h in toWrite)
                        {
                            if (h.Buffer is not null) spareBuffers.Push(h.Buffer);
                            else blocks.Release(h.Block, h.Length);
                            all += h.Length;
                        }
                        toWrite.Clear();
                        waitingBytes -= all;
                        Monitor.PulseAll(gate);
                    }
                }
            }
            finally
            {
                writing = false;
                Monitor.PulseAll(gate);
            }
        }

        // Returns the buffer the worker's writer goes on with: `buffer` unless it was kept (only when mayKeep).
        byte[] Hand(int index, FileOutput f, byte[] buffer, int count, bool mayKeep)
        {
            lock (gate)
            {
                if (failure is not null) throw new OperationCanceledException();
                if (turn != index || writing)
                {
                    var next = buffer;
                    if (mayKeep && count >= HandOverAt && buffer.Length == RawEventJsonWriter.BufferSize)
                    {
                        f.Waiting.Add(new Held(buffer, 0, count));
                        next = spareBuffers.Count > 0 ? spareBuffers.Pop() : GC.AllocateUninitializedArray<byte>(RawEventJsonWriter.BufferSize, pinned: true);
                    }
                    else f.Waiting.Add(new Held(null, blocks.Keep(buffer.AsSpan(0, count)), count));
                    waitingBytes += count;
                    while (waitingBytes >= MaxWaitingBytes && turn != index && failure is null) Monitor.Wait(gate);
                    if (turn == index) Advance(); // our turn came while we waited: write what we kept (unless another writer takes it)
                    return next;
                }
                writing = true; // our file is in line and nobody writes: write these bytes ourselves, outside the gate
            }
            try
            {
                output.Write(buffer, 0, count);
            }
            finally
            {
                lock (gate)
                {
                    writing = false;
                    Monitor.PulseAll(gate);
                }
            }
            return buffer;
        }

        void Work()
        {
            var sink = new TurnStream(Hand);
            var writer = new RawEventJsonWriter(sink);
            try
            {
                while (true)
                {
                    int i;
                    string path;
                    FileOutput f;
                    lock (gate)
                    {
                        while (failure is null && (next >= files.Count ? !listed : next >= turn + window)) Monitor.Wait(gate);
                        if (next >= files.Count || failure is not null) return;
                        i = next++;
                        path = files[i]; // read under the gate: the listing may be growing the list
                        f = new FileOutput();
                        state[i] = f;
                    }
                    sink.Start(i, f);
                    dumpFile(path, writer);
                    writer.Flush();
                    lock (gate)
                    {
                        f.Done = true;
                        if (turn == i) Advance();
                    }
                }
            }
            catch (OperationCanceledException) when (Volatile.Read(ref failure) is not null) { }
            catch (Exception ex)
            {
                lock (gate)
                {
                    failure ??= ex;
                    Monitor.PulseAll(gate);
                }
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
            // Files are published to the workers in small batches (one gate round per file made the listing
            // thread contend with the workers), but at once whenever the workers have caught up with the list.
            var batch = new List<string>(ListingBatch);
            int published = 0;
            bool Publish()
            {
                lock (gate)
                {
                    if (failure is not null) return false;
                    files.AddRange(batch);
                    published = files.Count;
                    Monitor.PulseAll(gate);
                }
                batch.Clear();
                return true;
            }
            foreach (var f in listing)
            {
                batch.Add(f);
                if ((batch.Count >= ListingBatch || Volatile.Read(ref next) >= published) && !Publish()) break;
            }
            if (batch.Count > 0) Publish();
        }
        catch (Exception ex)
        {
            lock (gate) failure ??= ex;
        }
        finally
        {
            lock (gate)
            {
                listed = true;
                Monitor.PulseAll(gate);
            }
        }
        foreach (var w in workers) w.Join();
        if (failure is not null) throw new InvalidOperationException("dump failed: " + failure.Message, failure);
        output.Flush();
    }

    /// <summary>
    /// The writer's flushed bytes for the current file go to <c>hand</c> (written now or kept for the file's
    /// turn); the writer's own flushes may hand its buffer over, other writes (callers' arrays) are copied.
    /// </summary>
    private sealed class TurnStream(Func<int, FileOutput, byte[], int, bool, byte[]> hand) : Stream, IBufferKeepingStream
    {
        private int _index;
        private FileOutput? _file;

        public void Start(int index, FileOutput file)
        {
            _index = index;
            _file = file;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (count == 0) return;
            if (offset != 0) throw new ArgumentException("the dump writer flushes from the start of its buffer", nameof(offset));
            hand(_index, _file!, buffer, count, false);
        }

        public byte[] WriteOrKeep(byte[] buffer, int count) => count == 0 ? buffer : hand(_index, _file!, buffer, count, true);

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
