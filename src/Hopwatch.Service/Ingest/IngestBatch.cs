using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Ingest;

/// <summary>A posted body turned into spool-ready lines, or the reason it was refused.</summary>
public sealed class IngestBatch
{
    public SpoolPayloadFormat Format { get; init; }
    /// <summary>The events' lines joined by '\n' (no trailing newline).</summary>
    public ReadOnlyMemory<byte> Lines { get; init; }
    public int Count { get; init; }

    /// <summary>Set when the batch is refused: the first bad line (1-based) and what is wrong with it.</summary>
    public int ErrorLine { get; init; }
    public string? Error { get; init; }
    public bool Ok => Error is null;

    /// <summary>The pooled buffer behind <see cref="Lines"/>; give it back with <see cref="ReturnBuffer"/> once spooled.</summary>
    public byte[]? Pooled { get; init; }

    public void ReturnBuffer()
    {
        if (Pooled is not null) System.Buffers.ArrayPool<byte>.Shared.Return(Pooled);
    }

    public static IngestBatch Fail(int line, string message) => new() { ErrorLine = line, Error = message };
}
