namespace Hopwatch.Service.Syslog;

/// <summary>
/// Splits a syslog TCP stream into messages: octet counting ("123 &lt;34&gt;1 ...", RFC 5425/6587)
/// or newline framing, decided per message by whether it starts with a digit.
/// </summary>
public sealed class SyslogFrameReader
{
    private readonly Stream _stream;
    private readonly int _max;
    private byte[] _buf = new byte[64 * 1024];
    private int _start, _end;
    private bool _eof;

    public bool LastWasTruncated { get; private set; }

    public SyslogFrameReader(Stream stream, int maxMessage)
    {
        _stream = stream;
        _max = maxMessage;
        if (_buf.Length < maxMessage + 16) _buf = new byte[maxMessage + 16];
    }

    /// <summary>The next message (valid until the next call), or null at the end of the stream.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(CancellationToken ct)
    {
        LastWasTruncated = false;
        while (true)
        {
            // Skip stray line breaks between frames.
            while (_start < _end && _buf[_start] is (byte)'\n' or (byte)'\r') _start++;
            if (_start < _end)
            {
                int framing = OctetCountAt(out int len, out int headerLength);
                if (framing > 0)
                {
                    int bodyStart = _start + headerLength;
                    int keep = Math.Min(len, _max);
                    if (bodyStart + keep <= _end)
                    {
                        if (len <= _max)
                        {
                            _start = bodyStart + len;
                            return _buf.AsMemory(bodyStart, len);
                        }
                        // Too long: keep the head, discard the rest as it arrives.
                        LastWasTruncated = true;
                        var copy = _buf.AsMemory(bodyStart, keep).ToArray();
                        long skip = len - keep;
                        _start = bodyStart + keep;
                        while (skip > 0)
                        {
                            int have = _end - _start;
                            if (have == 0) { if (!await Fill(ct)) break; continue; }
                            int n = (int)Math.Min(have, skip);
                            _start += n;
                            skip -= n;
                        }
                        return copy;
                    }
                }
                else if (framing < 0)
                {
                    int nl = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
                    if (nl >= 0)
                    {
                        var msg = _buf.AsMemory(_start, Math.Min(nl - _start, _max));
                        LastWasTruncated = nl - _start > _max;
                        _start = nl + 1;
                        return msg;
                    }
                    if (_end - _start >= _max)
                    {
                        // No newline within the limit: emit the head, drop until the next newline.
                        var copy = _buf.AsMemory(_start, _max).ToArray();
                        LastWasTruncated = true;
                        _start = _end;
                        while (await Fill(ct))
                        {
                            int n2 = Array.IndexOf(_buf, (byte)'\n', _start, _end - _start);
                            if (n2 >= 0) { _start = n2 + 1; break; }
                            _start = _end;
                        }
                        return copy;
                    }
                }
            }
            if (_eof)
            {
                // A last newline-framed message without its newline still counts; a cut octet-counted one does not.
                if (_start < _end && OctetCountAt(out _, out _) < 0)
                {
                    var tail = _buf.AsMemory(_start, Math.Min(_end - _start, _max));
                    _start = _end;
                    return tail;
                }
                return null;
            }
            await Fill(ct);
        }
    }

    /// <summary>
    /// 1 when the bytes at the cursor are an octet count ("DIGITS SP"), -1 when they are not (newline
    /// framing), 0 when more bytes are needed to tell.
    /// </summary>
    private int OctetCountAt(out int length, out int headerLength)
    {
        length = 0;
        headerLength = 0;
        int i = _start;
        long value = 0;
        while (i < _end && i - _start < 10 && _buf[i] is >= (byte)'0' and <= (byte)'9')
        {
            value = value * 10 + (_buf[i] - '0');
            i++;
        }
        if (i == _start) return -1;
        if (i == _end) return _eof ? -1 : 0;
        if (_buf[i] != (byte)' ' || value > int.MaxValue) return -1;
        length = (int)value;
        headerLength = i - _start + 1;
        return 1;
    }

    /// <summary>Reads more bytes; false at end of stream (sets _eof).</summary>
    private async ValueTask<bool> Fill(CancellationToken ct)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buf.Length) return true;
        int n = await _stream.ReadAsync(_buf.AsMemory(_end), ct);
        if (n == 0) { _eof = true; return false; }
        _end += n;
        return true;
    }
}
