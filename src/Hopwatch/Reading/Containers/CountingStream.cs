namespace Hopwatch.Reading.Containers;

/// <summary>
/// Read-only pass-through that counts the bytes read, so a decompressor's input can be compared with
/// its output (zip-bomb ratio) and progress can be reported.
/// </summary>
internal sealed class CountingStream(Stream inner, Action<long>? onBytes = null, bool leaveOpen = false) : Stream
{
    public long BytesRead { get; private set; }
    /// <summary>A read came back empty: the inner stream is exhausted.</summary>
    public bool SawEnd { get; private set; }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        if (n == 0 && buffer.Length > 0) SawEnd = true;
        BytesRead += n;
        if (n > 0) onBytes?.Invoke(n);
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !leaveOpen) inner.Dispose();
        base.Dispose(disposing);
    }
}
