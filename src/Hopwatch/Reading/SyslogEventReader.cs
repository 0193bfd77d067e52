using System.Globalization;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading;

/// <summary>
/// Linux auth.log / secure and other syslog files: RFC 3164 lines ("Jan  2 03:04:05 host sshd[12]: ..."),
/// with the missing year inferred (see <see cref="YearInference"/>), rsyslog's ISO 8601 lines, and
/// RFC 5424 ("&lt;38&gt;1 2024-01-02T03:04:05Z host sshd 12 - - ..."). The message is kept whole; what it
/// means (sshd accepted/failed, sudo) is the normaliser's business.
/// </summary>
internal static class SyslogEventReader
{
    private static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    public static IEnumerable<LogEvent> Read(Stream stream, string file, DateTime referenceUtc, ReadDiagnostics diag, CancellationToken ct)
    {
        var names = new FieldNameCache();
        var values = new Utf8ValueCache();
        using var lines = new LineReader(stream, 1 << 16);
        YearInference? years = null;
        while (lines.TryReadLine(out var mem))
        {
            if ((lines.LineNumber & 1023) == 0) ct.ThrowIfCancellationRequested();
            if (lines.LastLineTruncated) { diag.Warn(file, $"line {lines.LineNumber}", "line too long; skipped"); continue; }
            var line = mem.Span;
            if (lines.LineNumber == 1 && line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) line = line[3..];
            if (line.Trim(" \t"u8).IsEmpty) continue;
            var e = Parse(Encoding.UTF8.GetString(line), ref years, referenceUtc, values);
            if (e is null)
            {
                diag.Warn(file, $"line {lines.LineNumber}", "not a syslog line (expected 'Mmm dd hh:mm:ss host program[pid]: message', ISO or RFC 5424)");
                continue;
            }
            e.File = file;
            e.RecordId = lines.LineNumber;
            yield return e;
        }
    }

    /// <summary>Parses one line; null when it is not syslog.</summary>
    internal static LogEvent? Parse(string line, ref YearInference? years, DateTime referenceUtc, Utf8ValueCache? values = null)
    {
        int pos = 0;
        DateTime time;
        var format = SourceFormat.AuthLog;
        string? host, program = null, pid = null;
        string message;
        if (line.Length > 0 && line[0] == '<')
        {
            int close = line.IndexOf('>');
            if (close < 2 || close > 4 || !int.TryParse(line.AsSpan(1, close - 1), out _)) return null;
            pos = close + 1;
            if (line.Length > pos + 1 && line[pos] == '1' && line[pos + 1] == ' ')
                return ParseRfc5424(line, pos + 2);
        }
        if (!TryTimestamp(line, ref pos, ref years, referenceUtc, out time)) return null;
        host = Token(line, ref pos);
        if (host is null) return null;
        // "program[pid]: message" or "program: message"; some lines have no tag at all.
        int colon = line.IndexOf(": ", pos, StringComparison.Ordinal);
        int space = line.IndexOf(' ', pos);
        if (colon > pos && (space < 0 || colon <= space))
        {
            var tag = line.AsSpan(pos, colon - pos);
            int br = tag.IndexOf('[');
            if (br > 0 && tag[^1] == ']') { program = tag[..br].ToString(); pid = tag[(br + 1)..^1].ToString(); }
            else program = tag.ToString();
            message = line[(colon + 2)..];
        }
        else message = line[pos..];
        return Build(format, time, host, program, pid, message);
    }

    private static LogEvent? ParseRfc5424(string line, int pos)
    {
        string? ts = Token(line, ref pos), host = Token(line, ref pos), app = Token(line, ref pos), procId = Token(line, ref pos), msgId = Token(line, ref pos);
        if (ts is null || host is null || app is null || procId is null || msgId is null) return null;
        if (!DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto)) return null;
        // Structured data: "-" or one or more [id k="v"] blocks.
        if (pos < line.Length && line[pos] == '-') pos = Math.Min(line.Length, pos + 2);
        else
        {
            while (pos < line.Length && line[pos] == '[')
            {
                bool inQuote = false;
                int i = pos + 1;
                for (; i < line.Length; i++)
                {
                    if (line[i] == '\\') { i++; continue; }
                    if (line[i] == '"') inQuote = !inQuote;
                    else if (line[i] == ']' && !inQuote) break;
                }
                pos = Math.Min(line.Length, i + 1);
            }
            if (pos < line.Length && line[pos] == ' ') pos++;
        }
        string message = line[pos..];
        if (message.StartsWith('\uFEFF')) message = message[1..];
        return Build(SourceFormat.Syslog, dto.UtcDateTime, host == "-" ? "" : host, app == "-" ? null : app, procId == "-" ? null : procId, message);
    }

    private static LogEvent Build(SourceFormat format, DateTime time, string host, string? program, string? pid, string message)
    {
        var f = new EventFields(8);
        f.Add(FieldMap.Computer, host);
        if (program is not null) f.Add(FieldMap.SyslogProgram, program);
        if (pid is not null) f.Add(FieldMap.SyslogPid, pid);
        f.Add(FieldMap.Message, message);
        return new LogEvent
        {
            Format = format,
            Time = DateTime.SpecifyKind(time, DateTimeKind.Utc),
            Computer = host,
            Provider = program ?? "",
            Channel = "auth",
            Fields = f,
        };
    }

    private static bool TryTimestamp(string line, ref int pos, ref YearInference? years, DateTime referenceUtc, out DateTime time)
    {
        time = default;
        var rest = line.AsSpan(pos);
        // RFC 3164: "Mmm dd hh:mm:ss" (day space-padded), 15 chars.
        if (rest.Length >= 16 && rest[3] == ' ' && rest[6] == ' ' && rest[9] == ':' && rest[12] == ':')
        {
            int month = Array.IndexOf(Months, rest[..3].ToString()) + 1;
            if (month == 0) return false;
            if (!int.TryParse(rest.Slice(4, 2).Trim(), out int day) || !int.TryParse(rest.Slice(7, 2), out int h)
                || !int.TryParse(rest.Slice(10, 2), out int m) || !int.TryParse(rest.Slice(13, 2), out int s)) return false;
            years ??= new YearInference(referenceUtc, month);
            int year = years.YearFor(month);
            // Unsigned compares: int.TryParse takes a sign ("-1"), which must not reach the DateTime constructor.
            if (day < 1 || day > DateTime.DaysInMonth(year, month) || (uint)h > 23 || (uint)m > 59 || (uint)s > 59) return false;
            time = new DateTime(year, month, day, h, m, s, DateTimeKind.Utc);
            pos += 15;
            // Some daemons add fractional seconds: "Jan  2 03:04:05.123".
            if (pos < line.Length && line[pos] == '.') while (pos < line.Length && line[pos] != ' ') pos++;
            if (pos >= line.Length || line[pos] != ' ') return false;
            pos++;
            return true;
        }
        // ISO 8601 (rsyslog high precision): "2024-01-02T03:04:05.123456+01:00 " or with a space instead of T.
        if (rest.Length >= 20 && rest[4] == '-' && rest[7] == '-' && (rest[10] == 'T' || rest[10] == ' '))
        {
            int end = rest[10] == ' ' ? rest[11..].IndexOf(' ') + 11 : rest.IndexOf(' ');
            if (end <= 10) return false;
            if (!DateTimeOffset.TryParse(rest[..end], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var dto)) return false;
            time = dto.UtcDateTime;
            pos += end + 1;
            return true;
        }
        return false;
    }

    private static string? Token(string line, ref int pos)
    {
        while (pos < line.Length && line[pos] == ' ') pos++;
        if (pos >= line.Length) return null;
        int end = line.IndexOf(' ', pos);
        if (end < 0) end = line.Length;
        var t = line[pos..end];
        pos = Math.Min(line.Length, end + 1);
        return t;
    }

    /// <summary>Can the first line be read as syslog? (Sniffing.)</summary>
    internal static bool LooksLikeSyslog(string firstLine)
    {
        YearInference? y = null;
        return Parse(firstLine, ref y, DateTime.UtcNow) is { } e && e.Computer.Length > 0;
    }
}

/// <summary>
/// RFC 3164 timestamps have no year. The file ends near its reference time (its modification time,
/// or the one given), so the first line's year is the reference year, or the year before when its
/// month is later than the reference month; after that, the month going back by six or more
/// (Dec → Jan) means a new year.
/// </summary>
internal sealed class YearInference
{
    private int _year;
    private int _lastMonth;

    public YearInference(DateTime referenceUtc, int firstMonth)
    {
        _year = firstMonth > referenceUtc.Month ? referenceUtc.Year - 1 : referenceUtc.Year;
        _lastMonth = firstMonth;
    }

    public int YearFor(int month)
    {
        if (month < _lastMonth && _lastMonth - month >= 6) _year++;
        else if (month > _lastMonth && month - _lastMonth >= 6) _year--; // a line from before the turn, out of order
        _lastMonth = month;
        return _year;
    }
}
