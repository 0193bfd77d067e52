using Hopwatch.Events;

namespace Hopwatch.Reading;

/// <summary>How <see cref="EvidenceReader"/> reads a set of inputs.</summary>
public sealed class EvidenceReadOptions
{
    /// <summary>Force one format instead of detecting it from content.</summary>
    public SourceFormat? Format { get; init; }
    /// <summary>Worker threads over files (and EVTX chunks).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>With Threads &gt; 1: hand events out in file order, as one thread would (default: files interleave as read).</summary>
    public bool KeepFileOrder { get; init; }
    /// <summary>Fill the typed normalised view of each event (false: raw fields only, e.g. `dump`).</summary>
    public bool Normalise { get; init; } = true;
    /// <summary>
    /// The events wanted (null: all). Readers drop the others as early as they can — EVTX records before their
    /// EventData is read — and count them in <see cref="ReadDiagnostics.SkippedRecordCount"/>.
    /// </summary>
    public EventInterest? Interest { get; init; }
    /// <summary>Called as input bytes are consumed (bytes since the last call), for progress bars.</summary>
    public Action<long>? OnBytes { get; init; }
    /// <summary>Total input bytes, known once the inputs are enumerated (for progress bars).</summary>
    public Action<long>? OnTotalBytes { get; init; }

    /// <summary>Zip-bomb bound: most bytes all archives and .gz inside one input may expand to.</summary>
    public long MaxExpandedBytes { get; init; } = 64L << 30;
    /// <summary>Zip-bomb bound: most output bytes per compressed byte one member may produce (after the first 4 MiB).</summary>
    public double MaxCompressionRatio { get; init; } = 500;
    /// <summary>How deep archives may nest (zip in zip in gz ...).</summary>
    public int MaxArchiveDepth { get; init; } = 8;
    /// <summary>Largest nested zip held in memory to read its directory (zip needs random access).</summary>
    public long MaxNestedZipBytes { get; init; } = 2L << 30;
    /// <summary>
    /// "Now" for year-less syslog timestamps (RFC 3164): the log is taken to end at or before it.
    /// Null: the file's (or archive member's) modification time.
    /// </summary>
    public DateTime? SyslogReferenceTime { get; init; }
}
