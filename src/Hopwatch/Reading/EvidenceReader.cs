using Hopwatch.Events;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Reading;

/// <summary>
/// Entry point of the read stage: files, folders (recursive), .gz and .zip, every format detected by
/// content. CONTRACT PLACEHOLDER — the readers issue replaces this body (today: EVTX files only).
/// </summary>
public static class EvidenceReader
{
    /// <summary>Reads all inputs; events of one file come in file order, files may interleave when Threads &gt; 1.</summary>
    public static IEnumerable<LogEvent> Read(IEnumerable<string> paths, EvidenceReadOptions options, ReadDiagnostics diag, CancellationToken ct = default)
    {
        foreach (var p in paths)
        {
            var files = Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : new[] { p }.AsEnumerable();
            foreach (var f in files)
            {
                if (!f.EndsWith(".evtx", StringComparison.OrdinalIgnoreCase)) { diag.Unrecognised(f, "only .evtx is read so far"); continue; }
                foreach (var e in EvtxEventReader.ReadFile(f, diag, options.Threads, ct))
                {
                    if (options.Normalise) Normaliser.Normalise(e);
                    yield return e;
                }
            }
        }
    }

    /// <summary>Reads one stream of any supported format (detected from content unless forced), e.g. an HTTP body.</summary>
    public static IEnumerable<LogEvent> ReadStream(Stream stream, string displayName, EvidenceReadOptions options, ReadDiagnostics diag, CancellationToken ct = default)
        => throw new NotSupportedException("format detection not built yet");
}
