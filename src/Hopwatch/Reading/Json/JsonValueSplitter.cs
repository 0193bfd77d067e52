using System.Buffers;

namespace Hopwatch.Reading.Json;

/// <summary>
/// Cuts a stream of JSON text into its top-level values without parsing them: concatenated or
/// pretty-printed objects, and the elements of a top-level array (`[ {...}, {...} ]`) each come out
/// as one value. Only strings, escapes and bracket depth are tracked, so it is cheap and it can
/// resynchronise after garbage. Memory returned is valid until the next call.
/// </summary>
internal sealed class JsonValueSplitter : IDisposable
{
    public const int MaxValueBytes = 64 << 20;
    private readonly Stream _stream;
    private byte[] _buf = ArrayPool<byte>.Shared.Rent(1 << 20);
    private int _pos, _end;
    private bool _eof;
    private long _line = 1;          // line of _buf[_pos]
    private int _arrayWrapperDepth;  // top-level '[' seen and not yet closed

    public JsonValueSplitter(Stream stream) => _stream = stream;

    /// <summary>Line where the value last returned started.</summary>
    public long ValueLine { get; private set; }

    /// <summary>Next value; or a problem to report (value is then empty) with the line it was seen on.</summary>
    public bool TryNext(out ReadOnlyMemory<byte> value, out string? problem)
    {
        problem = null;
        value = default;
        // Skip whitespace, separators and array wrappers between values.
        while (true)
        {
            if (_pos == _end && !Fill(keepFrom: _pos)) return false;
            byte b = _buf[_pos];
            if (b == (byte)'\n') { _line++; _pos++; continue; }
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)',' || (b == 0xEF && IsBom())) { _pos += b == 0xEF ? 3 : 1; continue; }
            if (b == (byte)'[') { _arrayWrapperDepth++; _pos++; continue; }
            if (b == (byte)']' && _arrayWrapperDepth > 0) { _arrayWrapperDepth--; _pos++; continue; }
            if (b == (byte)'{') break;
            ValueLine = _line;
            problem = $"unexpected '{(b < 32 || b > 126 ? '?' : (char)b)}' outside any JSON object";
            SkipLine();
            return true;
        }
        ValueLine = _line;
        int depth = 0;
        bool inString = false, escape = false;
        int start = _pos, i = _pos;
        long lines = 0;
        while (true)
        {
            if (i == _end)
            {
                int rel = i - start;
                if (!Fill(keepFrom: start))
                {
                    _pos = _end;
                    _line += lines;
                    problem = "JSON object not closed before end of input";
                    return true;
                }
                start = 0;
                i = rel;
                if (i > MaxValueBytes)
                {
                    problem = $"JSON value larger than {MaxValueBytes} bytes; skipped";
                    _pos = i;
                    _line += lines;
                    SkipLine();
                    return true;
                }
                continue;
            }
            byte b = _buf[i++];
            if (b == (byte)'\n') lines++;
            if (inString)
            {
                if (escape) escape = false;
                else if (b == (byte)'\\') escape = true;
                else if (b == (byte)'"') inString = false;
                continue;
            }
            switch (b)
            {
                case (byte)'"': inString = true; break;
                case (byte)'{': case (byte)'[': depth++; break;
                case (byte)'}': case (byte)']':
                    if (--depth == 0)
                    {
                        value = _buf.AsMemory(start, i - start);
                        _pos = i;
                        _line += lines;
                        return true;
                    }
                    break;
            }
        }
    }

    private bool IsBom() => _pos + 2 < _end && _buf[_pos + 1] == 0xBB && _buf[_pos + 2] == 0xBF;

    private void SkipLine()
    {
        while (true)
        {
            if (_pos == _end && !Fill(keepFrom: _pos)) return;
            int nl = _buf.AsSpan(_pos, _end - _pos).IndexOf((byte)'\n');
            if (nl >= 0) { _pos += nl + 1; _line++; return; }
            _pos = _end;
        }
    }

    /// <summary>Keeps bytes from <paramref name="keepFrom"/>, reads more; false at end of input.</summary>
    private bool Fill(int keepFrom)
    {
        if (_eof) return false;
        int keep = _end - keepFrom;
        if (keepFrom > 0) Buffer.BlockCopy(_buf, keepFrom, _buf, 0, keep);
        _pos -= keepFrom;
        if (_pos < 0) _pos = 0;
        _end = keep;
        if (_end == _buf.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_buf.Length * 2);
            Buffer.BlockCopy(_buf, 0, bigger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buf);
            _buf = bigger;
        }
        int n = _stream.Read(_buf, _end, _buf.Length - _end);
        if (n == 0) { _eof = true; return false; }
        _end += n;
        return true;
    }

    public void Dispose()
    {
        if (_buf.Length > 0) ArrayPool<byte>.Shared.Return(_buf);
        _buf = Array.Empty<byte>();
    }
}
