using System.Text;

namespace Hopwatch.Reading;

/// <summary>What the first bytes of an input say it is.</summary>
internal enum ContentKind
{
    Unknown,
    Empty,
    Evtx,
    Gzip,
    Zip,
    Tar,
    Utf16Text,
    Json,
    Xml,
    Csv,
    Syslog,
    /// <summary>macOS resource-fork metadata (`__MACOSX/._name`) that zip tools add beside real files.</summary>
    AppleDouble,
    LinuxAudit,
}

/// <summary>
/// Recognises evidence by content — magic numbers for binary containers and EVTX, the shape of the
/// first line or element for text — never by file name.
/// </summary>
internal static class ContentSniffer
{
    public const int HeadBytes = 64 << 10;

    public static ContentKind Sniff(ReadOnlySpan<byte> head, out string why)
    {
        why = "";
        if (head.IsEmpty) { why = "empty"; return ContentKind.Empty; }
        if (head.StartsWith("ElfFile\0"u8)) return ContentKind.Evtx;
        if (head.Length >= 2 && head[0] == 0x1F && head[1] == 0x8B) return ContentKind.Gzip;
        if (head.StartsWith("PK\x03\x04"u8) || head.StartsWith("PK\x05\x06"u8)) return ContentKind.Zip;
        if (head.Length >= 262 && head.Slice(257, 5).SequenceEqual("ustar"u8)) return ContentKind.Tar;
        if (head.StartsWith((ReadOnlySpan<byte>)[0x00, 0x05, 0x16, 0x07])) return ContentKind.AppleDouble;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])
            || (head.Length >= 4 && head[1] == 0 && head[3] == 0 && head[0] is (byte)'<' or (byte)'{' or (byte)'['))
            return ContentKind.Utf16Text;
        if (TryBinaryName(head, out why)) return ContentKind.Unknown;

        var text = head;
        if (text.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) text = text[3..];
        text = text.TrimStart(" \t\r\n"u8);
        if (text.IsEmpty) { why = "only whitespace"; return ContentKind.Empty; }
        byte first = text[0];
        if (first is (byte)'{' or (byte)'[') return ContentKind.Json;
        string firstLine = FirstLine(text);
        if (first == (byte)'<')
        {
            if (text.IndexOf("<Event"u8) >= 0) return ContentKind.Xml;
            if (SyslogEventReader.LooksLikeSyslog(firstLine)) return ContentKind.Syslog;
            why = "XML or markup, but no <Event> element in the first " + HeadBytes / 1024 + " KiB";
            return ContentKind.Unknown;
        }
        if (SyslogEventReader.LooksLikeSyslog(firstLine)) return ContentKind.Syslog;
        if (LinuxAuditEventReader.LooksLikeAudit(firstLine)) return ContentKind.LinuxAudit;
        if (CsvEventReader.LooksLikeEventCsv(firstLine)) return ContentKind.Csv;
        // evtxexport starts with a banner line ("evtxexport 20181227") before its <Event> elements.
        if (text.IndexOf("<Event xmlns"u8) >= 0 || text.IndexOf("<Event>"u8) >= 0) return ContentKind.Xml;
        if (head.IndexOf((byte)0) >= 0) { why = "binary data of an unknown kind"; return ContentKind.Unknown; }
        why = "text, but its first line is not JSON, Windows event XML, syslog, auditd or an event CSV header: " + Printable(firstLine, 80);
        return ContentKind.Unknown;
    }

    /// <summary>Binary formats people put beside logs; named so the user knows why they were not read.</summary>
    private static bool TryBinaryName(ReadOnlySpan<byte> h, out string why)
    {
        why = "";
        if (h.StartsWith((ReadOnlySpan<byte>)[0xD4, 0xC3, 0xB2, 0xA1]) || h.StartsWith((ReadOnlySpan<byte>)[0xA1, 0xB2, 0xC3, 0xD4])
            || h.StartsWith((ReadOnlySpan<byte>)[0x4D, 0x3C, 0xB2, 0xA1]) || h.StartsWith((ReadOnlySpan<byte>)[0x0A, 0x0D, 0x0D, 0x0A]))
            why = "packet capture (pcap/pcapng), not event logs";
        else if (h.StartsWith("BZh"u8)) why = "bzip2 archive (not supported; decompress it first)";
        else if (h.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])) why = "xz archive (not supported; decompress it first)";
        else if (h.StartsWith((ReadOnlySpan<byte>)[0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) why = "7-zip archive (not supported; extract it first)";
        else if (h.StartsWith("Rar!"u8)) why = "RAR archive (not supported; extract it first)";
        else if (h.StartsWith("MZ"u8)) why = "Windows executable";
        else if (h.Length > 3 && h[0] == 0x7F && h[1] == 'E' && h[2] == 'L' && h[3] == 'F') why = "ELF executable";
        return why.Length > 0;
    }

    private static string FirstLine(ReadOnlySpan<byte> text)
    {
        int nl = text.IndexOf((byte)'\n');
        var line = nl < 0 ? text : text[..nl];
        if (line.Length > 4096) line = line[..4096];
        return Encoding.UTF8.GetString(line).TrimEnd('\r');
    }

    private static string Printable(string s, int max)
    {
        var sb = new StringBuilder();
        foreach (char c in s.Length > max ? s[..max] : s) sb.Append(char.IsControl(c) ? '?' : c);
        if (s.Length > max) sb.Append('…');
        return sb.ToString();
    }
}
