using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Hopwatch.Service.Spool;

/// <summary>How hard the spool pushes accepted data to the disk before ingest answers.</summary>
public enum FsyncPolicy
{
    /// <summary>fsync before the answer; concurrent appends share one fsync (group commit).</summary>
    Always,
    /// <summary>Written to the OS before the answer (survives a process kill), fsynced on a timer.</summary>
    Interval,
    /// <summary>Written to the OS before the answer; fsync left to the OS (and to segment rollover).</summary>
    Never,
}

/// <summary>
/// The append-only spool: numbered segment files under one directory, each starting with a
/// 16-byte header (magic, version, first sequence number) followed by <see cref="SpoolRecord"/>s.
/// Thread-safe. Opening it cuts off a record torn by a crash at the end of the last segment.
/// </summary>
public sealed class SpoolWriter : IDisposable
{
    public const uint SegmentMagic = 0x47535748; // "HWSG"
    public const int SegmentHeaderSize = 16;

    private readonly string _dir;
    private readonly long _segmentBytes;
    private readonly FsyncPolicy _policy;
    private readonly object _lock = new();
    private readonly SemaphoreSlim _fsyncGate = new(1, 1);
    private readonly Timer? _intervalTimer;
    private SafeFileHandle _handle;
    private long _segment;
    private long _offset;
    private long _nextSeq;
    // Total bytes ever appended in this process, and how many of them are known to be on disk.
    private long _writtenTotal;
    private long _durableTotal;
    private bool _disposed;

    /// <summary>Raised after every append (the processor wakes up on it).</summary>
    public event Action? Appended;

    public string Directory => _dir;
    /// <summary>Bytes cut off the end of the last segment when it was opened (a torn record).</summary>
    public long TruncatedBytesAtOpen { get; }

    public SpoolWriter(string directory, long segmentBytes, FsyncPolicy policy, int fsyncIntervalMs = 200)
    {
        _dir = directory;
        _segmentBytes = Math.Max(segmentBytes, 4096);
        _policy = policy;
        System.IO.Directory.CreateDirectory(directory);
        var segments = ListSegments(directory);
        if (segments.Count == 0)
        {
            _segment = 1;
            _nextSeq = 1;
            _handle = CreateSegment(_segment, _nextSeq);
            _offset = SegmentHeaderSize;
        }
        else
        {
            _segment = segments[^1];
            (_handle, _offset, _nextSeq, long cut) = Recover(SegmentPath(directory, _segment));
            TruncatedBytesAtOpen = cut;
        }
        if (policy == FsyncPolicy.Interval)
            _intervalTimer = new Timer(_ => { try { FlushToDiskAsync().GetAwaiter().GetResult(); } catch (ObjectDisposedException) { } }, null, fsyncIntervalMs, fsyncIntervalMs);
    }

    /// <summary>The sequence number the next accepted event gets.</summary>
    public long NextSeq { get { lock (_lock) return _nextSeq; } }

    /// <summary>End of the last complete record: readers may read up to here.</summary>
    public SpoolPosition End { get { lock (_lock) return new SpoolPosition(_segment, _offset); } }

    public static string SegmentPath(string dir, long segment) => Path.Combine(dir, segment.ToString("D12") + ".spool");

    public static List<long> ListSegments(string dir)
    {
        var list = new List<long>();
        if (!System.IO.Directory.Exists(dir)) return list;
        foreach (var f in System.IO.Directory.EnumerateFiles(dir, "*.spool"))
            if (long.TryParse(Path.GetFileNameWithoutExtension(f), out long n)) list.Add(n);
        list.Sort();
        return list;
    }

    /// <summary>
    /// Appends one batch and returns the sequence number of its first event once the batch is as
    /// durable as the policy promises.
    /// </summary>
    public async ValueTask<long> AppendAsync(SpoolPayloadFormat format, string source, ReadOnlyMemory<byte> lines, int count, long acceptedUnixMs)
    {
        long firstSeq, myTotal;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            firstSeq = _nextSeq;
            var header = SpoolRecord.EncodeHeader(firstSeq, count, acceptedUnixMs, format, source, lines.Span);
            int frameLength = header.Length + lines.Length;
            if (_offset > SegmentHeaderSize && _offset + frameLength > _segmentBytes) RollOver();
            // One gather write: a reader never sees a header without its lines (it reads up to End only).
            RandomAccess.Write(_handle, new ReadOnlyMemory<byte>[] { header, lines }, _offset);
            _offset += frameLength;
            _nextSeq += count;
            _writtenTotal += frameLength;
            myTotal = _writtenTotal;
        }
        Appended?.Invoke();
        if (_policy == FsyncPolicy.Always) await FlushToDiskAsync(myTotal);
        return firstSeq;
    }

    /// <summary>fsyncs everything written so far (or at least up to <paramref name="upTo"/> bytes).</summary>
    public async Task FlushToDiskAsync(long upTo = long.MaxValue)
    {
        if (Volatile.Read(ref _durableTotal) >= upTo) return;
        await _fsyncGate.WaitAsync();
        try
        {
            // Whoever waited here while another fsync ran is usually covered by it already.
            if (Volatile.Read(ref _durableTotal) >= upTo) return;
            SafeFileHandle handle;
            long covered;
            lock (_lock)
            {
                if (_disposed) return;
                handle = _handle;
                covered = _writtenTotal;
            }
            RandomAccess.FlushToDisk(handle);
            Volatile.Write(ref _durableTotal, covered);
        }
        finally { _fsyncGate.Release(); }
    }

    /// <summary>Deletes whole segments before <paramref name="keepFrom"/> last written before <paramref name="olderThanUtc"/>.</summary>
    public int DeleteProcessedSegments(long keepFrom, DateTime olderThanUtc)
    {
        int deleted = 0;
        long current;
        lock (_lock) current = _segment;
        foreach (var s in ListSegments(_dir))
        {
            if (s >= keepFrom || s >= current) break;
            var path = SegmentPath(_dir, s);
            if (File.GetLastWriteTimeUtc(path) > olderThanUtc) continue;
            try { File.Delete(path); deleted++; } catch (IOException) { }
        }
        return deleted;
    }

    private void RollOver()
    {
        // The sealed segment must be whole on disk before anything refers past it.
        RandomAccess.FlushToDisk(_handle);
        _handle.Dispose();
        _segment++;
        _handle = CreateSegment(_segment, _nextSeq);
        _offset = SegmentHeaderSize;
        _durableTotal = _writtenTotal;
    }

    private SafeFileHandle CreateSegment(long segment, long firstSeq)
    {
        var path = SegmentPath(_dir, segment);
        var h = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        Span<byte> header = stackalloc byte[SegmentHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, SegmentMagic);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], 1);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], firstSeq);
        RandomAccess.Write(h, header, 0);
        RandomAccess.FlushToDisk(h);
        FsyncDirectory(_dir);
        return h;
    }

    /// <summary>Reads the first sequence number a segment file starts with.</summary>
    public static long ReadSegmentFirstSeq(SafeFileHandle h)
    {
        Span<byte> header = stackalloc byte[SegmentHeaderSize];
        if (RandomAccess.Read(h, header, 0) < SegmentHeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(header) != SegmentMagic)
            throw new InvalidDataException("not a Hopwatch spool segment");
        return BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
    }

    /// <summary>Scans the last segment, keeps every intact record and cuts off what follows them.</summary>
    private static (SafeFileHandle, long offset, long nextSeq, long cut) Recover(string path)
    {
        var h = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
        long length = RandomAccess.GetLength(h);
        long nextSeq = ReadSegmentFirstSeq(h);
        long offset = SegmentHeaderSize;
        var buffer = new byte[1 << 20];
        while (offset < length)
        {
            int n = RandomAccess.Read(h, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset)), offset);
            if (n < SpoolRecord.FrameHeaderSize) break;
            int need = SpoolRecord.FrameHeaderSize + BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(4));
            if (need > buffer.Length && need > 0 && need <= length - offset)
            {
                buffer = new byte[need];
                continue;
            }
            if (!SpoolRecord.TryDecode(buffer.AsMemory(0, n), new SpoolPosition(0, offset), out var rec, out int len)) break;
            nextSeq = rec!.FirstSeq + rec.Count;
            offset += len;
        }
        long cut = length - offset;
        if (cut > 0)
        {
            RandomAccess.SetLength(h, offset);
            RandomAccess.FlushToDisk(h);
        }
        return (h, offset, nextSeq, cut);
    }

    private static void FsyncDirectory(string dir)
    {
        // A new file's directory entry must reach the disk too; Linux allows fsync on a directory fd.
        if (!OperatingSystem.IsLinux()) return;
        try
        {
            using var d = File.OpenHandle(dir, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            RandomAccess.FlushToDisk(d);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _intervalTimer?.Dispose();
            try { RandomAccess.FlushToDisk(_handle); } catch (IOException) { }
            _handle.Dispose();
        }
    }
}
