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
    };

    private readonly TextWriter _writer;
    private readonly bool _own;
    public long Count { get; private set; }

    public AlertJsonWriter(TextWriter writer, bool ownsWriter = false)
    {
        _writer = writer;
        _own = ownsWriter;
    }

    public static AlertJsonWriter Create(string path) =>
        new(new StreamWriter(path, false, new System.Text.UTF8Encoding(false)), ownsWriter: true);

    public void Write(Alert alert)
    {
        _writer.Write(JsonSerializer.Serialize(alert, Options));
        _writer.Write('\n');
        Count++;
    }

    public void Dispose()
    {
        _writer.Flush();
        if (_own) _writer.Dispose();
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
