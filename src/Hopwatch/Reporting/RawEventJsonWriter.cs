using System.Buffers;
using System.Globalization;
using System.Text;
using Hopwatch.Events;

namespace Hopwatch.Reporting;

/// <summary>
/// Writes events as JSON lines with their raw fields (the `dump` format): record_id, time, event_id,
/// channel, provider, computer, file, then data {name: value}. Hand-rolled for throughput (the dump of
/// a large EVTX corpus is dominated by this): strings are checked for characters needing escapes with
/// a vectorised search and otherwise transcoded to UTF-8 in one call; field names are encoded once.
/// Output is plain UTF-8 JSON: only '"', '\' and control characters are escaped.
/// </summary>
public sealed class RawEventJsonWriter : IDisposable
{
    private const int FlushAt = 1 << 16;
    private static readonly SearchValues<char> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F" +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F");

    private readonly Stream _output;
    private byte[] _buf = new byte[FlushAt + 4096];
    private int _len;
    private readonly Dictionary<string, byte[]> _names = new(ReferenceEqualityComparer.Instance);
    private string? _lastFile;
    private byte[] _lastFileJson = [];

    public RawEventJsonWriter(Stream output) => _output = output;

    public void Write(LogEvent e)
    {
        Raw("{\"record_id\":"u8);
        Number(e.RecordId);
        Raw(",\"time\":\""u8);
        Ensure(32);
        e.Time.TryFormat(_buf.AsSpan(_len), out int n, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", CultureInfo.InvariantCulture);
        _len += n;
        Raw("\",\"event_id\":"u8);
        Number(e.EventId);
        Raw(",\"channel\":"u8);
        String(e.Channel);
        Raw(",\"provider\":"u8);
        String(e.Provider);
        Raw(",\"computer\":"u8);
        String(e.Computer);
        Raw(",\"file\":"u8);
        if (!ReferenceEquals(e.File, _lastFile))
        {
            _lastFile = e.File;
            _lastFileJson = Encode(e.File);
        }
        Raw(_lastFileJson);
        Raw(",\"data\":{"u8);
        var f = e.Fields;
        for (int i = 0; i < f.Count; i++)
        {
            if (i > 0) Raw(","u8);
            Raw(Name(f.NameAt(i)));
            Raw(":"u8);
            var v = f.ValueAt(i);
            if (v is null) Raw("null"u8);
            else String(v);
        }
        Raw("}}\n"u8);
        if (_len >= FlushAt) FlushBuffer();
    }

    private byte[] Name(string name)
    {
        if (_names.TryGetValue(name, out var encoded)) return encoded;
        encoded = Encode(name);
        // Readers intern names, so this stays small; the cap guards against sources that do not.
        if (_names.Count < 10_000) _names[name] = encoded;
        return encoded;
    }

    /// <summary>A JSON string literal (with quotes) as bytes, for values written many times.</summary>
    private static byte[] Encode(string s)
    {
        var w = new RawEventJsonWriter(Stream.Null);
        w.String(s);
        return w._buf.AsSpan(0, w._len).ToArray();
    }

    private void Ensure(int n)
    {
        if (_len + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + n));
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buf.AsSpan(_len));
        _len += bytes.Length;
    }

    private void Number(long v)
    {
        Ensure(20);
        v.TryFormat(_buf.AsSpan(_len), out int n, default, CultureInfo.InvariantCulture);
        _len += n;
    }

    private void String(string s)
    {
        var chars = s.AsSpan();
        Ensure(2 + 3 * chars.Length);
        _buf[_len++] = (byte)'"';
        while (true)
        {
            int i = chars.IndexOfAny(NeedsEscape);
            var plain = i < 0 ? chars : chars[..i];
            if (!plain.IsEmpty) _len += Encoding.UTF8.GetBytes(plain, _buf.AsSpan(_len));
            if (i < 0) break;
            Escape(chars[i]);
            chars = chars[(i + 1)..];
        }
        _buf[_len++] = (byte)'"';
    }

    private void Escape(char c)
    {
        Ensure(6);
        _buf[_len++] = (byte)'\\';
        switch (c)
        {
            case '"': _buf[_len++] = (byte)'"'; break;
            case '\\': _buf[_len++] = (byte)'\\'; break;
            case '\n': _buf[_len++] = (byte)'n'; break;
            case '\r': _buf[_len++] = (byte)'r'; break;
            case '\t': _buf[_len++] = (byte)'t'; break;
            default:
                _buf[_len++] = (byte)'u';
                ((int)c).TryFormat(_buf.AsSpan(_len), out _, "x4", CultureInfo.InvariantCulture);
                _len += 4;
                break;
        }
    }

    private void FlushBuffer()
    {
        _output.Write(_buf, 0, _len);
        _len = 0;
    }

    public void Flush()
    {
        FlushBuffer();
        _output.Flush();
    }

    public void Dispose() => Flush();
}
