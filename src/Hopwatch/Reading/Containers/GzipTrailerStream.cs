using System.Buffers.Binary;

namespace Hopwatch.Reading.Containers;

/// <summary>
/// Pass-through over compressed gzip bytes that counts them, remembers the last 8 (the final member's
/// trailer) and notes every place where one gzip member ends and the next begins: 8 trailer bytes
/// (CRC-32, size) followed by a member header (1F 8B, method 8, flags with the reserved bits clear).
/// The decompressor reads concatenated members as one output, so the integrity check needs these
/// trailers to tell a multi-member file from a truncated one.
/// </summary>
internal sealed class GzipTrailerStream(Stream inner) : Stream
{
    // 8 trailer bytes + 4 header bytes; a boundary may straddle two reads.
    private const int Window = 12;
    private readonly List<GzipTrailer> _innerTrailers = [];
    private byte[] _scan = new byte[Window - 1 + (1 << 16)];
    private int _historyLength;

    public long BytesRead { get; private set; }

    /// <summary>Trailers of every member before the last, in file order.</summary>
    public IReadOnlyList<GzipTrailer> InnerTrailers => _innerTrailers;

    /// <summary>The last 8 bytes read: the final member's trailer when the file is whole.</summary>
    public ReadOnlySpan<byte> Tail => _historyLength < 8 ? _scan.AsSpan(0, _historyLength) : _scan.AsSpan(_historyLength - 8, 8);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (n <= 0) return n;
        BytesRead += n;
        Observe(buffer[..n]);
        return n;
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        int total = _historyLength + data.Length;
        if (_scan.Length < total) Array.Resize(ref _scan, total);
        data.CopyTo(_scan.AsSpan(_historyLength));
        var all = _scan.AsSpan(0, total);

        // A boundary is counted in the read that holds its last header byte, so it is seen once.
        int from = Math.Max(8, _historyLength - 3);
        while (from + 4 <= total)
        {
            int k = all[from..].IndexOf((byte)0x1F);
            if (k < 0) break;
            int at = from + k;
            if (at + 4 > total) break;
            if (all[at + 1] == 0x8B && all[at + 2] == 0x08 && (all[at + 3] & 0xE0) == 0 && at + 3 >= _historyLength)
                _innerTrailers.Add(new GzipTrailer(
                    BinaryPrimitives.ReadUInt32LittleEndian(all[(at - 8)..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(all[(at - 4)..])));
            from = at + 1;
        }

        int keep = Math.Min(Window - 1, total);
        all[(total - keep)..].CopyTo(_scan);
        _historyLength = keep;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>A gzip member's trailer: CRC-32 of its output and the output's size modulo 2^32.</summary>
internal readonly record struct GzipTrailer(uint Crc, uint Size);
