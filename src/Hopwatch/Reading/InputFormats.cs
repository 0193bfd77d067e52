using Hopwatch.Events;

namespace Hopwatch.Reading;

/// <summary>Names users type for `--input-format`, mapped to <see cref="SourceFormat"/>.</summary>
public static class InputFormats
{
    public static readonly IReadOnlyDictionary<string, SourceFormat> Names = new Dictionary<string, SourceFormat>(StringComparer.OrdinalIgnoreCase)
    {
        ["evtx"] = SourceFormat.Evtx,
        ["xml"] = SourceFormat.WindowsXml,
        ["jsonl"] = SourceFormat.JsonFlat,
        ["flat"] = SourceFormat.JsonFlat,
        ["nxlog"] = SourceFormat.JsonFlat,
        ["ecs"] = SourceFormat.JsonEcs,
        ["winlogbeat"] = SourceFormat.JsonEcs,
        ["sentinel"] = SourceFormat.JsonSentinel,
        ["defender"] = SourceFormat.JsonDefender,
        ["regression"] = SourceFormat.JsonRegression,
        ["evtx-json"] = SourceFormat.JsonRegression,
        ["authlog"] = SourceFormat.AuthLog,
        ["auth"] = SourceFormat.AuthLog,
        ["syslog"] = SourceFormat.Syslog,
        ["journald"] = SourceFormat.Journald,
        ["audit"] = SourceFormat.LinuxAudit,
    };

    /// <summary>A format name (the short names above or a <see cref="SourceFormat"/> member); null when unknown.</summary>
    public static SourceFormat? Parse(string name)
    {
        if (Names.TryGetValue(name, out var f)) return f;
        return Enum.TryParse<SourceFormat>(name, ignoreCase: true, out var g) && g != SourceFormat.Unknown ? g : null;
    }
}
