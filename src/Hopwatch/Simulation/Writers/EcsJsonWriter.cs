using System.Globalization;

namespace Hopwatch.Simulation.Writers;

/// <summary>
/// Winlogbeat 8 / Elastic Common Schema JSON lines: @timestamp, event.*, host.name, and the
/// Windows specifics under winlog.* (channel, computer_name, event_id as a string, provider_name,
/// record_id, event_data or user_data). One file per host: ecs/HOST.ndjson.
/// </summary>
public sealed class EcsJsonWriter(string outDir) : ISimEventWriter
{
    private readonly PerHostFiles<JsonLineFile> _files = new(p => new JsonLineFile(p));
    public string Format => "ecs";

    public void Write(SimEvent e)
    {
        if (e.Schema.IsLinuxLine) return;
        var s = e.Schema;
        var file = _files.Get(Path.Combine(outDir, "ecs", e.Host.Name + ".ndjson"));
        var j = file.Json;
        bool failure = s.Keywords == 0x8010000000000000;
        string id = s.EventId.ToString(CultureInfo.InvariantCulture);
        j.WriteStartObject();
        j.WriteString("@timestamp", e.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        j.WriteStartObject("agent"); j.WriteString("type", "winlogbeat"); j.WriteString("version", "8.12.0"); j.WriteEndObject();
        j.WriteStartObject("ecs"); j.WriteString("version", "8.0.0"); j.WriteEndObject();
        j.WriteStartObject("event");
        j.WriteString("code", id);
        j.WriteString("kind", "event");
        j.WriteString("provider", s.Provider);
        j.WriteString("action", s.Action);
        if (s.Channel == EventSchemas.SecurityChannel) j.WriteString("outcome", failure ? "failure" : "success");
        j.WriteString("created", e.Time.AddSeconds(1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        j.WriteEndObject();
        j.WriteStartObject("host"); j.WriteString("name", e.Host.Fqdn.ToLowerInvariant()); j.WriteString("hostname", e.Host.Name.ToLowerInvariant()); j.WriteEndObject();
        j.WriteStartObject("log"); j.WriteString("level", s.Level switch { 0 or 4 => "information", 5 => "verbose", 3 => "warning", _ => "information" }); j.WriteEndObject();
        j.WriteStartObject("winlog");
        j.WriteString("api", "wineventlog");
        j.WriteString("channel", s.Channel);
        j.WriteString("computer_name", e.Host.Fqdn);
        j.WriteString("event_id", id);
        j.WriteString("provider_name", s.Provider);
        j.WriteString("provider_guid", "{" + s.ProviderGuid.ToString().ToUpperInvariant() + "}");
        j.WriteNumber("record_id", e.RecordId);
        j.WriteString("task", s.TaskName);
        j.WriteString("opcode", "Info");
        j.WriteNumber("version", s.Version);
        j.WriteStartArray("keywords");
        if (s.Channel == EventSchemas.SecurityChannel) j.WriteStringValue(failure ? "Audit Failure" : "Audit Success");
        j.WriteEndArray();
        j.WriteStartObject("process");
        j.WriteNumber("pid", e.Host.LoggerPid(s.Provider.Length));
        j.WriteStartObject("thread"); j.WriteNumber("id", e.Host.LoggerPid(s.Provider.Length) + 12); j.WriteEndObject();
        j.WriteEndObject();
        if (e.UserSid is not null) { j.WriteStartObject("user"); j.WriteString("identifier", e.UserSid); j.WriteEndObject(); }
        j.WriteStartObject(s.IsUserData ? "user_data" : "event_data");
        for (int i = 0; i < s.Fields.Length; i++)
            if (e.Values[i] is { } v) j.WriteString(s.Fields[i], v);
        j.WriteEndObject();
        j.WriteEndObject();
        j.WriteEndObject();
        file.EndLine();
    }

    public void Dispose() => _files.Dispose();
}
