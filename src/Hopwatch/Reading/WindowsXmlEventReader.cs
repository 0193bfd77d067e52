using System.Buffers;
using System.Text;
using System.Xml;
using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading;

/// <summary>
/// Windows event XML as wevtutil, Get-WinEvent's ToXml() or evtxexport write it: &lt;Event&gt; elements,
/// optionally inside &lt;Events&gt;, possibly with text between them. Each &lt;Event&gt;…&lt;/Event&gt; is cut
/// out of the byte stream and parsed on its own, so one malformed event costs one warning (with
/// its line) and the rest of the file still reads.
/// </summary>
internal static class WindowsXmlEventReader
{
    private const int MaxEventBytes = 16 << 20;
    private static readonly byte[] EndTag = "</Event>"u8.ToArray();

    public static IEnumerable<LogEvent> Read(Stream stream, string file, ReadDiagnostics diag, CancellationToken ct)
    {
        var names = new FieldNameCache();
        byte[] buf = ArrayPool<byte>.Shared.Rent(1 << 20);
        int start = 0, end = 0;
        bool eof = false;
        long line = 1; // line of buf[start]
        long index = 0;
        try
        {
            while (true)
            {
                ct.ThrowIfCancellationRequested();
                int open = FindEventStart(buf.AsSpan(start, end - start));
                if (open < 0)
                {
                    if (eof) yield break;
                    // Keep a tail that might hold a split "<Event"; count the lines of what we drop.
                    int keep = Math.Min(end - start, 7);
                    line += CountLines(buf.AsSpan(start, end - start - keep));
                    start = end - keep;
                    (start, end, eof, buf) = Fill(stream, buf, start, end);
                    continue;
                }
                line += CountLines(buf.AsSpan(start, open));
                start += open;
                int close = buf.AsSpan(start, end - start).IndexOf(EndTag);
                while (close < 0 && !eof && end - start <= MaxEventBytes)
                {
                    (start, end, eof, buf) = Fill(stream, buf, start, end);
                    close = buf.AsSpan(start, end - start).IndexOf(EndTag);
                }
                if (close < 0)
                {
                    diag.Warn(file, $"line {line}", eof ? "<Event> not closed before end of input" : $"<Event> larger than {MaxEventBytes} bytes; skipped");
                    line += CountLines(buf.AsSpan(start, end - start));
                    start = end;
                    if (eof) yield break;
                    continue;
                }
                int len = close + EndTag.Length;
                long eventLine = line;
                string xml = Encoding.UTF8.GetString(buf, start, len);
                line += CountLines(buf.AsSpan(start, len));
                start += len;
                index++;
                EventFields? fields = null;
                try
                {
                    fields = WindowsXml.ParseEvent(new StringReader(xml), names);
                }
                catch (XmlException ex)
                {
                    diag.Warn(file, $"line {eventLine + Math.Max(0, ex.LineNumber - 1)}", "malformed event XML: " + ex.Message);
                }
                if (fields is null) continue;
                var e = ToEvent(fields, file, index, out var problem);
                if (e is null) { diag.Warn(file, $"line {eventLine}", problem!); continue; }
                yield return e;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    internal static LogEvent? ToEvent(EventFields f, string file, long index, out string? problem)
    {
        problem = null;
        var e = new LogEvent { File = file, Format = SourceFormat.WindowsXml, Fields = f, RecordId = index };
        e.Computer = f.Get(FieldMap.Computer) ?? "";
        e.Channel = f.Get(FieldMap.Channel) ?? "";
        e.Provider = f.Get(FieldMap.Provider_Name) ?? "";
        if (!RecordMapper.TryInt(f.Get(FieldMap.EventID), out int id)) { problem = "event has no EventID"; return null; }
        e.EventId = id;
        if (RecordMapper.TryLong(f.Get(FieldMap.EventRecordID), out long rec)) e.RecordId = rec;
        if (!TimeParser.TryParseUtc(f.Get(FieldMap.TimeCreated), out var t)) { problem = "event has no TimeCreated SystemTime"; return null; }
        e.Time = t;
        return e;
    }

    /// <summary>Offset of the next "&lt;Event" that opens an Event element (not &lt;Events&gt; or &lt;EventData&gt;).</summary>
    private static int FindEventStart(ReadOnlySpan<byte> s)
    {
        int from = 0;
        while (true)
        {
            int i = s[from..].IndexOf("<Event"u8);
            if (i < 0) return -1;
            i += from;
            if (i + 6 >= s.Length) return -1; // need the next byte to decide
            byte next = s[i + 6];
            if (next is (byte)' ' or (byte)'>' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'/') return i;
            from = i + 6;
        }
    }

    private static long CountLines(ReadOnlySpan<byte> s) => s.Count((byte)'\n');

    private static (int Start, int End, bool Eof, byte[] Buf) Fill(Stream stream, byte[] buf, int start, int end)
    {
        int keep = end - start;
        if (start > 0) Buffer.BlockCopy(buf, start, buf, 0, keep);
        if (keep == buf.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2);
            Buffer.BlockCopy(buf, 0, bigger, 0, keep);
            ArrayPool<byte>.Shared.Return(buf);
            buf = bigger;
        }
        int n = stream.Read(buf, keep, buf.Length - keep);
        return (0, keep + n, n == 0, buf);
    }
}
