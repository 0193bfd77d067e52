using System.Globalization;
using System.Text.Json;
using Hopwatch.Events;

namespace Hopwatch.Sigma.Regression;

/// <summary>
/// Reads the `.json` renderings in SigmaHQ's regression_data (concatenated `{"Event":{"System":..,"EventData":..}}`
/// objects, as evtx_dump writes them) into <see cref="LogEvent"/>s with the Windows field names Sigma uses:
/// System attributes as `Element_Attribute` (Provider_Name, Execution_ProcessID, ...), EventData by Data name.
/// </summary>
public static class RegressionJsonEvents
{
    public static List<LogEvent> ReadFile(string path, ReadDiagnostics? diag = null)
    {
        var bytes = File.ReadAllBytes(path);
        var list = new List<LogEvent>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowMultipleValues = true, CommentHandling = JsonCommentHandling.Skip });
        long n = 0;
        try
        {
            while (reader.Read())
            {
                using var doc = JsonDocument.ParseValue(ref reader);
                n++;
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("Event", out var ev))
                    list.Add(ToEvent(ev, path, n));
                else
                    diag?.Warn(path, "object " + n, "not an {\"Event\":...} object; skipped");
            }
        }
        catch (JsonException e)
        {
            diag?.Warn(path, $"byte {reader.BytesConsumed}", "bad JSON, rest of file skipped: " + e.Message);
        }
        return list;
    }

    private static LogEvent ToEvent(JsonElement ev, string file, long ordinal)
    {
        var e = new LogEvent { File = file, Format = SourceFormat.JsonRegression, RecordId = ordinal };
        if (ev.TryGetProperty("System", out var sys) && sys.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in sys.EnumerateObject()) AddSystem(e.Fields, p.Name, p.Value);
        }
        foreach (var section in new[] { "EventData", "UserData" })
        {
            if (!ev.TryGetProperty(section, out var data) || data.ValueKind != JsonValueKind.Object) continue;
            if (section == "UserData")
            {
                // UserData wraps the fields in one provider-defined element.
                foreach (var wrapper in data.EnumerateObject())
                    if (wrapper.Value.ValueKind == JsonValueKind.Object) AddData(e.Fields, wrapper.Value);
                    else e.Fields.Add(wrapper.Name, Text(wrapper.Value));
            }
            else AddData(e.Fields, data);
        }

        e.Channel = e.Fields.Get("Channel") ?? "";
        e.Computer = e.Fields.Get("Computer") ?? "";
        e.Provider = e.Fields.Get("Provider_Name") ?? "";
        if (int.TryParse(e.Fields.Get("EventID"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int id)) e.EventId = id;
        if (long.TryParse(e.Fields.Get("EventRecordID"), NumberStyles.Integer, CultureInfo.InvariantCulture, out long rid)) e.RecordId = rid;
        if (DateTime.TryParse(e.Fields.Get("TimeCreated_SystemTime"), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            e.Time = DateTime.SpecifyKind(t, DateTimeKind.Utc);
        Normaliser.Normalise(e);
        return e;
    }

    private static void AddSystem(EventFields f, string name, JsonElement v)
    {
        if (v.ValueKind != JsonValueKind.Object)
        {
            f.Add(name, Text(v));
            return;
        }
        foreach (var p in v.EnumerateObject())
        {
            if (p.Name == "#attributes" && p.Value.ValueKind == JsonValueKind.Object)
                foreach (var a in p.Value.EnumerateObject()) f.Add(name + "_" + a.Name, Text(a.Value));
            else if (p.Name == "#text") f.Add(name, Text(p.Value));
        }
    }

    private static void AddData(EventFields f, JsonElement data)
    {
        foreach (var p in data.EnumerateObject())
        {
            if (p.Name == "#attributes") continue;
            f.Add(p.Name, Text(p.Value));
        }
    }

    private static string? Text(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.String => v.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => v.GetRawText(),
    };
}
