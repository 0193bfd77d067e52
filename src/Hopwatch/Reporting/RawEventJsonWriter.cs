using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hopwatch.Events;

namespace Hopwatch.Reporting;

/// <summary>
/// Writes events as JSON lines with their raw fields (the `dump` format): record_id, time, event_id,
/// channel, provider, computer, file, then data {name: value}. Built for throughput: field names are
/// encoded once and reused, the time is formatted without allocating, lines go straight to the stream.
/// </summary>
public sealed class RawEventJsonWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private readonly Stream _output;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 16);
    private readonly Utf8JsonWriter _writer;
    private readonly Dictionary<string, JsonEncodedText> _names = new(ReferenceEqualityComparer.Instance);
    private string? _lastFile;
    private JsonEncodedText _lastFileEncoded;

    public RawEventJsonWriter(Stream output)
    {
        _output = output;
        _writer = new Utf8JsonWriter(_buffer, Options);
    }

    public void Write(LogEvent e)
    {
        var w = _writer;
        w.WriteStartObject();
        w.WriteNumber("record_id"u8, e.RecordId);
        Span<char> time = stackalloc char[28];
        FormatTime(e.Time, time);
        w.WriteString("time"u8, time);
        w.WriteNumber("event_id"u8, e.EventId);
        w.WriteString("channel"u8, e.Channel);
        w.WriteString("provider"u8, e.Provider);
        w.WriteString("computer"u8, e.Computer);
        if (!ReferenceEquals(e.File, _lastFile))
        {
            _lastFile = e.File;
            _lastFileEncoded = JsonEncodedText.Encode(e.File, Options.Encoder);
        }
        w.WriteString("file"u8, _lastFileEncoded);
        w.WriteStartObject("data"u8);
        var f = e.Fields;
        for (int i = 0; i < f.Count; i++)
        {
            var name = Name(f.NameAt(i));
            var v = f.ValueAt(i);
            if (v is null) w.WriteNull(name);
            else w.WriteString(name, v);
        }
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        w.Reset();
        if (_buffer.WrittenCount >= (1 << 16) - 4096) FlushBuffer();
    }

    private JsonEncodedText Name(string name)
    {
        if (_names.TryGetValue(name, out var encoded)) return encoded;
        encoded = JsonEncodedText.Encode(name, Options.Encoder);
        // Names are interned by the readers, so this stays small; cap it against non-interned sources.
        if (_names.Count < 10_000) _names[name] = encoded;
        return encoded;
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss.fffffffZ</summary>
    private static void FormatTime(DateTime t, Span<char> d)
    {
        t.TryFormat(d, out _, "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    private void FlushBuffer()
    {
        _output.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    public void Flush()
    {
        FlushBuffer();
        _output.Flush();
    }

    public void Dispose()
    {
        Flush();
        _writer.Dispose();
    }
}
