using Hopwatch.Events;

namespace Hopwatch.Reading;

/// <summary>How <see cref="EvidenceReader"/> reads a set of inputs.</summary>
public sealed class EvidenceReadOptions
{
    /// <summary>Force one format instead of detecting it from content.</summary>
    public SourceFormat? Format { get; init; }
    /// <summary>Worker threads over files (and EVTX chunks).</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Fill the typed normalised view of each event (false: raw fields only, e.g. `dump`).</summary>
    public bool Normalise { get; init; } = true;
    /// <summary>Called as input bytes are consumed (bytes since the last call), for progress bars.</summary>
    public Action<long>? OnBytes { get; init; }
    /// <summary>Total input bytes, known once the inputs are enumerated (for progress bars).</summary>
    public Action<long>? OnTotalBytes { get; init; }
}
