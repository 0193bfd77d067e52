namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Bad data inside a chunk. Internal: thrown while decoding one record or template and caught at the
/// record boundary, where it becomes a <see cref="Events.ReadDiagnostics"/> warning.
/// </summary>
internal sealed class EvtxFormatException(string message, int offset) : Exception(message)
{
    /// <summary>Chunk-relative offset where the problem was found.</summary>
    public int Offset { get; } = offset;
}
