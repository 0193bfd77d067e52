using Hopwatch.Events;

namespace Hopwatch.Reading;

/// <summary>
/// Tells which vendor layout one flattened record (a JSON object, a CSV row) has, from the names of
/// its fields — never from the file name.
/// </summary>
internal static class RecordShape
{
    /// <summary>The format of <paramref name="raw"/>, or null with the reason when no layout fits.</summary>
    public static SourceFormat? Classify(EventFields raw, out string? why)
    {
        why = null;
        if (raw.Count > 0 && raw.NameAt(0).StartsWith("Event.", StringComparison.Ordinal)) return SourceFormat.JsonRegression;
        if (raw.Contains("Event.System.EventID") || raw.Contains("Event.System.EventID.#text")) return SourceFormat.JsonRegression;
        if (raw.Contains("winlog.event_id") || raw.Contains("winlog.channel") || raw.Contains("winlog.provider_name")
            || (raw.Contains("event.code") && (raw.Contains("ecs.version") || raw.Contains("agent.type") || raw.Contains("host.name"))))
            return SourceFormat.JsonEcs;
        var type = raw.Get("Type") ?? raw.Get("$table") ?? raw.Get("TableName");
        if (type is not null && type.StartsWith("Device", StringComparison.Ordinal) && type.EndsWith("Events", StringComparison.Ordinal))
            return SourceFormat.JsonDefender;
        if (type is "SecurityEvent" or "WindowsEvent") return SourceFormat.JsonSentinel;
        if (raw.Contains("DeviceName") && raw.Contains("ActionType")) return SourceFormat.JsonDefender;
        if (raw.Contains("__REALTIME_TIMESTAMP") || (raw.Contains("MESSAGE") && (raw.Contains("_HOSTNAME") || raw.Contains("SYSLOG_IDENTIFIER"))))
            return SourceFormat.Journald;
        if (raw.Contains("TimeGenerated") && raw.Contains("Computer") && (raw.Contains("EventID") || raw.Contains("EventData")))
            return SourceFormat.JsonSentinel;
        if (raw.Contains("EventID") || raw.Contains("EventId") || raw.Contains("event_id"))
            return SourceFormat.JsonFlat;
        why = "no EventID, winlog.*, Event.System, Defender or journald fields";
        return null;
    }
}
