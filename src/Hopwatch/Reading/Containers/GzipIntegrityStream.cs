using System.Buffers.Binary;
using Hopwatch.Events;

namespace Hopwatch.Reading.Containers;

/// <summary>
/// .NET's GZipStream ends quietly when the compressed data is cut short, which would lose the rest
/// of a file without a word. This wrapper checks the gzip trailer (CRC-32 and size of the output,
/// the last 8 bytes of the input) when the output ends, and warns when they do not match.
/// Concatenated multi-member gzip files carry only the last member's trailer, so they are reported
/// too ("or several gzip members"); such files are rare for logs.
/// </summary>
internal sealed class GzipIntegrityStream(Stream gzip, TailKeepingStream compressed, ReadDiagnostics diag, string name) : Stream
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
            var tail = compressed.Tail;
            uint crc = _crc.GetCurrentHashAsUInt32();
            if (tail.Length < 8 || BinaryPrimitives.ReadUInt32LittleEndian(tail) != crc || BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) != (uint)_length)
                diag.Warn(name, "gzip", $"compressed data truncated or corrupt (trailer does not match the {_length} bytes decompressed, or several gzip members); events after that point are lost");
        }
        return n;
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

/// <summary>Pass-through that counts bytes and remembers the last 8 read (a gzip trailer).</summary>
internal sealed class TailKeepingStream(Stream inner) : Stream
{
    private readonly byte[] _tail = new byte[8];
    private int _tailLength;

    public long BytesRead { get; private set; }
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(0, _tailLength);

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (n <= 0) return n;
        BytesRead += n;
        if (n >= 8)
        {
            buffer.Slice(n - 8, 8).CopyTo(_tail);
            _tailLength = 8;
        }
        else
        {
            // Shift the old tail left and append the new bytes.
            int keep = Math.Min(_tailLength, 8 - n);
            _tail.AsSpan(_tailLength - keep, keep).CopyTo(_tail);
            buffer[..n].CopyTo(_tail.AsSpan(keep));
            _tailLength = keep + n;
        }
        return n;
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
