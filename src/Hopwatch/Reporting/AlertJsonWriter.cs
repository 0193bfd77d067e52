using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hopwatch.Events;

namespace Hopwatch.Reporting;

/// <summary>Writes alerts as JSON lines (the alerts.jsonl contract), one object per line.</summary>
public sealed class AlertJsonWriter : IDisposable
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        // Log text is attacker-controlled: keep the default escaping of <, >, & and non-ASCII
        // so a consumer that pastes a line into HTML cannot be tricked.
        Encoder = JavaScriptEncoder.Default,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new UtcDateTimeConverter() },
        TypeInfoResolver = HopwatchJson.Resolver(),
    };

    /// <summary>The writer options matching <see cref="Options"/> (same escaping) for hand-written JSON.</summary>
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.Default };

    private readonly TextWriter? _writer;
    private readonly Stream? _stream;
    private readonly bool _own;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _json;
    public long Count { get; private set; }

    public AlertJsonWriter(TextWriter writer, bool ownsWriter = false)
    {
        _writer = writer;
        _own = ownsWriter;
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    private AlertJsonWriter(Stream stream)
    {
        _stream = stream;
        _own = true;
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
    }

    /// <summary>A writer into a new UTF-8 file (no BOM); the bytes go to the file without a text encoder.</summary>
    public static AlertJsonWriter Create(string path) =>
        new(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16));

    public void Write(Alert alert) => Write(alert, null);

    /// <summary>One alert line; <paramref name="suppressedReason"/>, when given, is added last as "suppressed_reason" (suppressed.jsonl).</summary>
    public void Write(Alert alert, string? suppressedReason)
    {
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        WriteAlert(_json, alert, suppressedReason);
        _json.Flush();
        var bytes = _buffer.WrittenSpan;
        if (_stream is not null)
        {
            _stream.Write(bytes);
            _stream.WriteByte((byte)'\n');
        }
        else
        {
            _writer!.Write(Encoding.UTF8.GetString(bytes));
            _writer.Write('\n');
        }
        Count++;
    }

    /// <summary>One alert as a JSON object: the bytes <c>JsonSerializer.Serialize(alert, Options)</c> gives.</summary>
    internal static void WriteAlert(Utf8JsonWriter w, Alert a, string? suppressedReason = null)
    {
        w.WriteStartObject();
        w.WriteString(JsonNames.Id, a.Id);
        w.WriteString(JsonNames.Analytic, a.Analytic);
        w.WriteString(JsonNames.RuleId, a.RuleId);
        w.WriteString(JsonNames.Title, a.Title);
        JsonValues.WriteSeverity(w, JsonNames.Severity, a.Severity);
        JsonValues.WriteStrings(w, JsonNames.Techniques, a.Techniques);
        JsonValues.WriteTime(w, JsonNames.TimeFirst, a.TimeFirst);
        JsonValues.WriteTime(w, JsonNames.TimeLast, a.TimeLast);
        w.WritePropertyName(JsonNames.Entities);
        if (a.Entities is not { } e) w.WriteNullValue();
        else
        {
            w.WriteStartObject();
            JsonValues.WriteStrings(w, JsonNames.Users, e.Users);
            JsonValues.WriteStrings(w, JsonNames.SourceHosts, e.SourceHosts);
            JsonValues.WriteStrings(w, JsonNames.SourceIps, e.SourceIps);
            JsonValues.WriteStrings(w, JsonNames.TargetHosts, e.TargetHosts);
            w.WriteEndObject();
        }
        w.WritePropertyName(JsonNames.Evidence);
        if (a.Evidence is null) w.WriteNullValue();
        else
        {
            w.WriteStartArray();
            foreach (var ev in a.Evidence)
            {
                if (ev is null) { w.WriteNullValue(); continue; }
                w.WriteStartObject();
                w.WriteString(JsonNames.File, ev.File);
                w.WriteNumber(JsonNames.RecordId, ev.RecordId);
                JsonValues.WriteTime(w, JsonNames.Time, ev.Time);
                w.WriteString(JsonNames.Host, ev.Host);
                w.WriteString(JsonNames.Channel, ev.Channel);
                w.WriteNumber(JsonNames.EventId, ev.EventId);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        w.WriteString(JsonNames.Description, a.Description);
        if (a.Details is not null)
        {
            w.WritePropertyName(JsonNames.Details);
            JsonValues.WriteMap(w, a.Details);
        }
        if (suppressedReason is not null) w.WriteString(JsonNames.SuppressedReason, suppressedReason);
        w.WriteEndObject();
    }

    public void Dispose()
    {
        if (_stream is not null)
        {
            _stream.Flush();
            if (_own) _stream.Dispose();
        }
        else
        {
            _writer!.Flush();
            if (_own) _writer.Dispose();
        }
        _json.Dispose();
    }
}

/// <summary>ISO-8601 UTC with a trailing Z, whatever Kind the DateTime carries.</summary>
public sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        writer.WriteStringValue(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }
}
