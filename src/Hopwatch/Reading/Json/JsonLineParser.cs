using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading.Json;

/// <summary>
/// Reads JSON-lines events one line at a time, for callers that hold lines rather than a stream
/// (`hopwatch serve` parses spooled batches this way). Gives the event the stream reader gives for
/// the same line, normalised; its name and value caches live as long as the parser, so a long-lived
/// parser pays for each distinct field name once. Not thread-safe: one per thread.
/// </summary>
public sealed class JsonLineParser
{
    private readonly JsonFlattener _flattener;
    private readonly RecordMapper _mapper;
    private readonly EventFields _scratch = new(128);
    private readonly LayoutNames _layouts = new();
    private SourceFormat? _shape;

    public JsonLineParser()
    {
        var names = new FieldNameCache();
        _flattener = new JsonFlattener(names, new Utf8ValueCache());
        _mapper = new RecordMapper(names);
    }

    /// <summary>Forgets the record layout chosen so far (call it where a new file or batch starts).</summary>
    public void ResetLayout() => _shape = null;

    /// <summary>
    /// The normalised event of one JSON object, or null after a warning in <paramref name="diag"/>
    /// (malformed JSON, unknown layout, no time or EventID). <paramref name="line"/> numbers the
    /// warning and is the event's record id unless the record carries its own.
    /// </summary>
    public LogEvent? Parse(ReadOnlySpan<byte> json, string file, long line, ReadDiagnostics diag)
    {
        var e = JsonEventReader.One(json, line, file, ref _shape, null, _flattener, _mapper, diag, scratch: _scratch, layouts: _layouts);
        if (e is not null) Normaliser.Normalise(e);
        return e;
    }
}
