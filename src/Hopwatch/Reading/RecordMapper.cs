using System.Globalization;
using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading;

/// <summary>
/// Turns one flattened record of a known vendor layout into a <see cref="LogEvent"/>: keeps the
/// vendor's fields, adds the canonical Windows names from <see cref="FieldMap"/>, and fills the
/// header (time, event id, channel, provider, computer, record id).
/// </summary>
internal sealed class RecordMapper(FieldNameCache names)
{
    /// <summary>Builds the event, or returns null with the reason (the caller warns).</summary>
    public LogEvent? Map(EventFields raw, SourceFormat format, string file, long lineOrIndex, out string? problem)
    {
        problem = null;
        var e = new LogEvent { File = file, Format = format, RecordId = lineOrIndex };
        switch (format)
        {
            case SourceFormat.JsonRegression:
                e.Fields = RegressionFields(raw);
                break;
            case SourceFormat.JsonDefender:
                e.Fields = raw;
                AddDefenderCanonical(raw);
                break;
            case SourceFormat.JsonSentinel:
                e.Fields = raw;
                AddSentinelEventDataXml(raw);
                ApplyAliases(raw, format, null);
                break;
            default:
                e.Fields = raw;
                ApplyAliases(raw, format, null);
                break;
        }
        var f = e.Fields;
        e.Computer = f.Get(FieldMap.Computer) ?? "";
        e.Channel = f.Get(FieldMap.Channel) ?? "";
        e.Provider = f.Get(FieldMap.Provider_Name) ?? f.Get(FieldMap.SyslogProgram) ?? "";
        if (format == SourceFormat.Journald && e.Channel.Length == 0) e.Channel = "journal";
        if (TryInt(f.Get(FieldMap.EventID), out int id)) e.EventId = id;
        if (TryLong(f.Get(FieldMap.EventRecordID), out long rec)) e.RecordId = rec;
        if (!TryTime(f, format, out var time))
        {
            problem = "no parseable event time";
            return null;
        }
        e.Time = time;
        if (format is SourceFormat.JsonFlat or SourceFormat.JsonEcs or SourceFormat.JsonSentinel or SourceFormat.JsonRegression
            && e.EventId == 0 && !f.Contains(FieldMap.EventID))
        {
            problem = "no EventID";
            return null;
        }
        return e;
    }

    // ---- canonical names ----

    // Alias name id of each field name seen, by reference: the name cache hands out one instance
    // per name, so after the first record a field's id costs one reference-hash lookup.
    private readonly Dictionary<string, int> _aliasIds = new(ReferenceEqualityComparer.Instance);

    private void ApplyAliases(EventFields f, SourceFormat format, string? context)
    {
        // EventData names first (winlog.event_data.IpAddress beats the ECS source.ip copy of it).
        StripPrefixes(f, format);
        var aliases = AliasIndex.For(format);
        if (aliases.Length == 0) return;
        // Where each alias name first occurs (-1: absent): what TryGet(From) and Contains(To) would find.
        Span<int> first = stackalloc int[AliasIndex.NameCount];
        first.Fill(-1);
        for (int i = 0; i < f.Count; i++)
        {
            int id = AliasId(f.NameAt(i));
            if (id >= 0 && first[id] < 0) first[id] = i;
        }
        foreach (var a in aliases)
        {
            int from = first[a.From];
            if (from < 0 || first[a.To] >= 0 || !Applies(a.Alias.When, context)) continue;
            f.Add(names.Get(a.Alias.To), Convert(f.ValueAt(from), a.Alias.How));
            first[a.To] = f.Count - 1;
        }
    }

    private int AliasId(string name)
    {
        if (_aliasIds.TryGetValue(name, out int id)) return id;
        id = AliasIndex.IdOf(name);
        // Bounded like the name cache: names past its limit are fresh instances each time.
        if (_aliasIds.Count < 100_000) _aliasIds[name] = id;
        return id;
    }

    private void StripPrefixes(EventFields f, SourceFormat format)
    {
        var prefixes = AliasIndex.PrefixesFor(format);
        if (prefixes.Length == 0) return;
        int n = f.Count;
        for (int i = 0; i < n; i++)
        {
            string name = f.NameAt(i);
            foreach (var prefix in prefixes)
            {
                if (name.Length <= prefix.Length || !name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) continue;
                var bare = name.AsSpan(prefix.Length);
                if (bare.Contains('.')) continue; // nested deeper: not an EventData name
                string bareName = names.Get(bare);
                if (!f.Contains(bareName)) f.Add(bareName, f.ValueAt(i));
            }
        }
    }

    private static bool Applies(string? when, string? context)
    {
        if (when is null) return true;
        if (context is null) return false;
        if (when.Length == context.Length) return string.Equals(when, context, StringComparison.Ordinal);
        // "DeviceNetworkEvents" applies to "DeviceNetworkEvents:Inbound"; "X:Inbound" only to that.
        return context.StartsWith(when, StringComparison.Ordinal) && context[when.Length] == ':';
    }

    private static string? Convert(string? v, FieldMap.Transform how) => how switch
    {
        FieldMap.Transform.LogonTypeNumber when v is not null && FieldMap.LogonTypeNumbers.TryGetValue(v, out var num) => num,
        FieldMap.Transform.BracedGuid when v is { Length: 36 } => "{" + v.ToUpperInvariant() + "}",
        _ => v,
    };

    // ---- Defender Advanced Hunting ----

    private void AddDefenderCanonical(EventFields f)
    {
        string table = f.Get("Type") ?? f.Get("$table") ?? f.Get("TableName") ?? GuessDefenderTable(f);
        string action = f.Get(FieldMap.ActionType) ?? "";
        string context = table;
        if (table == "DeviceNetworkEvents")
            context = table + (action.StartsWith("Inbound", StringComparison.OrdinalIgnoreCase) || action == "ListeningConnectionCreated" ? ":Inbound" : ":Outbound");
        else if (table == "DeviceEvents")
            context = table + ":" + action;
        f.Set(names.Get(FieldMap.DefenderTable), table);
        ApplyAliases(f, SourceFormat.JsonDefender, context);
        if (!f.Contains(FieldMap.Channel)) f.Add(names.Get(FieldMap.Channel), table);
        if (!f.Contains(FieldMap.Provider_Name)) f.Add(names.Get(FieldMap.Provider_Name), "Microsoft-Defender-for-Endpoint");
        if (!f.Contains(FieldMap.EventID))
        {
            foreach (var (t, a, id) in FieldMap.DefenderEventIds)
                if (t == table && (a is null || a == action))
                {
                    f.Add(names.Get(FieldMap.EventID), id.ToString(CultureInfo.InvariantCulture));
                    break;
                }
        }
        if (table == "DeviceNetworkEvents" && !f.Contains(FieldMap.Initiated))
            f.Add(names.Get(FieldMap.Initiated), context.EndsWith(":Inbound", StringComparison.Ordinal) ? "false" : "true");
        // Sysmon/4688 write the user as DOMAIN\user.
        if (table == "DeviceProcessEvents" && !f.Contains(FieldMap.User) && f.Get("AccountName") is { Length: > 0 } acct)
        {
            var dom = f.Get("AccountDomain");
            f.Add(names.Get(FieldMap.User), string.IsNullOrEmpty(dom) ? acct : dom + "\\" + acct);
        }
    }

    private static string GuessDefenderTable(EventFields f)
    {
        if (f.Contains("LogonType") && f.Contains("AccountName")) return "DeviceLogonEvents";
        if (f.Contains("RemoteIP") && f.Contains("LocalIP")) return "DeviceNetworkEvents";
        if (f.Contains("ProcessCommandLine")) return "DeviceProcessEvents";
        if (f.Contains("FolderPath") && f.Contains("SHA1") && f.Get(FieldMap.ActionType) == "ImageLoaded") return "DeviceImageLoadEvents";
        if (f.Contains("FolderPath") && f.Contains("SHA1") && f.Get(FieldMap.ActionType)?.StartsWith("File", StringComparison.Ordinal) == true) return "DeviceFileEvents";
        return "DeviceEvents";
    }

    // ---- Sentinel SecurityEvent: the EventData column is the event's XML ----

    private void AddSentinelEventDataXml(EventFields f)
    {
        var xml = f.Get("EventData");
        if (xml is null || !xml.StartsWith('<')) return;
        foreach (var (name, value) in WindowsXml.EventDataPairs(xml))
        {
            string n = names.Get(name);
            if (!f.Contains(n)) f.Add(n, value);
        }
    }

    // ---- evtx_dump JSON renderings (SigmaHQ regression_data) ----

    /// <summary>
    /// `Event.System.Provider.#attributes.Name` → `Provider_Name`, `Event.EventData.Image` → `Image`,
    /// `Event.UserData.X.User` → `User`: the same names the EVTX reader gives the same record.
    /// </summary>
    private EventFields RegressionFields(EventFields raw)
    {
        var f = new EventFields(raw.Count);
        for (int i = 0; i < raw.Count; i++)
        {
            string name = raw.NameAt(i);
            string? value = raw.ValueAt(i);
            if (name.StartsWith("Event.System.", StringComparison.Ordinal))
            {
                if (value is null) continue;
                var rest = name.AsSpan("Event.System.".Length);
                int attr = rest.IndexOf(".#attributes.");
                string canonical;
                if (rest.EndsWith(".#text")) canonical = names.Get(rest[..^".#text".Length]);
                else if (attr >= 0)
                {
                    var elem = rest[..attr];
                    var attrName = rest[(attr + ".#attributes.".Length)..];
                    canonical = elem.SequenceEqual("TimeCreated") ? FieldMap.TimeCreated
                        : names.Get(string.Concat(elem, "_", attrName));
                    value = BraceGuid(value);
                }
                else canonical = names.Get(rest);
                f.Add(canonical, value);
            }
            else if (name.StartsWith("Event.EventData.", StringComparison.Ordinal) || name.StartsWith("Event.UserData.", StringComparison.Ordinal))
            {
                if (name.Contains(".#attributes", StringComparison.Ordinal)) continue;
                var leaf = name.AsSpan(name.LastIndexOf('.') + 1);
                if (leaf.SequenceEqual("#text")) leaf = "Data";
                f.Add(names.Get(leaf), value is null ? null : BraceGuid(value));
            }
        }
        return f;
    }

    /// <summary>
    /// evtx_dump prints GUID-typed values without the braces Windows (and the EVTX reader) render;
    /// a bare 8-4-4-4-12 hex value is put back in braces so both renderings give the same field.
    /// </summary>
    private static string BraceGuid(string v)
    {
        if (v.Length != 36 || v[8] != '-' || v[13] != '-' || v[18] != '-' || v[23] != '-') return v;
        foreach (char c in v) if (c != '-' && !char.IsAsciiHexDigit(c)) return v;
        return "{" + v + "}";
    }

    // ---- header helpers ----

    private static bool TryTime(EventFields f, SourceFormat format, out DateTime time)
    {
        time = default;
        if (format == SourceFormat.JsonRegression) return TimeParser.TryParseUtc(f.Get(FieldMap.TimeCreated), out time);
        if (format == SourceFormat.JsonFlat && !f.Contains(FieldMap.TimeCreated) && f.Get("EventTime") is { } local
            && TimeParser.TryParseUtc(local, out var localAsUtc))
        {
            // NXLog's EventTime is the collector's local time without a zone; the collector's own
            // EventReceivedTime (local) and Logstash's @timestamp (UTC) of the same moment give the offset.
            time = localAsUtc;
            if (TimeParser.TryParseUtc(f.Get("EventReceivedTime"), out var recvLocal) && TimeParser.TryParseUtc(f.Get("@timestamp"), out var recvUtc))
            {
                long quarter = TimeSpan.TicksPerMinute * 15;
                long offset = (long)Math.Round((recvUtc - recvLocal).Ticks / (double)quarter) * quarter;
                if (Math.Abs(offset) <= TimeSpan.TicksPerHour * 14) time = localAsUtc.AddTicks(offset);
            }
            return true;
        }
        if (!FieldMap.TimeFields.TryGetValue(format, out var candidates)) return false;
        foreach (var c in candidates)
            if (TimeParser.TryParseUtc(f.Get(c), out time)) return true;
        return false;
    }

    internal static bool TryInt(string? s, out int v)
    {
        v = 0;
        if (string.IsNullOrEmpty(s)) return false;
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v)) return true;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return int.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v);
        return false;
    }

    internal static bool TryLong(string? s, out long v)
    {
        v = 0;
        if (string.IsNullOrEmpty(s)) return false;
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v)) return true;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out v);
        return false;
    }
}
