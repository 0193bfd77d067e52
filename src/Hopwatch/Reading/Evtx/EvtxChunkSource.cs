using System.Buffers.Binary;
using Hopwatch.Events;
using Microsoft.Win32.SafeHandles;

namespace Hopwatch.Reading.Evtx;

/// <summary>How chunks are read; anything but <see cref="Trimmed"/> is for tests comparing the two reads.</summary>
internal enum EvtxChunkReadMode
{
    /// <summary>Seekable input: a chunk up to its free-space offset, the rest on demand.</summary>
    Trimmed,
    /// <summary>Every chunk whole (what a forward-only stream always gets).</summary>
    Full,
    /// <summary>Trimmed, with the bytes not read filled with a pattern, so a decoder access that skipped <see cref="EvtxChunk.EnsureLoaded"/> changes the output.</summary>
    TrimmedPoisoned,
}

/// <summary>
/// The bytes of one EVTX file, chunk by chunk. On a file or another seekable stream a chunk is read only up
/// to its free-space offset (plus the 8 bytes that tell whether a record follows): in real logs about two
/// thirds of the 64 KiB chunk slots are unused space, and reading them was most of the system time of a dump.
/// Whatever decoding needs beyond that (records written after the chunk header was last updated, offsets
/// that point into the unused space of a damaged chunk) is loaded on demand through
/// <see cref="EvtxChunk.EnsureLoaded"/>, so decoding sees exactly the bytes of a full read. A chunk without
/// the chunk signature or with a free-space offset outside the chunk is read whole, as is every chunk of a
/// forward-only stream (zip entry, gzip).
/// </summary>
internal sealed class EvtxChunkSource : IDisposable
{
    /// <summary>Set by tests (flows to the threads a read starts); read once per file.</summary>
    internal static readonly AsyncLocal<EvtxChunkReadMode> ModeForTests = new();

    private const int FreeSpaceOffsetField = 48;
    private const byte PoisonByte = 0xA5;

    private readonly SafeFileHandle? _handle;
    private readonly bool _ownsHandle;
    private readonly Stream? _stream;
    private readonly bool _seekable;
    private readonly long _start;
    private readonly long _length;
    private readonly byte[]? _header;
    private readonly int _headerLength;
    private readonly string _file;
    private readonly ReadDiagnostics _diag;
    private readonly EvtxChunkReadMode _mode;
    private bool _ended;
    /// <summary>The hole of a sparse file at or after the last chunk asked about; [-1, -1) before the first look.</summary>
    private long _holeStart = -1, _holeEnd = -1;
    private bool _noMoreHoles;

    private EvtxChunkSource(string file, ReadDiagnostics diag, SafeFileHandle? handle, bool ownsHandle, Stream? stream, bool seekable,
        long start, long length, byte[]? header, int headerLength)
    {
        _file = file;
        _diag = diag;
        _handle = handle;
        _ownsHandle = ownsHandle;
        _stream = stream;
        _seekable = seekable;
        _start = start;
        _length = length;
        _header = header;
        _headerLength = headerLength;
        _mode = seekable ? ModeForTests.Value : EvtxChunkReadMode.Full;
    }

    /// <summary>Bytes of the file (from where reading started), or -1 for a forward-only stream.</summary>
    public long Length => _seekable ? _length : -1;

    /// <summary>A source reading <paramref name="stream"/> from its current position (the stream stays the caller's).</summary>
    public static EvtxChunkSource FromStream(Stream stream, string file, ReadDiagnostics diag)
    {
        try
        {
            if (stream.CanSeek)
            {
                long start = stream.Position, length = Math.Max(0, stream.Length - start);
                // A file's handle reads at an offset without moving a shared position: the chunk-parallel
                // readers load chunk rests from worker threads.
                if (stream is FileStream fs) return new EvtxChunkSource(file, diag, fs.SafeFileHandle, false, null, true, start, length, null, 0);
                return new EvtxChunkSource(file, diag, null, false, stream, true, start, length, null, 0);
            }
        }
        catch (Exception e) when (e is IOException or NotSupportedException or UnauthorizedAccessException)
        {
            // Claims to seek but cannot say where it is: read it forward.
        }
        return new EvtxChunkSource(file, diag, null, false, stream, false, 0, 0, null, 0);
    }

    /// <summary>
    /// A source over an open file whose first <paramref name="headerLength"/> bytes were already read into
    /// <paramref name="header"/> (the caller's buffer, used until the file header is read); the source owns <paramref name="handle"/>.
    /// </summary>
    public static EvtxChunkSource FromFile(SafeFileHandle handle, string file, ReadDiagnostics diag, byte[]? header = null, int headerLength = 0)
    {
        return new EvtxChunkSource(file, diag, handle, true, null, true, 0, LengthOf(handle, file, diag), header, headerLength);
    }

    private static long LengthOf(SafeFileHandle handle, string file, ReadDiagnostics diag)
    {
        try
        {
            return RandomAccess.GetLength(handle);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            diag.Warn(file, "file", "cannot tell the file length: " + e.Message);
            return 0;
        }
    }

    /// <summary>
    /// A source over a file opened by someone else whose first <paramref name="headerLength"/> bytes they already
    /// read into <paramref name="header"/> (the stream's position no longer matters: reads go by offset; the
    /// handle stays theirs, so no hole lookups, which would move its file offset).
    /// </summary>
    public static EvtxChunkSource FromOpenFile(FileStream file, string name, ReadDiagnostics diag, byte[] header, int headerLength)
    {
        var handle = file.SafeFileHandle;
        return new EvtxChunkSource(name, diag, handle, false, null, true, 0, LengthOf(handle, name, diag), header, headerLength);
    }

    /// <summary>Opens <paramref name="path"/> for reading; null (with a warning) when it cannot be opened.</summary>
    public static EvtxChunkSource? Open(string path, ReadDiagnostics diag)
    {
        try
        {
            var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
            return FromFile(handle, path, diag);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diag.Warn(path, "file", "cannot open: " + e.Message);
            return null;
        }
    }

    public void Dispose()
    {
        if (_ownsHandle) _handle?.Dispose();
    }

    /// <summary>Reads the 4 KiB file header (fewer bytes for a shorter file) into <paramref name="dest"/>.</summary>
    public int ReadFileHeader(byte[] dest)
    {
        if (_header is not null)
        {
            _header.AsSpan(0, _headerLength).CopyTo(dest);
            if (_headerLength == EvtxFileHeader.Size || !_seekable) return _headerLength;
            return _headerLength + ReadAt(_headerLength, dest.AsSpan(_headerLength, EvtxFileHeader.Size - _headerLength));
        }
        return _seekable ? ReadAt(0, dest.AsSpan(0, EvtxFileHeader.Size)) : ReadForward(dest.AsSpan(0, EvtxFileHeader.Size), 0);
    }

    /// <summary>
    /// True when the chunk slot at <paramref name="offset"/> lies wholly in a hole of a sparse file: all zeros,
    /// so unused space that decodes to nothing and warns about nothing, whatever its length (the caller skips it
    /// without reading). <paramref name="length"/> is the slot's length in the file. Only for files this source
    /// opened (finding holes moves the file offset) and only for trimmed reads.
    /// </summary>
    public bool IsHole(long offset, out int length)
    {
        length = 0;
        if (_noMoreHoles || !_ownsHandle || _ended || _mode == EvtxChunkReadMode.Full) return false;
        long left = _length - offset;
        if (left <= 0) return false;
        length = (int)Math.Min(EvtxChunkHeader.ChunkSize, left);
        if (offset >= _holeEnd
            && !SparseFileHoles.NextHole(_handle!, offset, _length, out _holeStart, out _holeEnd))
        {
            _noMoreHoles = true;
            return false;
        }
        return offset >= _holeStart && offset + length <= _holeEnd;
    }

    /// <summary>
    /// Reads the chunk at file offset <paramref name="offset"/> into <paramref name="data"/> (64 KiB).
    /// Returns how many bytes the file holds for it (64 KiB but at the end of a truncated file; 0 past the
    /// end) and through <paramref name="loaded"/> how many of them are in <paramref name="data"/> now. Bytes
    /// past <paramref name="loaded"/> are left as they were: see <see cref="Prepare"/>.
    /// </summary>
    public int ReadChunk(byte[] data, long offset, out int loaded)
    {
        loaded = 0;
        if (_ended) return 0;
        if (!_seekable)
        {
            int n = ReadForward(data.AsSpan(0, EvtxChunkHeader.ChunkSize), offset);
            if (n < EvtxChunkHeader.ChunkSize) _ended = true;
            loaded = n;
            return n;
        }
        long left = _length - offset;
        if (left <= 0) return 0;
        int length = (int)Math.Min(EvtxChunkHeader.ChunkSize, left);
        int first = _mode == EvtxChunkReadMode.Full ? length : Math.Min(length, EvtxChunkHeader.HeaderSize);
        int got = ReadAt(offset, data.AsSpan(0, first));
        if (got < first) return Shortened(got, out loaded);
        int want = length;
        if (first == EvtxChunkHeader.HeaderSize && EvtxChunkHeader.HasMagic(data))
        {
            uint free = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(FreeSpaceOffsetField));
            // The decoder reads the signature and size of whatever follows the free-space offset, to take
            // records written after the header was last updated: those 8 bytes come with the chunk.
            if (free >= EvtxChunkHeader.HeaderSize && free <= length) want = (int)Math.Min(length, free + 8L);
        }
        if (want > first)
        {
            int more = ReadAt(offset + first, data.AsSpan(first, want - first));
            if (more < want - first) return Shortened(first + more, out loaded);
        }
        loaded = want;
        return length;
    }

    /// <summary>The file ended early or a read failed (warned): what was read is the chunk, and the last one.</summary>
    private int Shortened(int got, out int loaded)
    {
        _ended = true;
        loaded = got;
        return got;
    }

    /// <summary>
    /// Makes bytes [<paramref name="loaded"/>, 64 KiB) of a chunk's data what a full read leaves there:
    /// zeros past the end of a fully read short chunk; nothing (or the test pattern) when the rest is to be loaded on demand.
    /// </summary>
    public void Prepare(byte[] data, int length, int loaded)
    {
        if (loaded == length)
        {
            if (length < data.Length) Array.Clear(data, length, data.Length - length);
        }
        else if (_mode == EvtxChunkReadMode.TrimmedPoisoned)
            data.AsSpan(loaded).Fill(PoisonByte);
    }

    /// <summary>Loads bytes [<paramref name="from"/>, <paramref name="length"/>) of the chunk at <paramref name="offset"/>; zeros after them.</summary>
    public void LoadRest(byte[] data, long offset, int from, int length)
    {
        int n = from < length ? ReadAt(offset + from, data.AsSpan(from, length - from)) : 0;
        if (from + n < data.Length) Array.Clear(data, from + n, data.Length - from - n);
    }

    /// <summary>Fills <paramref name="dest"/> from file offset <paramref name="offset"/>; fewer bytes only at the end or after a read error (warned). Thread-safe.</summary>
    private int ReadAt(long offset, Span<byte> dest)
    {
        int total = 0;
        try
        {
            if (_handle is not null)
            {
                while (total < dest.Length)
                {
                    int n = RandomAccess.Read(_handle, dest[total..], _start + offset + total);
                    if (n <= 0) break;
                    total += n;
                }
            }
            else
            {
                lock (_stream!)
                {
                    _stream.Position = _start + offset;
                    while (total < dest.Length)
                    {
                        int n = _stream.Read(dest[total..]);
                        if (n <= 0) break;
                        total += n;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or NotSupportedException)
        {
            _diag.Warn(_file, $"offset 0x{offset + total:x}", "read error: " + e.Message);
        }
        return total;
    }

    /// <summary>Fills <paramref name="dest"/> from a forward-only stream; fewer bytes only at its end or after a read error (warned).</summary>
    private int ReadForward(Span<byte> dest, long offset)
    {
        int total = 0;
        try
        {
            while (total < dest.Length)
            {
                int n = _stream!.Read(dest[total..]);
                if (n <= 0) break;
                total += n;
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _diag.Warn(_file, $"offset 0x{offset + total:x}", "read error: " + e.Message);
        }
        return total;
    }
}
