using System.Buffers;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Reporting;

/// <summary>
/// The raw JSON-lines dump of evidence files (`hopwatch dump --format jsonl`): every input file in
/// <see cref="EvidenceReader.ListFiles"/> order (walked as it goes, <see cref="EvidenceFileWalk"/>), its records
/// as <see cref="RawEventJsonWriter"/> lines.
/// EVTX files on disk take the fast path (<see cref="EvtxEventReader.WriteJsonLines"/>: no events are
/// built); everything else is read by <see cref="EvidenceReader"/>. Both give the same bytes.
/// </summary>
public static class RawJsonDump
{
    /// <summary>Dumps all inputs to <paramref name="output"/>; several files go to <paramref name="threads"/> workers, in file order.</summary>
    public static void Write(IEnumerable<string> paths, EvidenceReadOptions options, ReadDiagnostics diag, Stream output)
    {
        if (options.Normalise) throw new ArgumentException("the raw dump writes raw fields only", nameof(options));
        var perFile = new EvidenceReadOptions { Threads = 1, Format = options.Format, Normalise = false };
        if (options.Threads > 1)
        {
            // Files are handed to the workers while the folders are still being walked; a single file
            // instead has its chunks decoded in parallel and its events formatted in batches.
            using var listing = EvidenceFileWalk.Enumerate(paths, diag).GetEnumerator();
            var first = new List<string>(2);
            while (first.Count < 2 && listing.MoveNext()) first.Add(listing.Current);
            if (first.Count > 1)
            {
                ParallelRawJsonDump.Write(Concat(first, listing), (f, w) => WriteFile(f, perFile, diag, w), output, options.Threads);
                return;
            }
            using var one = new RawEventJsonWriter(output);
            foreach (var f in first) WriteFile(f, perFile, diag, one, options.Threads);
            return;
        }
        using var writer = new RawEventJsonWriter(output);
        foreach (var f in EvidenceFileWalk.Enumerate(paths, diag)) WriteFile(f, perFile, diag, writer);
    }

    private static IEnumerable<string> Concat(List<string> first, IEnumerator<string> rest)
    {
        foreach (var f in first) yield return f;
        while (rest.MoveNext()) yield return rest.Current;
    }

    /// <summary>
    /// Dumps one file to <paramref name="writer"/>: read on this thread, an EVTX file's chunks decoded on
    /// <paramref name="chunkThreads"/> threads (other formats then go through the event reader's parallel path).
    /// </summary>
    public static void WriteFile(string path, EvidenceReadOptions options, ReadDiagnostics diag, RawEventJsonWriter writer, int chunkThreads = 1)
    {
        if (!options.Normalise && options.Format is null or SourceFormat.Evtx)
        {
            var head = ArrayPool<byte>.Shared.Rent(EvtxFileHeader.Size);
            try
            {
                var evtx = OpenIfEvtx(path, head, diag);
                if (evtx is not null)
                {
                    using (evtx)
                    {
                        try
                        {
                            if (chunkThreads > 1) EvtxEventReader.WriteJsonLinesParallel(evtx, path, diag, writer, chunkThreads);
                            else EvtxEventReader.WriteJsonLines(evtx, path, diag, writer);
                        }
                        catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException or UnauthorizedAccessException or FormatException or DecoderFallbackException)
                        {
                            diag.Warn(path, "read", "stopped reading: " + ex.Message); // as EvidenceReader reports it
                        }
                    }
                    return;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(head);
            }
        }
        if (chunkThreads > 1)
        {
            // Not EVTX on disk: the general reader (parallel where it can be), events formatted in batches.
            writer.Flush();
            RawEventJsonWriter.WriteAll(EvidenceReader.Read([path], new EvidenceReadOptions { Threads = chunkThreads, Format = options.Format, Normalise = false }, diag),
                writer.Output, chunkThreads);
            return;
        }
        foreach (var e in EvidenceReader.Read([path], options, diag)) writer.Write(e);
    }

    /// <summary>
    /// The file's EVTX chunk source when it begins like an EVTX file, else null (the general reader takes it,
    /// and reports errors). Its header block is read once, into <paramref name="head"/>, and handed to the
    /// EVTX reader. A file handle, not a FileStream: the reader reads at offsets (only the used part of each
    /// chunk, <see cref="EvtxChunkSource"/>), and a stream object per file is start-up work for nothing.
    /// </summary>
    private static EvtxChunkSource? OpenIfEvtx(string path, byte[] head, ReadDiagnostics diag)
    {
        Microsoft.Win32.SafeHandles.SafeFileHandle? handle = null;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
            int got = 0;
            while (got < EvtxFileHeader.Size)
            {
                int n = RandomAccess.Read(handle, head.AsSpan(got, EvtxFileHeader.Size - got), got);
                if (n <= 0) break;
                got += n;
            }
            if (head.AsSpan(0, got).StartsWith("ElfFile\0"u8)) return EvtxChunkSource.FromFile(handle, path, diag, head, got);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
        }
        handle?.Dispose();
        return null;
    }
}
