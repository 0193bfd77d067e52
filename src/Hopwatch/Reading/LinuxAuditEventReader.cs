using System.Globalization;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading;

/// <summary>
/// Linux auditd logs (`type=SYSCALL msg=audit(1604994496.155:92733): arch=c000003e ... exe="/usr/sbin/arp"`):
/// one event per line, its key=value pairs as fields (quotes removed, `type` and the audit serial
/// kept). EXECVE lines get their argv joined as `CommandLine`; hex-encoded values stay as written.
/// </summary>
internal static class LinuxAuditEventReader
{
    public static IEnumerable<LogEvent> Read(Stream stream, string file, ReadDiagnostics diag, CancellationToken ct)
    {
        var names = new FieldNameCache();
        using var lines = new LineReader(stream, 1 << 16);
        while (lines.TryReadLine(out var mem))
        {
            if ((lines.LineNumber & 1023) == 0) ct.ThrowIfCancellationRequested();
            if (lines.LastLineTruncated) { diag.Warn(file, $"line {lines.LineNumber}", "line too long; skipped"); continue; }
            var text = Encoding.UTF8.GetString(mem.Span).Trim();
            if (text.Length == 0) continue;
            var e = Parse(text, names);
            if (e is null) { diag.Warn(file, $"line {lines.LineNumber}", "not an audit record (expected 'type=... msg=audit(epoch:serial): ...')"); continue; }
            e.File = file;
            e.RecordId = lines.LineNumber;
            yield return e;
        }
    }

    internal static bool LooksLikeAudit(string firstLine)
        => (firstLine.StartsWith("type=", StringComparison.Ordinal) || firstLine.StartsWith("node=", StringComparison.Ordinal))
           && firstLine.Contains(" msg=audit(", StringComparison.Ordinal);

    private static LogEvent? Parse(string line, FieldNameCache names)
    {
        int msg = line.IndexOf("msg=audit(", StringComparison.Ordinal);
        if (msg < 0) return null;
        int close = line.IndexOf("):", msg, StringComparison.Ordinal);
        if (close < 0) return null;
        var stamp = line.AsSpan(msg + 10, close - msg - 10);
        int colon = stamp.IndexOf(':');
        if (colon < 0 || !decimal.TryParse(stamp[..colon], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)) return null;
        var f = new EventFields(24);
        foreach (var (k, v) in Pairs(line.AsSpan(0, msg))) f.Add(names.Get(k), v);
        f.Add(names.Get("AuditSerial"), stamp[(colon + 1)..].ToString());
        foreach (var (k, v) in Pairs(line.AsSpan(close + 2))) f.Add(names.Get(k), v);
        string type = f.Get("type") ?? "";
        if (type == "EXECVE" && int.TryParse(f.Get("argc"), out int argc) && argc > 0)
        {
            var args = new List<string>();
            for (int i = 0; i < argc && i < 256; i++) if (f.Get("a" + i) is { } a) args.Add(a);
            f.Add(FieldMap.CommandLine, string.Join(' ', args));
        }
        if (f.Get("exe") is { } exe) f.Add(FieldMap.Image, exe);
        string host = f.Get("node") ?? "";
        if (host.Length > 0) f.Add(FieldMap.Computer, host);
        long ticks = (long)(seconds * TimeSpan.TicksPerSecond);
        if (ticks <= 0 || ticks > DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) return null;
        return new LogEvent
        {
            Format = SourceFormat.LinuxAudit,
            Time = new DateTime(DateTime.UnixEpoch.Ticks + ticks, DateTimeKind.Utc),
            Channel = "audit",
            Provider = "auditd",
            Computer = host,
            Fields = f,
        };
    }

    /// <summary>key=value pairs; values may be "double-quoted" (no escapes in auditd's format).</summary>
    private static List<(string Key, string Value)> Pairs(ReadOnlySpan<char> s)
    {
        var list = new List<(string, string)>();
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && s[i] == ' ') i++;
            int eq = s[i..].IndexOf('=');
            if (eq <= 0) break;
            var key = s.Slice(i, eq).Trim().ToString();
            i += eq + 1;
            string value;
            if (i < s.Length && s[i] == '"')
            {
                int end = s[(i + 1)..].IndexOf('"');
                if (end < 0) { value = s[(i + 1)..].ToString(); i = s.Length; }
                else { value = s.Slice(i + 1, end).ToString(); i += end + 2; }
            }
            else
            {
                int end = s[i..].IndexOf(' ');
                if (end < 0) end = s.Length - i;
                value = s.Slice(i, end).ToString();
                i += end;
            }
            if (key.Length > 0 && !key.Contains(' ')) list.Add((key, value));
        }
        return list;
    }
}
