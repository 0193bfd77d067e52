using System.Globalization;
using System.Text.Json;

namespace Hopwatch.Reporting;

/// <summary>
/// The pieces the hand-written report serialisers share, each writing exactly what
/// <see cref="JsonSerializer"/> with <see cref="AlertJsonWriter.Options"/> writes for the same value.
/// Written by hand because the reflection serialiser costs a hunt ~0.1 s of start-up (metadata, emitted
/// accessors and some 300 JIT-compiled generic methods) to write a few thousand objects; this code is
/// precompiled. Tests compare the two on real data, so a property added to a type without adding it
/// here fails them.
/// </summary>
internal static class JsonValues
{
    /// <summary>ISO-8601 UTC with seven fraction digits and a Z, as <see cref="UtcDateTimeConverter"/> writes it.</summary>
    public static void WriteTime(Utf8JsonWriter w, DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : DateTime.SpecifyKind(value, DateTimeKind.Utc);
        // The round-trip format of a UTC time is exactly that pattern, and has a fast path (no pattern to
        // interpret), written straight as UTF-8.
        Span<byte> text = stackalloc byte[32];
        if (!utc.TryFormat(text, out int n, "O", CultureInfo.InvariantCulture))
            throw new InvalidOperationException("a date did not fit its fixed-size format"); // cannot happen: 28 characters
        w.WriteStringValue(text[..n]);
    }

    public static void WriteTime(Utf8JsonWriter w, string name, DateTime value)
    {
        w.WritePropertyName(name);
        WriteTime(w, value);
    }

    public static void WriteStrings(Utf8JsonWriter w, string name, List<string>? values)
    {
        w.WritePropertyName(name);
        WriteStrings(w, values);
    }

    public static void WriteStrings(Utf8JsonWriter w, JsonEncodedText name, List<string>? values)
    {
        w.WritePropertyName(name);
        WriteStrings(w, values);
    }

    public static void WriteTime(Utf8JsonWriter w, JsonEncodedText name, DateTime value)
    {
        w.WritePropertyName(name);
        WriteTime(w, value);
    }

    public static void WriteSeverity(Utf8JsonWriter w, JsonEncodedText name, Hopwatch.Events.Severity s)
    {
        // A value outside the enum has no name: the serialiser writes its number.
        if (Name(s) is { } text) w.WriteString(name, text);
        else w.WriteNumber(name, (int)s);
    }

    public static void WriteStrings(Utf8JsonWriter w, List<string>? values)
    {
        if (values is null) { w.WriteNullValue(); return; }
        w.WriteStartArray();
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    /// <summary>
    /// A value of unknown type (alert details): the shapes analytics use are written directly; anything
    /// else goes to the serialiser, which then pays its start-up only for such a value.
    /// </summary>
    public static void WriteObject(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); return;
            case string s: w.WriteStringValue(s); return;
            case bool b: w.WriteBooleanValue(b); return;
            case int i: w.WriteNumberValue(i); return;
            case long l: w.WriteNumberValue(l); return;
            case double d when double.IsFinite(d): w.WriteNumberValue(d); return;
            case DateTime t: WriteTime(w, t); return;
            case List<string> list: WriteStrings(w, list); return;
            case string[] array:
                w.WriteStartArray();
                foreach (var v in array) w.WriteStringValue(v);
                w.WriteEndArray();
                return;
            case Dictionary<string, object?> map:
                WriteMap(w, map);
                return;
            case List<object?> objects:
                w.WriteStartArray();
                foreach (var v in objects) WriteObject(w, v);
                w.WriteEndArray();
                return;
            case List<Dictionary<string, object?>> maps:
                w.WriteStartArray();
                foreach (var m in maps) WriteMap(w, m);
                w.WriteEndArray();
                return;
            case List<int> ints:
                w.WriteStartArray();
                foreach (var v in ints) w.WriteNumberValue(v);
                w.WriteEndArray();
                return;
            case List<double> doubles when doubles.TrueForAll(double.IsFinite):
                w.WriteStartArray();
                foreach (var v in doubles) w.WriteNumberValue(v);
                w.WriteEndArray();
                return;
            default:
                // A shape without JSON metadata (possible only in the native build): its text, not nothing.
                if (!HopwatchJson.TrySerialize(w, value, AlertJsonWriter.Options)) w.WriteStringValue(value.ToString());
                return;
        }
    }

    public static void WriteMap(Utf8JsonWriter w, Dictionary<string, object?>? map)
    {
        if (map is null) { w.WriteNullValue(); return; }
        w.WriteStartObject();
        foreach (var (key, v) in map)
        {
            w.WritePropertyName(key);
            WriteObject(w, v);
        }
        w.WriteEndObject();
    }

    /// <summary>Severity as its wire name (the enum's JsonStringEnumMemberName).</summary>
    public static string? Name(Hopwatch.Events.Severity s) => s switch
    {
        Hopwatch.Events.Severity.Informational => "informational",
        Hopwatch.Events.Severity.Low => "low",
        Hopwatch.Events.Severity.Medium => "medium",
        Hopwatch.Events.Severity.High => "high",
        Hopwatch.Events.Severity.Critical => "critical",
        _ => null,
    };

    public static void WriteSeverity(Utf8JsonWriter w, string name, Hopwatch.Events.Severity s)
    {
        // A value outside the enum has no name: the serialiser writes its number.
        if (Name(s) is { } text) w.WriteString(name, text);
        else w.WriteNumber(name, (int)s);
    }
}
