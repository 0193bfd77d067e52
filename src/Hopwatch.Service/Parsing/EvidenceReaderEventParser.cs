using Hopwatch.Events;
using Hopwatch.Reading.Json;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Parsing;

/// <summary>
/// Parses spooled JSON lines with the read stage's JSON reader (<see cref="JsonLineParser"/>), so
/// the service reads every JSON layout the readers do, and text lines as syslog. Events are
/// renumbered by their spool sequence (File = the ingest source, RecordId = sequence) so alert ids
/// stay stable across restarts.
/// </summary>
public sealed class EvidenceReaderEventParser : IEventParser
{
    private readonly FlatJsonEventParser _text = new();
    // One per parser (the processor keeps one per thread): its field-name and value caches stay warm.
    private readonly JsonLineParser _json = new();

    public string Name => "evidence-reader";

    public void Parse(SpoolRecord record, ReadDiagnostics diag, List<LogEvent> into)
    {
        // Syslog framing (RFC 5424/3164 headers) is the service's business; JSON goes to the readers.
        if (record.Format == SpoolPayloadFormat.TextLines)
        {
            _text.Parse(record, diag, into);
            return;
        }
        // Ingest stored one validated JSON object per line, so this is the read stage's JSON-lines
        // path, called per line: no stream, no format sniffing, no reader set-up per record.
        _json.ResetLayout();
        var span = record.Lines.Span;
        long seq = record.FirstSeq;
        int produced = 0;
        while (!span.IsEmpty)
        {
            int nl = span.IndexOf((byte)'\n');
            var line = (nl < 0 ? span : span[..nl]).Trim(" \t\r"u8);
            span = nl < 0 ? default : span[(nl + 1)..];
            if (!line.IsEmpty) Add(line, seq, record, diag, into, ref produced);
            seq++;
        }
        diag.RecordsRead(produced);
    }

    private void Add(ReadOnlySpan<byte> line, long seq, SpoolRecord record, ReadDiagnostics diag, List<LogEvent> into, ref int produced)
    {
        LogEvent? e;
        try
        {
            e = _json.Parse(line, record.Source, seq, diag);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A reader bug on one hostile line must cost that line only, not the batch or the service.
            diag.Warn(record.Source, "event " + seq, "unreadable event: " + ex.Message);
            return;
        }
        if (e is null) return;
        // Events are numbered by their spool sequence (File = the ingest source) so alert ids stay stable across restarts.
        e.File = record.Source;
        e.RecordId = seq;
        if (e.Time == default) e.Time = DateTimeOffset.FromUnixTimeMilliseconds(record.AcceptedUnixMs).UtcDateTime;
        into.Add(e);
        produced++;
    }

    /// <summary>
    /// Makes the read stage's stream reader when it can read a JSON line (probed once), else the
    /// service's own fallback reader.
    /// </summary>
    public static Func<IEventParser> BestFactory()
    {
        try
        {
            var probe = "{\"EventID\":4624,\"Channel\":\"Security\",\"Hostname\":\"probe\",\"@timestamp\":\"2024-01-01T00:00:00Z\"}"u8.ToArray();
            var rec = new SpoolRecord { FirstSeq = 1, Count = 1, Format = SpoolPayloadFormat.JsonLines, Source = "probe", Lines = probe };
            var list = new List<LogEvent>();
            new EvidenceReaderEventParser().Parse(rec, new ReadDiagnostics(), list);
            if (list.Count == 1 && list[0].EventId == 4624) return () => new EvidenceReaderEventParser();
        }
        catch (Exception e) when (e is NotSupportedException or NotImplementedException or InvalidDataException) { }
        return () => new FlatJsonEventParser();
    }
}
