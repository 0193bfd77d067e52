using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Hopwatch.Tests.Support;

/// <summary>
/// Parses what <c>evtxexport -f xml</c> prints into <see cref="EvtxExportRecord"/>s.
/// evtxexport's output is not well-formed XML: it writes some substituted string values without
/// escaping them (e.g. SOAP envelopes in LiveId events appear as raw markup), so a real XML parser
/// rejects it. Its layout is fixed, though — one element per line, two-space indentation, each record
/// framed by a line starting "&lt;Event xmlns=" and a line "&lt;/Event&gt;" — so this parser works line-wise
/// and takes a Data value to be everything up to the "&lt;/Data&gt;" that ends a line.
/// </summary>
public static partial class EvtxExportXmlParser
{
    private const string EventStart = "<Event xmlns=";
    private const string EventEnd = "\n</Event>";

    public static List<EvtxExportRecord> Parse(string output)
    {
        var records = new List<EvtxExportRecord>();
        int pos = 0;
        while (true)
        {
            int start = output.IndexOf(EventStart, pos, StringComparison.Ordinal);
            if (start < 0) break;
            if (start > 0 && output[start - 1] != '\n')
            {
                pos = start + EventStart.Length;
                continue;
            }
            int end = FindEventEnd(output, start);
            if (end < 0) break; // truncated output: the process died mid-record
            records.Add(ParseRecord(output.Substring(start, end - start)));
            pos = end;
        }
        return records;
    }

    // The record ends at "\n</Event>" followed by end of line; a value could contain "</Event>" but not at a line start.
    private static int FindEventEnd(string s, int from)
    {
        int p = from;
        while (true)
        {
            int i = s.IndexOf(EventEnd, p, StringComparison.Ordinal);
            if (i < 0) return -1;
            int after = i + EventEnd.Length;
            if (after == s.Length || s[after] == '\n' || s[after] == '\r') return after;
            p = after;
        }
    }

    private static EvtxExportRecord ParseRecord(string xml)
    {
        var r = new EvtxExportRecord { RawXml = xml };
        string system = Section(xml, "System") ?? "";
        foreach (var line in system.Split('\n'))
            ParseSystemLine(line.Trim(), r);

        string? eventData = Section(xml, "EventData");
        if (eventData is not null)
            foreach (Match m in DataItemRegex().Matches(eventData))
            {
                string element = m.Groups["el"].Value;
                string? name = null;
                foreach (var (k, v) in Attributes(m.Groups["attrs"].Value))
                    if (k == "Name") name = v;
                string value = m.Groups["value"].Success ? Decode(m.Groups["value"].Value) : "";
                r.EventData.Add(new EvtxExportDataItem(element, name, value));
            }

        string? userData = Section(xml, "UserData");
        if (userData is not null)
        {
            r.HasUserData = true;
            foreach (Match m in LeafRegex().Matches(userData))
                r.UserDataLeaves.Add(new(LocalName(m.Groups["el"].Value), Decode(m.Groups["value"].Value)));
        }
        return r;
    }

    /// <summary>
    /// Text between "  &lt;Name ...&gt;" and "  &lt;/Name&gt;" (two-space indented; the open tag may carry attributes,
    /// e.g. &lt;EventData Name="TaskDisabled"&gt;), "" for "&lt;Name/&gt;", null when absent.
    /// </summary>
    private static string? Section(string xml, string name)
    {
        string open = "\n  <" + name;
        string close = "\n  </" + name + ">";
        int i = xml.IndexOf(open, StringComparison.Ordinal);
        while (i >= 0 && i + open.Length < xml.Length && xml[i + open.Length] is not ('>' or ' ' or '/'))
            i = xml.IndexOf(open, i + open.Length, StringComparison.Ordinal);
        if (i < 0) return null;
        int gt = xml.IndexOf('>', i + open.Length);
        if (gt < 0) return null;
        if (xml[gt - 1] == '/') return "";
        int j = xml.IndexOf(close, gt + 1, StringComparison.Ordinal);
        if (j < 0) return null;
        return xml.Substring(gt + 1, j - gt - 1);
    }

    private static void ParseSystemLine(string line, EvtxExportRecord r)
    {
        if (line.Length < 3 || line[0] != '<') return;
        var m = SimpleElementRegex().Match(line);
        if (m.Success)
        {
            string el = m.Groups["el"].Value;
            string? value = m.Groups["value"].Success ? Decode(m.Groups["value"].Value) : "";
            var attrs = Attributes(m.Groups["attrs"].Value).ToDictionary(a => a.Key, a => a.Value);
            switch (el)
            {
                case "Provider":
                    r.ProviderName = attrs.GetValueOrDefault("Name");
                    r.ProviderGuid = attrs.GetValueOrDefault("Guid");
                    break;
                case "EventID":
                    r.EventId = value;
                    r.EventIdQualifiers = attrs.GetValueOrDefault("Qualifiers");
                    break;
                case "Version": r.Version = value; break;
                case "Level": r.Level = value; break;
                case "Task": r.Task = value; break;
                case "Opcode": r.Opcode = value; break;
                case "Keywords": r.Keywords = value; break;
                case "TimeCreated": r.SystemTime = attrs.GetValueOrDefault("SystemTime"); break;
                case "EventRecordID":
                    if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long id)) r.RecordId = id;
                    break;
                case "Correlation": r.ActivityId = attrs.GetValueOrDefault("ActivityID"); break;
                case "Execution":
                    r.ProcessId = attrs.GetValueOrDefault("ProcessID");
                    r.ThreadId = attrs.GetValueOrDefault("ThreadID");
                    break;
                case "Channel": r.Channel = value; break;
                case "Computer": r.Computer = value; break;
                case "Security": r.UserId = attrs.GetValueOrDefault("UserID"); break;
            }
        }
    }

    private static IEnumerable<KeyValuePair<string, string>> Attributes(string attrs)
    {
        foreach (Match a in AttributeRegex().Matches(attrs))
            yield return new(a.Groups["name"].Value, Decode(a.Groups["value"].Value));
    }

    private static string LocalName(string qualified)
    {
        int colon = qualified.IndexOf(':');
        return colon < 0 ? qualified : qualified[(colon + 1)..];
    }

    /// <summary>Decodes the five predefined entities and numeric character references; leaves anything else as is.</summary>
    public static string Decode(string s)
    {
        if (s.IndexOf('&') < 0) return s;
        var sb = new StringBuilder(s.Length);
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            int semi;
            if (c != '&' || (semi = s.IndexOf(';', i + 1)) < 0 || semi - i > 10)
            {
                sb.Append(c);
                continue;
            }
            string entity = s.Substring(i + 1, semi - i - 1);
            string? replacement = entity switch
            {
                "lt" => "<",
                "gt" => ">",
                "amp" => "&",
                "quot" => "\"",
                "apos" => "'",
                _ when entity.StartsWith("#x", StringComparison.OrdinalIgnoreCase)
                       && int.TryParse(entity.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int hx)
                       && hx is >= 0 and <= 0x10FFFF && hx is < 0xD800 or > 0xDFFF => char.ConvertFromUtf32(hx),
                _ when entity.StartsWith('#')
                       && int.TryParse(entity.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int dc)
                       && dc is >= 0 and <= 0x10FFFF && dc is < 0xD800 or > 0xDFFF => char.ConvertFromUtf32(dc),
                _ => null,
            };
            if (replacement is null)
            {
                sb.Append(c);
                continue;
            }
            sb.Append(replacement);
            i = semi;
        }
        return sb.ToString();
    }

    /// <summary>"2021-03-31T23:51:45.018767400Z" → UTC DateTime (fraction truncated to 100 ns ticks).</summary>
    public static DateTime? ParseSystemTime(string? s)
    {
        if (string.IsNullOrEmpty(s)) return null;
        var m = SystemTimeRegex().Match(s);
        if (!m.Success) return null;
        if (!DateTime.TryParseExact(m.Groups["base"].Value, "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)) return null;
        string frac = m.Groups["frac"].Value;
        if (frac.Length > 0)
        {
            frac = frac.Length >= 7 ? frac[..7] : frac.PadRight(7, '0');
            t = t.AddTicks(long.Parse(frac, CultureInfo.InvariantCulture));
        }
        return DateTime.SpecifyKind(t, DateTimeKind.Utc);
    }

    [GeneratedRegex(@"^(?<base>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(?<frac>\d+))?Z?$")]
    private static partial Regex SystemTimeRegex();

    [GeneratedRegex(@"^<(?<el>[\w:.-]+)(?<attrs>(?:\s+[\w:.-]+=""[^""]*"")*)\s*(?:/>|>(?<value>.*)</\k<el>>)$", RegexOptions.Singleline)]
    private static partial Regex SimpleElementRegex();

    [GeneratedRegex(@"(?<name>[\w:.-]+)=""(?<value>[^""]*)""")]
    private static partial Regex AttributeRegex();

    // An EventData child on its own line at four-space indentation; its value runs to the first "</el>" that ends a line.
    [GeneratedRegex(@"^    <(?<el>[\w:.-]+)(?<attrs>(?:\s+[\w:.-]+=""[^""]*"")*)\s*(?:/>|>(?<value>.*?)</\k<el>>)\r?$", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex DataItemRegex();

    // A leaf element: empty (<el a="1"/>) or with text that has no '<' between its open and close tags.
    [GeneratedRegex(@"<(?<el>[\w:.-]+)(?:\s+[\w:.-]+=""[^""]*"")*\s*(?:/>|>(?<value>[^<]*)</\k<el>>)")]
    private static partial Regex LeafRegex();
}
