using System.Buffers.Binary;
using Hopwatch.Events;

namespace Hopwatch.Reading.Containers;

/// <summary>
/// .NET's GZipStream ends quietly when the compressed data is cut short, which would lose the rest
/// of a file without a word. This wrapper checks the gzip trailer (CRC-32 and size of the output,
/// the last 8 bytes of the input) when the output ends, and warns when they do not match.
/// Concatenated members (`cat a.gz b.gz`, bgzip, some shippers) decompress as one output; their
/// trailers, noted by <see cref="GzipTrailerStream"/>, are combined and checked against it.
/// </summary>
internal sealed class GzipIntegrityStream(Stream gzip, GzipTrailerStream compressed, ReadDiagnostics diag, string name) : Stream
{
    private readonly System.IO.Hashing.Crc32 _crc = new();
    private long _length;
    private bool _checked;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = gzip.Read(buffer);
        if (n > 0)
        {
            _crc.Append(buffer[..n]);
            _length += n;
        }
        else if (buffer.Length > 0 && !_checked)
        {
            _checked = true;
            if (!TrailersMatch())
                diag.Warn(name, "gzip", $"compressed data truncated or corrupt (trailer does not match the {_length} bytes decompressed); events after that point are lost");
        }
        return n;
    }

    private bool TrailersMatch()
    {
        var tail = compressed.Tail;
        if (tail.Length < 8) return false;
        var last = new GzipTrailer(BinaryPrimitives.ReadUInt32LittleEndian(tail), BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]));
        uint crc = _crc.GetCurrentHashAsUInt32();
        if (last.Crc == crc && last.Size == (uint)_length) return true;

        var inner = compressed.InnerTrailers;
        if (inner.Count == 0) return false;
        uint combined = inner[0].Crc;
        uint size = inner[0].Size;
        for (int i = 1; i <= inner.Count; i++)
        {
            var member = i < inner.Count ? inner[i] : last;
            combined = Crc32Combine.Combine(combined, member.Crc, member.Size);
            size += member.Size;
        }
        return combined == crc && size == (uint)_length;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _length; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) gzip.Dispose();
        base.Dispose(disposing);
    }
}
