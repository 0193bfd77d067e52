using Hopwatch.Events;

namespace Hopwatch.Reading.Containers;

/// <summary>
/// Wraps a decompressor and stops it (as if at end of data, with one warning) when its output
/// outgrows the compressed input by more than the allowed ratio, or the input's total budget is
/// spent. This is the zip-bomb bound: memory and time stay proportional to what we accept.
/// </summary>
internal sealed class BoundedDecompressionStream : Stream
{
    /// <summary>Output below this size is never judged by ratio (tiny files compress absurdly well).</summary>
    private const long RatioGraceBytes = 4 << 20;

    private readonly Stream _decompressed;
    private readonly Func<long> _compressedBytesSoFar;
    private readonly double _maxRatio;
    private readonly ExpansionBudget _budget;
    private readonly ReadDiagnostics _diag;
    private readonly string _displayName;
    private long _produced;
    private bool _stopped;

    public BoundedDecompressionStream(Stream decompressed, Func<long> compressedBytesSoFar,
        double maxRatio, ExpansionBudget budget, ReadDiagnostics diag, string displayName)
    {
        _decompressed = decompressed;
        _compressedBytesSoFar = compressedBytesSoFar;
        _maxRatio = maxRatio;
        _budget = budget;
        _diag = diag;
        _displayName = displayName;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_stopped || buffer.Length == 0) return 0;
        int allowed = _budget.Take(buffer.Length);
        if (allowed == 0)
        {
            Stop($"decompressed data exceeds the limit of {_budget.MaxTotalBytes} bytes per input; rest skipped (zip bomb?)");
            return 0;
        }
        int n = _decompressed.Read(buffer[..allowed]);
        _produced += n;
        if (n < allowed) _budget.Refund(allowed - n);
        if (_produced > RatioGraceBytes)
        {
            long compressed = Math.Max(1, _compressedBytesSoFar());
            if (_produced / (double)compressed > _maxRatio)
            {
                Stop($"compression ratio above {_maxRatio:0}:1 ({_produced} bytes from {compressed}); rest skipped (zip bomb?)");
                return 0;
            }
        }
        return n;
    }

    private void Stop(string why)
    {
        _stopped = true;
        _diag.Warn(_displayName, "archive", why);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _produced; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _decompressed.Dispose();
        base.Dispose(disposing);
    }
}
