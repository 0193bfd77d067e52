using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Parsing;

/// <summary>
/// Parses spooled lines with the read stage (<see cref="EvidenceReader.ReadStream"/>), so the
/// service reads every format the readers do. Events are renumbered by their spool sequence
/// (File = the ingest source, RecordId = sequence) so alert ids stay stable across restarts.
/// </summary>
public sealed class EvidenceReaderEventParser : IEventParser
{
    private static readonly EvidenceReadOptions Options = new() { Threads = 1, Normalise = true };

    private readonly FlatJsonEventParser _text = new();

    public string Name => "evidence-reader";

    public void Parse(SpoolRecord record, ReadDiagnostics diag, List<LogEvent> into)
    {
        // Syslog framing (RFC 5424/3164 headers) is the service's business; JSON goes to the readers.
        if (record.Format == SpoolPayloadFormat.TextLines)
        {
            _text.Parse(record, diag, into);
            return;
        }
        // Read the lines where they are (no copy) when they sit in an array, as spooled lines do.
        using var stream = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(record.Lines, out var seg)
            ? new MemoryStream(seg.Array!, seg.Offset, seg.Count, writable: false)
            : new MemoryStream(record.Lines.ToArray(), writable: false);
        long seq = record.FirstSeq;
        foreach (var e in EvidenceReader.ReadStream(stream, record.Source, Options, diag))
        {
            e.File = record.Source;
            e.RecordId = seq++;
            if (e.Time == default) e.Time = DateTimeOffset.FromUnixTimeMilliseconds(record.AcceptedUnixMs).UtcDateTime;
            into.Add(e);
        }
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
