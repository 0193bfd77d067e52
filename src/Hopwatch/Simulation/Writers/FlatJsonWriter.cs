using System.Globalization;

namespace Hopwatch.Simulation.Writers;

/// <summary>
/// Flat JSON lines as NXLog (im_msvistalog + to_json) and the Security-Datasets exports write
/// them: top-level EventID, Channel, Hostname, SourceName, EventTime, ... and every EventData /
/// UserData field as a top-level key. One file per host: json/HOST.json.
/// </summary>
public sealed class FlatJsonWriter(string outDir) : ISimEventWriter
{
    private readonly PerHostFiles<JsonLineFile> _files = new(p => new JsonLineFile(p));
    public string Format => "json";

    public void Write(SimEvent e)
    {
        if (e.Schema.IsLinuxLine) return;
        var s = e.Schema;
        var j = _files.Get(Path.Combine(outDir, "json", e.Host.Name + ".json")).Json;
        bool failure = s.Keywords == 0x8010000000000000;
        bool security = s.Channel == EventSchemas.SecurityChannel;
        j.WriteStartObject();
        j.WriteString("@timestamp", e.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        j.WriteString("EventTime", e.Time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        j.WriteString("Hostname", e.Host.Fqdn);
        j.WriteString("Keywords", "0x" + s.Keywords.ToString("x", CultureInfo.InvariantCulture));
        j.WriteString("EventType", security ? (failure ? "AUDIT_FAILURE" : "AUDIT_SUCCESS") : s.Level == 5 ? "VERBOSE" : "INFO");
        j.WriteNumber("SeverityValue", 2);
        j.WriteString("Severity", "INFO");
        j.WriteNumber("EventID", s.EventId);
        j.WriteString("SourceName", s.Provider);
        j.WriteString("ProviderGuid", "{" + s.ProviderGuid.ToString().ToUpperInvariant() + "}");
        j.WriteNumber("Version", s.Version);
        j.WriteNumber("Task", s.Task);
        j.WriteNumber("OpcodeValue", s.Opcode);
        j.WriteNumber("RecordNumber", e.RecordId);
        j.WriteNumber("ExecutionProcessID", e.Host.LoggerPid(s.Provider.Length));
        j.WriteNumber("ThreadID", e.Host.LoggerPid(s.Provider.Length) + 12);
        j.WriteString("Channel", s.Channel);
        if (e.UserSid is not null) j.WriteString("UserID", e.UserSid);
        j.WriteString("Category", s.TaskName);
        j.WriteString("Opcode", "Info");
        for (int i = 0; i < s.Fields.Length; i++)
            if (e.Values[i] is { } v) j.WriteString(s.Fields[i], v);
        j.WriteString("EventReceivedTime", e.Time.AddSeconds(1).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        j.WriteString("SourceModuleName", "eventlog");
        j.WriteString("SourceModuleType", "im_msvistalog");
        j.WriteEndObject();
        _files.Get(Path.Combine(outDir, "json", e.Host.Name + ".json")).EndLine();
    }

    public void Dispose() => _files.Dispose();
}
