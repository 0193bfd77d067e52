using System.Globalization;
using System.Text;
using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Parsing;

/// <summary>
/// The service's own minimal reader, used while the read stage's <c>EvidenceReader.ReadStream</c>
/// is not available: flat or nested JSON objects (nested keys joined with '.'), with the header
/// taken from the common exporters' names (NXLog/Security-Datasets, Winlogbeat/ECS), and text lines
/// as syslog messages. The normaliser fills the typed view; the few fields the service's own
/// detectors need are filled here when the normaliser leaves them empty.
/// </summary>
public sealed class FlatJsonEventParser : IEventParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };
    // Field names repeat across events: intern them so EventFields lookups hit the reference check.
    private readonly Dictionary<int, string[]> _names = new();

    public string Name => "service-json";

    public void Parse(SpoolRecord record, ReadDiagnostics diag, List<LogEvent> into)
    {
        var span = record.Lines.Span;
        int pos = 0, index = 0;
        while (pos <= span.Length && record.Lines.Length > 0)
        {
            int nl = span[pos..].IndexOf((byte)'\n');
            var line = nl < 0 ? span[pos..] : span.Slice(pos, nl);
            long seq = record.FirstSeq + index;
            var e = record.Format == SpoolPayloadFormat.TextLines
                ? SyslogLineParser.Parse(line, record.Source, seq, record.AcceptedUnixMs)
                : ParseJson(line, record.Source, seq, diag);
            if (e is not null) into.Add(e);
            index++;
            if (nl < 0) break;
            pos += nl + 1;
        }
    }

    private LogEvent? ParseJson(ReadOnlySpan<byte> line, string source, long seq, ReadDiagnostics diag)
    {
        var e = new LogEvent { File = source, RecordId = seq, Format = SourceFormat.JsonFlat };
        var reader = new Utf8JsonReader(line, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        Span<int> prefixLengths = stackalloc int[65];
        var prefix = new StringBuilder();
        int depth = 0;
        string? pendingName = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        if (depth > 0 && pendingName is not null)
                        {
                            prefixLengths[depth] = prefix.Length;
                            prefix.Append(pendingName).Append('.');
                        }
                        else prefixLengths[depth] = prefix.Length;
                        depth++;
                        pendingName = null;
                        break;
                    case JsonTokenType.EndObject:
                        depth--;
                        if (depth > 0) prefix.Length = prefixLengths[depth];
                        break;
                    case JsonTokenType.PropertyName:
                        pendingName = reader.GetString();
                        break;
                    case JsonTokenType.StartArray:
                        // Arrays (tags, lists) are kept as their raw JSON text under the name.
                        int start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        Add(e, prefix, pendingName, Encoding.UTF8.GetString(line[start..(int)reader.BytesConsumed]));
                        pendingName = null;
                        break;
                    case JsonTokenType.String:
                        Add(e, prefix, pendingName, reader.GetString());
                        pendingName = null;
                        break;
                    case JsonTokenType.Number:
                        Add(e, prefix, pendingName, Encoding.UTF8.GetString(reader.ValueSpan));
                        pendingName = null;
                        break;
                    case JsonTokenType.True: Add(e, prefix, pendingName, "true"); pendingName = null; break;
                    case JsonTokenType.False: Add(e, prefix, pendingName, "false"); pendingName = null; break;
                    case JsonTokenType.Null: Add(e, prefix, pendingName, null); pendingName = null; break;
                }
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            diag.Warn(source, "event " + seq, "unreadable JSON event: " + ex.Message);
            return null;
        }
        FillHeader(e);
        Normaliser.Normalise(e);
        MinimalNormalise(e);
        return e;
    }

    private void Add(LogEvent e, StringBuilder prefix, string? name, string? value)
    {
        if (name is null) return;
        string full = prefix.Length == 0 ? name : prefix + name;
        e.Fields.Add(Intern(full), value);
    }

    private string Intern(string name)
    {
        int h = string.GetHashCode(name, StringComparison.Ordinal);
        if (_names.TryGetValue(h, out var bucket))
        {
            foreach (var n in bucket) if (n == name) return n;
            _names[h] = [.. bucket, name];
            return name;
        }
        if (_names.Count < 100_000) _names[h] = [name];
        return name;
    }

    private static string? First(EventFields f, params string[] names)
    {
        foreach (var n in names)
            if (f.TryGet(n, out var v) && !string.IsNullOrEmpty(v)) return v;
        return null;
    }

    private static void FillHeader(LogEvent e)
    {
        var f = e.Fields;
        if (int.TryParse(First(f, "EventID", "EventId", "winlog.event_id", "event.code", "System.EventID"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int id))
            e.EventId = id;
        e.Channel = First(f, "Channel", "winlog.channel", "System.Channel") ?? "";
        e.Provider = First(f, "SourceName", "ProviderName", "Provider_Name", "winlog.provider_name", "System.Provider.Name") ?? "";
        e.Computer = First(f, "Hostname", "Computer", "winlog.computer_name", "host.name", "System.Computer") ?? "";
        var time = First(f, "@timestamp", "UtcTime", "TimeCreated", "System.TimeCreated.SystemTime", "EventTime", "timestamp");
        if (time is not null && DateTime.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            e.Time = DateTime.SpecifyKind(t, DateTimeKind.Utc);
    }

    /// <summary>Only what the normaliser did not already fill, so the real normaliser wins once it lands.</summary>
    private static void MinimalNormalise(LogEvent e)
    {
        var f = e.Fields;
        e.UserName ??= Lower(First(f, "TargetUserName", "winlog.event_data.TargetUserName", "user.name"));
        e.UserDomain ??= First(f, "TargetDomainName", "winlog.event_data.TargetDomainName");
        e.SubjectUserName ??= Lower(First(f, "SubjectUserName", "winlog.event_data.SubjectUserName"));
        e.SourceIp ??= Dash(First(f, "IpAddress", "winlog.event_data.IpAddress", "source.ip"));
        e.SourceHost ??= Lower(Dash(First(f, "WorkstationName", "winlog.event_data.WorkstationName", "source.domain")));
        if (e.LogonType is null && int.TryParse(First(f, "LogonType", "winlog.event_data.LogonType"), out int lt)) e.LogonType = lt;
        e.AuthPackage ??= First(f, "AuthenticationPackageName", "winlog.event_data.AuthenticationPackageName");
        e.LogonId ??= Lower(First(f, "TargetLogonId", "winlog.event_data.TargetLogonId"));
        if (e.Kind == EventKind.Other && e.Channel.Equals("Security", StringComparison.OrdinalIgnoreCase))
        {
            e.Kind = e.EventId switch
            {
                4624 => EventKind.Logon,
                4625 => EventKind.FailedLogon,
                4634 or 4647 => EventKind.Logoff,
                4648 => EventKind.ExplicitCredentials,
                5140 or 5145 => EventKind.ShareAccess,
                4697 => EventKind.ServiceInstall,
                _ => EventKind.Other,
            };
        }
    }

    private static string? Lower(string? s) => string.IsNullOrEmpty(s) ? null : s.ToLowerInvariant();
    private static string? Dash(string? s) => s is null or "-" or "" ? null : s;
}
