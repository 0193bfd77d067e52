using System.Collections.Frozen;
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
/// detector needs are filled here when the normaliser leaves them empty.
/// It is on the service's hot path: field names are cached by their UTF-8 bytes (no string per
/// name per event) and each cached name knows which header slot it feeds, so the header costs no
/// lookups beyond that cache.
/// </summary>
public sealed class FlatJsonEventParser : IEventParser
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private enum Slot : sbyte
    {
        None = -1, EventId, Channel, Provider, Computer, Time, TargetUser, TargetDomain, SubjectUser,
        SourceIp, SourceHost, LogonType, AuthPackage, LogonId, Count,
    }

    // Name → (slot, priority); lower priority wins when a source carries several of them.
    private static readonly FrozenDictionary<string, (Slot Slot, int Priority)> KnownNames = new Dictionary<string, (Slot, int)>(StringComparer.OrdinalIgnoreCase)
    {
        ["EventID"] = (Slot.EventId, 0), ["winlog.event_id"] = (Slot.EventId, 1), ["event.code"] = (Slot.EventId, 2), ["System.EventID"] = (Slot.EventId, 3),
        ["Channel"] = (Slot.Channel, 0), ["winlog.channel"] = (Slot.Channel, 1), ["System.Channel"] = (Slot.Channel, 2),
        ["SourceName"] = (Slot.Provider, 0), ["ProviderName"] = (Slot.Provider, 1), ["Provider_Name"] = (Slot.Provider, 2), ["winlog.provider_name"] = (Slot.Provider, 3), ["System.Provider.Name"] = (Slot.Provider, 4),
        ["Hostname"] = (Slot.Computer, 0), ["Computer"] = (Slot.Computer, 1), ["winlog.computer_name"] = (Slot.Computer, 2), ["host.name"] = (Slot.Computer, 3), ["System.Computer"] = (Slot.Computer, 4),
        ["@timestamp"] = (Slot.Time, 0), ["UtcTime"] = (Slot.Time, 1), ["TimeCreated"] = (Slot.Time, 2), ["System.TimeCreated.SystemTime"] = (Slot.Time, 3), ["EventTime"] = (Slot.Time, 4), ["timestamp"] = (Slot.Time, 5),
        ["TargetUserName"] = (Slot.TargetUser, 0), ["winlog.event_data.TargetUserName"] = (Slot.TargetUser, 1), ["user.name"] = (Slot.TargetUser, 2),
        ["TargetDomainName"] = (Slot.TargetDomain, 0), ["winlog.event_data.TargetDomainName"] = (Slot.TargetDomain, 1),
        ["SubjectUserName"] = (Slot.SubjectUser, 0), ["winlog.event_data.SubjectUserName"] = (Slot.SubjectUser, 1),
        ["IpAddress"] = (Slot.SourceIp, 0), ["winlog.event_data.IpAddress"] = (Slot.SourceIp, 1), ["source.ip"] = (Slot.SourceIp, 2),
        ["WorkstationName"] = (Slot.SourceHost, 0), ["winlog.event_data.WorkstationName"] = (Slot.SourceHost, 1), ["source.domain"] = (Slot.SourceHost, 2),
        ["LogonType"] = (Slot.LogonType, 0), ["winlog.event_data.LogonType"] = (Slot.LogonType, 1),
        ["AuthenticationPackageName"] = (Slot.AuthPackage, 0), ["winlog.event_data.AuthenticationPackageName"] = (Slot.AuthPackage, 1),
        ["TargetLogonId"] = (Slot.LogonId, 0), ["winlog.event_data.TargetLogonId"] = (Slot.LogonId, 1),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private sealed record CachedName(byte[] Utf8, string Name, Slot Slot, int Priority);

    private readonly Dictionary<int, CachedName[]> _names = new();
    private readonly string?[] _slotValue = new string?[(int)Slot.Count];
    private readonly int[] _slotPriority = new int[(int)Slot.Count];

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
        var e = new LogEvent { File = source, RecordId = seq, Format = SourceFormat.JsonFlat, Fields = new EventFields(32) };
        Array.Clear(_slotValue);
        var reader = new Utf8JsonReader(line, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        Span<int> prefixLengths = stackalloc int[65];
        var prefix = new StringBuilder();
        int depth = 0;
        CachedName? pending = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject:
                        prefixLengths[depth] = prefix.Length;
                        if (depth > 0 && pending is not null) prefix.Append(pending.Name).Append('.');
                        depth++;
                        pending = null;
                        break;
                    case JsonTokenType.EndObject:
                        depth--;
                        if (depth > 0) prefix.Length = prefixLengths[depth];
                        break;
                    case JsonTokenType.PropertyName:
                        pending = prefix.Length == 0 ? NameOf(ref reader) : Describe(prefix.ToString() + reader.GetString());
                        break;
                    case JsonTokenType.StartArray:
                        // Arrays (tags, lists) are kept as their raw JSON text under the name.
                        int start = (int)reader.TokenStartIndex;
                        reader.Skip();
                        Add(e, pending, Encoding.UTF8.GetString(line[start..(int)reader.BytesConsumed]));
                        pending = null;
                        break;
                    case JsonTokenType.String:
                        Add(e, pending, reader.ValueIsEscaped ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan));
                        pending = null;
                        break;
                    case JsonTokenType.Number:
                        Add(e, pending, Encoding.UTF8.GetString(reader.ValueSpan));
                        pending = null;
                        break;
                    case JsonTokenType.True: Add(e, pending, "true"); pending = null; break;
                    case JsonTokenType.False: Add(e, pending, "false"); pending = null; break;
                    case JsonTokenType.Null: Add(e, pending, null); pending = null; break;
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

    private void Add(LogEvent e, CachedName? name, string? value)
    {
        if (name is null) return;
        e.Fields.Add(name.Name, value);
        if (name.Slot == Slot.None || string.IsNullOrEmpty(value)) return;
        int s = (int)name.Slot;
        if (_slotValue[s] is null || name.Priority < _slotPriority[s])
        {
            _slotValue[s] = value;
            _slotPriority[s] = name.Priority;
        }
    }

    /// <summary>The interned name for the property at the reader, found by its UTF-8 bytes.</summary>
    private CachedName NameOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return Describe(reader.GetString()!);
        var bytes = reader.ValueSpan;
        var h = new HashCode();
        h.AddBytes(bytes);
        int hash = h.ToHashCode();
        if (_names.TryGetValue(hash, out var bucket))
        {
            foreach (var n in bucket) if (bytes.SequenceEqual(n.Utf8)) return n;
        }
        var made = Describe(Encoding.UTF8.GetString(bytes));
        // Bounded: hostile input with endless distinct names cannot grow the cache forever.
        if (_names.Count < 50_000) _names[hash] = bucket is null ? [made] : [.. bucket, made];
        return made;
    }

    private static CachedName Describe(string name) =>
        KnownNames.TryGetValue(name, out var k)
            ? new CachedName(Encoding.UTF8.GetBytes(name), name, k.Slot, k.Priority)
            : new CachedName(Encoding.UTF8.GetBytes(name), name, Slot.None, 0);

    private string? Value(Slot s) => _slotValue[(int)s];

    private void FillHeader(LogEvent e)
    {
        if (int.TryParse(Value(Slot.EventId), NumberStyles.Integer, CultureInfo.InvariantCulture, out int id)) e.EventId = id;
        e.Channel = Value(Slot.Channel) ?? "";
        e.Provider = Value(Slot.Provider) ?? "";
        e.Computer = Value(Slot.Computer) ?? "";
        var time = Value(Slot.Time);
        if (time is not null && TryParseTime(time, out var t)) e.Time = t;
    }

    /// <summary>ISO-8601 UTC ("2024-01-02T03:04:05.678Z") parsed by position; anything else by the framework.</summary>
    internal static bool TryParseTime(string s, out DateTime t)
    {
        if (s.Length >= 20 && s[4] == '-' && s[7] == '-' && s[10] is 'T' or ' ' && s[13] == ':' && s[16] == ':' && s[^1] == 'Z'
            && D(s, 0, 4, out int y) && D(s, 5, 2, out int mo) && D(s, 8, 2, out int d) && D(s, 11, 2, out int h) && D(s, 14, 2, out int mi) && D(s, 17, 2, out int sec)
            && mo is >= 1 and <= 12 && d >= 1 && d <= DateTime.DaysInMonth(Math.Max(1, y), mo) && h < 24 && mi < 60 && sec < 60)
        {
            long ticks = 0;
            if (s.Length > 21 && s[19] == '.')
            {
                int digits = 0;
                for (int i = 20; i < s.Length - 1; i++)
                {
                    char c = s[i];
                    if (c is < '0' or > '9') goto Slow;
                    if (digits < 7) { ticks = ticks * 10 + (c - '0'); digits++; }
                }
                for (; digits < 7; digits++) ticks *= 10;
            }
            else if (s.Length != 20) goto Slow;
            t = new DateTime(y, mo, d, h, mi, sec, DateTimeKind.Utc).AddTicks(ticks);
            return true;
        }
    Slow:
        if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out t))
        {
            t = DateTime.SpecifyKind(t, DateTimeKind.Utc);
            return true;
        }
        return false;
    }

    private static bool D(string s, int at, int len, out int v)
    {
        v = 0;
        for (int i = at; i < at + len; i++)
        {
            char c = s[i];
            if (c is < '0' or > '9') return false;
            v = v * 10 + (c - '0');
        }
        return true;
    }

    /// <summary>Only what the normaliser did not already fill, so the real normaliser wins once it lands.</summary>
    private void MinimalNormalise(LogEvent e)
    {
        e.UserName ??= Lower(Value(Slot.TargetUser));
        e.UserDomain ??= Value(Slot.TargetDomain);
        e.SubjectUserName ??= Lower(Value(Slot.SubjectUser));
        e.SourceIp ??= Dash(Value(Slot.SourceIp));
        e.SourceHost ??= Lower(Dash(Value(Slot.SourceHost)));
        if (e.LogonType is null && int.TryParse(Value(Slot.LogonType), out int lt)) e.LogonType = lt;
        e.AuthPackage ??= Value(Slot.AuthPackage);
        e.LogonId ??= Lower(Value(Slot.LogonId));
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
