using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading.Json;

/// <summary>
/// JSON evidence of every layout RecordShape knows: JSON lines (one object per line, the common
/// export), or a document of pretty-printed / concatenated objects or a top-level array. The layout
/// is decided per file from the first record (re-decided when a record does not fit it).
/// </summary>
internal static class JsonEventReader
{
    /// <param name="leading">First bytes of the stream, used to choose lines vs document mode.</param>
    public static IEnumerable<LogEvent> Read(Stream stream, ReadOnlySpan<byte> leading, string file, SourceFormat? forced,
        ReadDiagnostics diag, CancellationToken ct)
        => IsJsonLines(leading) ? ReadLines(stream, file, forced, diag, ct) : ReadDocument(stream, file, forced, diag, ct);

    /// <summary>JSON lines when the first line is a whole object on its own (starts with '{', ends with '}').</summary>
    internal static bool IsJsonLines(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) head = head[3..];
        head = head.TrimStart(" \t\r\n"u8);
        if (head.IsEmpty || head[0] != (byte)'{') return false;
        int nl = head.IndexOf((byte)'\n');
        var first = (nl < 0 ? head : head[..nl]).TrimEnd(" \t\r"u8);
        if (first.Length < 2 || first[^1] != (byte)'}') return false;
        var reader = new Utf8JsonReader(first, new JsonReaderOptions { AllowTrailingCommas = true });
        try { return reader.Read() && reader.TrySkip() && reader.BytesConsumed == first.Length; }
        catch (JsonException) { return false; }
    }

    private static IEnumerable<LogEvent> ReadLines(Stream stream, string file, SourceFormat? forced, ReadDiagnostics diag, CancellationToken ct)
    {
        var names = new FieldNameCache();
        var flattener = new JsonFlattener(names, new Utf8ValueCache());
        var mapper = new RecordMapper(names);
        SourceFormat? shape = forced;
        var scratch = new EventFields(128);
        var layouts = new LayoutNames();
        using var lines = new LineReader(stream);
        long count = 0;
        while (lines.TryReadLine(out var line))
        {
            if ((++count & 1023) == 0) ct.ThrowIfCancellationRequested();
            if (lines.LastLineTruncated)
            {
                diag.Warn(file, $"line {lines.LineNumber}", $"line longer than {LineReader.MaxLineBytes} bytes; skipped");
                continue;
            }
            var span = line.Span.Trim(" \t"u8);
            if (span.IsEmpty) continue;
            if (lines.LineNumber == 1 && span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
            var e = One(span, lines.LineNumber, file, ref shape, forced, flattener, mapper, diag, scratch: scratch, layouts: layouts);
            if (e is not null) yield return e;
        }
    }

    private static IEnumerable<LogEvent> ReadDocument(Stream stream, string file, SourceFormat? forced, ReadDiagnostics diag, CancellationToken ct)
    {
        var names = new FieldNameCache();
        var flattener = new JsonFlattener(names, new Utf8ValueCache());
        var mapper = new RecordMapper(names);
        SourceFormat? shape = forced;
        var scratch = new EventFields(128);
        var layouts = new LayoutNames();
        using var splitter = new JsonValueSplitter(stream);
        long index = 0;
        while (splitter.TryNext(out var value, out var problem))
        {
            ct.ThrowIfCancellationRequested();
            if (problem is not null)
            {
                diag.Warn(file, $"line {splitter.ValueLine}", problem);
                continue;
            }
            index++;
            var e = One(value.Span, splitter.ValueLine, file, ref shape, forced, flattener, mapper, diag, recordIndex: index, scratch: scratch, layouts: layouts);
            if (e is not null) yield return e;
        }
    }

    internal static LogEvent? One(ReadOnlySpan<byte> json, long line, string file, ref SourceFormat? shape, SourceFormat? forced,
        JsonFlattener flattener, RecordMapper mapper, ReadDiagnostics diag, long recordIndex = 0, EventFields? scratch = null,
        LayoutNames? layouts = null)
    {
        // With a scratch record the fields are gathered there and the event gets an exact-size copy
        // (a 64-slot record per event, doubled for the ~70 fields of an NXLog logon, was most of the garbage).
        var fields = scratch ?? new EventFields(64);
        scratch?.Clear();
        try
        {
            flattener.Flatten(json, fields);
        }
        catch (Exception ex) when (ex is JsonException or JsonEventFormatException or InvalidOperationException)
        {
            diag.Warn(file, $"line {line}", "malformed JSON: " + FirstLine(ex.Message));
            return null;
        }
        if (shape is null || (forced is null && !StillFits(fields, shape.Value)))
        {
            shape = RecordShape.Classify(fields, out var why);
            if (shape is null)
            {
                diag.Warn(file, $"line {line}", "JSON object is not a known event layout: " + why);
                return null;
            }
        }
        // Regression renderings are documents of whole records: their record id is the EventRecordID.
        var e = mapper.Map(fields, shape.Value, file, recordIndex > 0 && shape != SourceFormat.JsonRegression ? recordIndex : line, out var problem);
        if (e is null) diag.Warn(file, $"line {line}", problem!);
        else if (ReferenceEquals(e.Fields, scratch)) e.Fields = layouts is null ? scratch.Copy() : layouts.Copy(scratch);
        return e;
    }

    /// <summary>Cheap check that a record still has the marker of the layout chosen earlier.</summary>
    private static bool StillFits(EventFields f, SourceFormat shape) => shape switch
    {
        SourceFormat.JsonRegression => f.Count > 0 && f.NameAt(0).StartsWith("Event.", StringComparison.Ordinal),
        SourceFormat.JsonEcs => f.Contains("winlog.event_id") || f.Contains("event.code"),
        SourceFormat.JsonDefender => f.Contains("ActionType"),
        SourceFormat.JsonSentinel => f.Contains("TimeGenerated"),
        SourceFormat.Journald => f.Contains("MESSAGE") || f.Contains("__REALTIME_TIMESTAMP"),
        _ => f.Contains("EventID") || f.Contains("EventId") || f.Contains("event_id"),
    };

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s[..nl];
    }
}
