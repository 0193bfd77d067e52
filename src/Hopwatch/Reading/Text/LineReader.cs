using System.Buffers;

namespace Hopwatch.Reading.Text;

/// <summary>
/// Splits a stream into lines (LF or CRLF) over one pooled buffer. The memory returned by
/// <see cref="TryReadLine"/> is valid until the next call. A line longer than <see cref="MaxLineBytes"/>
/// is skipped: it comes back empty with <see cref="LastLineTruncated"/> set.
/// </summary>
internal sealed class LineReader : IDisposable
{
    public const int MaxLineBytes = 64 << 20;
    private readonly Stream _stream;
    private byte[] _buf;
    private int _start, _end;
    private bool _eof;

    public LineReader(Stream stream, int initialSize = 1 << 20)
    {
        _stream = stream;
        _buf = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }
    public bool LastLineTruncated { get; private set; }

    public bool TryReadLine(out ReadOnlyMemory<byte> line)
    {
        LastLineTruncated = false;
        int scanFrom = _start;
        while (true)
        {
            int nl = _buf.AsSpan(scanFrom, _end - scanFrom).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                int lineEnd = scanFrom + nl;
                line = Trim(_start, lineEnd);
                _start = lineEnd + 1;
                LineNumber++;
                return true;
            }
            if (_eof)
            {
                if (_start >= _end) { line = default; return false; }
                line = Trim(_start, _end);
                _start = _end;
                LineNumber++;
                return true;
            }
            scanFrom = _end - _start; // relative, after compaction
            if (!Fill())
            {
                // Buffer full with no newline: report the line as cut and drop the whole of it.
                line = ReadOnlyMemory<byte>.Empty;
                LastLineTruncated = true;
                LineNumber++;
                SkipRestOfLine();
                return true;
            }
            scanFrom += _start;
        }
    }

    private ReadOnlyMemory<byte> Trim(int from, int to)
    {
        if (to > from && _buf[to - 1] == '\r') to--;
        return _buf.AsMemory(from, to - from);
    }

    /// <summary>Moves unread bytes to the front, grows if full, reads more. False when the line cap is hit.</summary>
    private bool Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length)
        {
            if (_buf.Length >= MaxLineBytes) return false;
            var bigger = ArrayPool<byte>.Shared.Rent(_buf.Length * 2);
            Buffer.BlockCopy(_buf, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = bigger;
        }
        int n = _stream.Read(_buf, _end, _buf.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
        return true;
    }

    private void SkipRestOfLine()
    {
        _start = _end = 0;
        while (!_eof)
        {
            int n = _stream.Read(_buf, 0, _buf.Length);
            if (n == 0) { _eof = true; break; }
            int nl = _buf.AsSpan(0, n).IndexOf((byte)'\n');
            if (nl >= 0) { _start = nl + 1; _end = n; break; }
        }
    }

    public void Dispose()
    {
        if (_buf.Length > 0) ArrayPool<byte>.Shared.Return(_buf);
        _buf = Array.Empty<byte>();
    }
}
