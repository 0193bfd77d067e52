using System.Buffers;
using Hopwatch.Events;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Native EVTX reader: records as <see cref="LogEvent"/> with raw System + EventData/UserData fields,
/// or as XML. Reads chunk by chunk (64 KiB), so memory does not depend on file size; damage becomes
/// warnings in <see cref="ReadDiagnostics"/> and reading goes on with the next record or chunk.
/// </summary>
public static class EvtxEventReader
{
    /// <summary>Reads records from a stream (need not be seekable), in file order. Damage is reported to <paramref name="diag"/>.</summary>
    /// <param name="interest">Records wanted (null: all); the others are dropped before their EventData is read.</param>
    public static IEnumerable<LogEvent> Read(Stream stream, string displayName, ReadDiagnostics diag, CancellationToken ct = default, EventInterest? interest = null)
    {
        var events = RentEventList();
        using var source = EvtxChunkSource.FromStream(stream, displayName, diag);
        try
        {
            foreach (var _ in ReadChunks(source, displayName, diag, events, null, ct, interest))
            {
                foreach (var e in events) yield return e;
                events.Clear();
            }
        }
        finally
        {
            ReturnEventList(events);
        }
    }

    /// <summary>
    /// <see cref="Read"/> for an EVTX file on disk whose first <paramref name="headerLength"/> bytes the caller
    /// already read (content sniffing) into <paramref name="header"/>: read by offset, each chunk only as far as it
    /// is used. The file stays the caller's.
    /// </summary>
    internal static IEnumerable<LogEvent> ReadOpenFile(FileStream file, byte[] header, int headerLength, string displayName, ReadDiagnostics diag,
        CancellationToken ct = default, EventInterest? interest = null)
    {
        var events = RentEventList();
        using var source = EvtxChunkSource.FromOpenFile(file, displayName, diag, header, headerLength);
        try
        {
            foreach (var _ in ReadChunks(source, displayName, diag, events, null, ct, interest))
            {
                foreach (var e in events) yield return e;
                events.Clear();
            }
        }
        finally
        {
            ReturnEventList(events);
        }
    }

    /// <summary>
    /// A chunk's records collect in a list that is pooled, not made per file: evidence often comes as
    /// thousands of small files, and a fresh list per file was a good part of the pointer arrays a hunt
    /// allocated. (Not thread-static: one thread may have several files open, as the time merge does.)
    /// </summary>
    private static readonly Stack<List<LogEvent>> EventListPool = new();

    private static List<LogEvent> RentEventList()
    {
        lock (EventListPool)
            if (EventListPool.TryPop(out var list)) return list;
        return new List<LogEvent>(512);
    }

    private static void ReturnEventList(List<LogEvent> list)
    {
        list.Clear(); // drop the references: pooled lists must not keep events alive
        if (list.Capacity > 4096) return; // a one-off huge chunk's list is not worth keeping
        lock (EventListPool)
            if (EventListPool.Count < 2 * Environment.ProcessorCount) EventListPool.Push(list);
    }

    /// <summary>Reads a file, decoding chunks on up to <paramref name="threads"/> threads; output stays in file order.</summary>
    public static IEnumerable<LogEvent> ReadFile(string path, ReadDiagnostics diag, int threads = 1, CancellationToken ct = default, EventInterest? interest = null)
    {
        if (threads <= 1)
            return ReadFileSequential(path, diag, ct, interest);
        return ReadFileParallel(path, diag, threads, ct, interest);
    }

    /// <summary>Records of a file rendered as XML in evtxexport's layout, in file order.</summary>
    public static IEnumerable<EvtxXmlRecord> ReadXml(string path, ReadDiagnostics diag, CancellationToken ct = default)
    {
        var source = EvtxChunkSource.Open(path, diag);
        if (source is null) yield break;
        using (source)
        {
            var xml = new List<EvtxXmlRecord>(512);
            foreach (var _ in ReadChunks(source, path, diag, null, xml, ct))
            {
                foreach (var x in xml) yield return x;
                xml.Clear();
            }
        }
    }

    /// <summary>Records of a stream rendered as XML in evtxexport's layout, in file order.</summary>
    public static IEnumerable<EvtxXmlRecord> ReadXml(Stream stream, string displayName, ReadDiagnostics diag, CancellationToken ct = default)
    {
        var xml = new List<EvtxXmlRecord>(512);
        using var source = EvtxChunkSource.FromStream(stream, displayName, diag);
        foreach (var _ in ReadChunks(source, displayName, diag, null, xml, ct))
        {
            foreach (var x in xml) yield return x;
            xml.Clear();
        }
    }

    /// <summary>
    /// The `dump --format jsonl` fast path: writes the records of an EVTX stream as JSON lines straight to
    /// <paramref name="writer"/>, byte for byte what <see cref="Read"/> and <see cref="Hopwatch.Reporting.RawEventJsonWriter.Write"/>
    /// give, without building events (see <see cref="EvtxJsonEmitter"/>). Damage is reported as in <see cref="Read"/>.
    /// </summary>
    public static void WriteJsonLines(Stream stream, string displayName, ReadDiagnostics diag, Hopwatch.Reporting.RawEventJsonWriter writer,
        CancellationToken ct = default)
    {
        using var source = EvtxChunkSource.FromStream(stream, displayName, diag);
        WriteJsonLines(source, displayName, diag, writer, ct);
    }

    /// <summary><see cref="WriteJsonLines(Stream, string, ReadDiagnostics, Hopwatch.Reporting.RawEventJsonWriter, CancellationToken)"/> from an open source.</summary>
    internal static void WriteJsonLines(EvtxChunkSource source, string displayName, ReadDiagnostics diag, Hopwatch.Reporting.RawEventJsonWriter writer,
        CancellationToken ct = default)
    {
        diag.FileOpened();
        if (!ReadHeader(source, displayName, diag)) return;
        var decoder = RentDecoder();
        try
        {
            foreach (var _ in DecodeChunks(decoder, source, displayName, diag, null, null, ct, writer)) { }
        }
        finally
        {
            ReturnDecoder(decoder);
        }
    }

    /// <summary>
    /// <see cref="WriteJsonLines"/> for one file on several threads: this thread reads chunks in order and
    /// hands each to the thread pool, which decodes it straight to JSON lines; the lines are written in chunk
    /// order, so the output is the one-thread output. At most 2×threads chunks are in flight.
    /// </summary>
    public static void WriteJsonLinesParallel(Stream stream, string displayName, ReadDiagnostics diag, Hopwatch.Reporting.RawEventJsonWriter writer,
        int threads, CancellationToken ct = default)
    {
        using var source = EvtxChunkSource.FromStream(stream, displayName, diag);
        WriteJsonLinesParallel(source, displayName, diag, writer, threads, ct);
    }

    /// <summary><see cref="WriteJsonLinesParallel(Stream, string, ReadDiagnostics, Hopwatch.Reporting.RawEventJsonWriter, int, CancellationToken)"/> from an open source.</summary>
    internal static void WriteJsonLinesParallel(EvtxChunkSource source, string displayName, ReadDiagnostics diag, Hopwatch.Reporting.RawEventJsonWriter writer,
        int threads, CancellationToken ct = default)
    {
        diag.FileOpened();
        if (!ReadHeader(source, displayName, diag)) return;
        foreach (var done in DecodeInParallel(source, threads, job => DecodeJsonJob(job, displayName, diag),
                     abandoned => ArrayPool<byte>.Shared.Return(abandoned.Output), ct))
        {
            try
            {
                writer.WriteThrough(done.Output.AsSpan(0, done.OutputLength));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(done.Output);
            }
        }
    }

    /// <summary>A decoding thread's JSON writer and the pooled buffer its lines collect in.</summary>
    [ThreadStatic] private static (Hopwatch.Reporting.RawEventJsonWriter Writer, PooledBufferStream Sink)? t_json;

    private static ChunkJob DecodeJsonJob(ChunkJob job, string path, ReadDiagnostics diag)
    {
        var decoder = LoadJob(job, path, diag);
        if (t_json is null)
        {
            var sink = new PooledBufferStream();
            t_json = (new Hopwatch.Reporting.RawEventJsonWriter(sink), sink);
        }
        var (writer, output) = t_json.Value;
        int good = decoder.DecodeRecords(path, diag, null, null, writer);
        writer.Flush();
        (job.Output, job.OutputLength) = output.TakeBuffer();
        diag.RecordsRead(good);
        return job;
    }

    /// <summary>Collects written bytes in a pooled array that the caller takes over (and returns to the pool).</summary>
    private sealed class PooledBufferStream : Stream
    {
        private byte[] _buf = ArrayPool<byte>.Shared.Rent(1 << 17);
        private int _len;

        public (byte[] Buffer, int Length) TakeBuffer()
        {
            var taken = (_buf, _len);
            _buf = ArrayPool<byte>.Shared.Rent(1 << 17);
            _len = 0;
            return taken;
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> bytes)
        {
            if (_len + bytes.Length > _buf.Length)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buf.Length * 2, _len + bytes.Length));
                _buf.AsSpan(0, _len).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buf);
                _buf = bigger;
            }
            bytes.CopyTo(_buf.AsSpan(_len));
            _len += bytes.Length;
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _len;
        public override long Position { get => _len; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    private static IEnumerable<LogEvent> ReadFileSequential(string path, ReadDiagnostics diag, CancellationToken ct, EventInterest? interest)
    {
        var source = EvtxChunkSource.Open(path, diag);
        if (source is null) yield break;
        var events = RentEventList();
        try
        {
            foreach (var _ in ReadChunks(source, path, diag, events, null, ct, interest))
            {
                foreach (var e in events) yield return e;
                events.Clear();
            }
        }
        finally
        {
            ReturnEventList(events);
            source.Dispose();
        }
    }

    /// <summary>Every event of the file, decoded one chunk after the other by <paramref name="decoder"/> (for tests that compare decoder settings).</summary>
    internal static List<LogEvent> ReadFileWith(EvtxChunkDecoder decoder, string path, ReadDiagnostics diag, EventInterest? interest = null)
    {
        var events = new List<LogEvent>();
        var source = EvtxChunkSource.Open(path, diag);
        if (source is null) return events;
        using (source)
        {
            diag.FileOpened();
            if (!ReadHeader(source, path, diag)) return events;
            foreach (var _ in DecodeChunks(decoder, source, path, diag, events, null, CancellationToken.None, interest: interest)) { }
        }
        return events;
    }

    /// <summary>Validates the file header; false (with a warning) when this is not an EVTX file.</summary>
    private static bool ReadHeader(EvtxChunkSource source, string file, ReadDiagnostics diag)
    {
        var header = ArrayPool<byte>.Shared.Rent(EvtxFileHeader.Size);
        int n = source.ReadFileHeader(header);
        var parsed = EvtxFileHeader.Parse(header.AsSpan(0, n));
        ArrayPool<byte>.Shared.Return(header);
        if (parsed is null)
        {
            diag.Warn(file, "file header", n < 8 ? "file too short for an EVTX header" : "not an EVTX file (no ElfFile signature)");
            return false;
        }
        if (n < EvtxFileHeader.Size) diag.Warn(file, "file header", $"truncated file header ({n} bytes)");
        else if (!parsed.Value.ChecksumOk) diag.Warn(file, "file header", "file header checksum mismatch");
        return true;
    }

    /// <summary>
    /// The sequential core: decodes chunk after chunk into the caller's lists and yields after each
    /// chunk so the caller can hand the records on and clear the lists.
    /// </summary>
    private static IEnumerable<int> ReadChunks(EvtxChunkSource source, string file, ReadDiagnostics diag,
        List<LogEvent>? events, List<EvtxXmlRecord>? xml, CancellationToken ct, EventInterest? interest = null)
    {
        diag.FileOpened();
        if (!ReadHeader(source, file, diag)) yield break;
        var decoder = RentDecoder();
        try
        {
            foreach (var good in DecodeChunks(decoder, source, file, diag, events, xml, ct, interest: interest)) yield return good;
        }
        finally
        {
            ReturnDecoder(decoder);
        }
    }

    /// <summary>
    /// Decoders (64 KiB buffer, caches, value strings) are pooled: evidence often comes as thousands of
    /// small files, and a fresh decoder per file would cost more than reading the file. A plain locked
    /// stack: a ConcurrentBag's first use set up its event source by reflection, which cost more
    /// start-up than all the locking a dump does.
    /// </summary>
    private static readonly Stack<EvtxChunkDecoder> DecoderPool = new();

    private static EvtxChunkDecoder RentDecoder()
    {
        lock (DecoderPool)
            if (DecoderPool.TryPop(out var d)) return d;
        return new EvtxChunkDecoder();
    }

    private static void ReturnDecoder(EvtxChunkDecoder d)
    {
        lock (DecoderPool)
            if (DecoderPool.Count < 2 * Environment.ProcessorCount) DecoderPool.Push(d);
    }

    private static IEnumerable<int> DecodeChunks(EvtxChunkDecoder decoder, EvtxChunkSource source, string file, ReadDiagnostics diag,
        List<LogEvent>? events, List<EvtxXmlRecord>? xml, CancellationToken ct, Hopwatch.Reporting.RawEventJsonWriter? json = null, EventInterest? interest = null)
    {
        var data = decoder.Chunk.Data;
        long offset = EvtxFileHeader.Size;
        for (int index = 0; ; index++)
        {
            ct.ThrowIfCancellationRequested();
            if (source.IsHole(offset, out int holeLength))
            {
                offset += holeLength; // all zeros: what a read would decode to nothing
                if (holeLength < data.Length) break;
                continue;
            }
            int n = source.ReadChunk(data, offset, out int loaded);
            if (n == 0) break;
            TakeChunk(decoder, source, null, n, loaded, index, offset, file, diag);
            int good = decoder.DecodeRecords(file, diag, events, xml, json, interest);
            diag.RecordsRead(good);
            yield return good;
            offset += n;
            if (n < data.Length) break;
        }
    }

    /// <summary>
    /// Loads a chunk read by <paramref name="source"/> into <paramref name="decoder"/> (copied from
    /// <paramref name="read"/> when it was read elsewhere) and warns when the file ends inside it.
    /// </summary>
    private static void TakeChunk(EvtxChunkDecoder decoder, EvtxChunkSource source, byte[]? read, int length, int loaded,
        int index, long offset, string file, ReadDiagnostics diag)
    {
        var data = decoder.Chunk.Data;
        read?.AsSpan(0, loaded).CopyTo(data);
        source.Prepare(data, length, loaded);
        // A chunk read only in part has the chunk signature, so it is not unused space.
        if (length < data.Length && (loaded < length || !EvtxChunkHeader.IsUnused(data.AsSpan(0, length))))
            diag.Warn(file, $"chunk {index} offset 0x{offset:x}", $"truncated chunk ({length} of {data.Length} bytes)");
        decoder.Load(index, offset, length, loaded, source);
    }

    [ThreadStatic] private static EvtxChunkDecoder? t_decoder;

    private sealed class ChunkJob
    {
        public required byte[] Data;
        public required int Length;
        public required int Loaded;
        public required EvtxChunkSource Source;
        public required int Index;
        public required long Offset;
        /// <summary>What decoding produced: events, or JSON lines in a pooled buffer.</summary>
        public List<LogEvent>? Events;
        public byte[] Output = [];
        public int OutputLength;
    }

    /// <summary>
    /// The parallel core: this thread reads the chunks of <paramref name="source"/> in order and hands each
    /// to the thread pool (<paramref name="decode"/>); decoded chunks are yielded in chunk order, at most
    /// 2×threads in flight, so memory stays bounded. When the caller stops early or fails, in-flight chunks
    /// are waited for (no buffer is used after it is returned) and each handed to <paramref name="abandon"/>.
    /// </summary>
    private static IEnumerable<ChunkJob> DecodeInParallel(EvtxChunkSource source, int threads, Func<ChunkJob, ChunkJob> decode,
        Action<ChunkJob>? abandon, CancellationToken ct)
    {
        var pending = new Queue<Task<ChunkJob>>();
        long offset = EvtxFileHeader.Size;
        bool eof = false;
        int index = 0;
        int maxInFlight = Math.Max(2, threads * 2);
        try
        {
            while (true)
            {
                while (!eof && pending.Count < maxInFlight)
                {
                    ct.ThrowIfCancellationRequested();
                    if (source.IsHole(offset, out int holeLength))
                    {
                        index++;
                        offset += holeLength;
                        if (holeLength < EvtxChunkHeader.ChunkSize) eof = true;
                        continue;
                    }
                    var buf = ArrayPool<byte>.Shared.Rent(EvtxChunkHeader.ChunkSize);
                    int n = source.ReadChunk(buf, offset, out int loaded);
                    if (n == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buf);
                        eof = true;
                        break;
                    }
                    var job = new ChunkJob { Data = buf, Length = n, Loaded = loaded, Index = index++, Offset = offset, Source = source };
                    pending.Enqueue(Task.Run(() => decode(job), ct));
                    offset += n;
                    if (n < EvtxChunkHeader.ChunkSize) eof = true;
                }
                if (pending.Count == 0) break;
                yield return pending.Dequeue().GetAwaiter().GetResult();
            }
        }
        finally
        {
            foreach (var t in pending)
            {
                try
                {
                    var abandoned = t.GetAwaiter().GetResult();
                    abandon?.Invoke(abandoned);
                }
                catch (Exception) { /* already reported or cancelled */ }
            }
        }
    }

    /// <summary>Loads a job's chunk into this thread's decoder and returns the job's buffer to the pool.</summary>
    private static EvtxChunkDecoder LoadJob(ChunkJob job, string path, ReadDiagnostics diag)
    {
        var decoder = t_decoder ??= new EvtxChunkDecoder();
        try
        {
            TakeChunk(decoder, job.Source, job.Data, job.Length, job.Loaded, job.Index, job.Offset, path, diag);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(job.Data);
        }
        return decoder;
    }

    /// <summary>
    /// One reader thread (this one) reads chunks in order and hands each to the thread pool; results are
    /// yielded in chunk order. At most 2×threads chunks are in flight, so memory stays bounded.
    /// </summary>
    private static IEnumerable<LogEvent> ReadFileParallel(string path, ReadDiagnostics diag, int threads, CancellationToken ct, EventInterest? interest)
    {
        var source = EvtxChunkSource.Open(path, diag);
        if (source is null) yield break;
        using (source)
        {
            diag.FileOpened();
            if (!ReadHeader(source, path, diag)) yield break;
            foreach (var done in DecodeInParallel(source, threads, job => DecodeJob(job, path, diag, interest), null, ct))
                foreach (var e in done.Events!) yield return e;
        }
    }

    private static ChunkJob DecodeJob(ChunkJob job, string path, ReadDiagnostics diag, EventInterest? interest)
    {
        var decoder = LoadJob(job, path, diag);
        job.Events = new List<LogEvent>();
        int good = decoder.DecodeRecords(path, diag, job.Events, null, interest: interest);
        diag.RecordsRead(good);
        return job;
    }
}
