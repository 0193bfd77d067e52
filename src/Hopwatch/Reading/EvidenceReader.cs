using System.Buffers;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading.Containers;
using Hopwatch.Reading.Evtx;
using Hopwatch.Reading.Json;

namespace Hopwatch.Reading;

/// <summary>
/// Entry point of the read stage: files, folders (recursive), .gz, .zip (nested) and .tar, every
/// format recognised by content (<see cref="ContentSniffer"/>), or forced by
/// <see cref="EvidenceReadOptions.Format"/>. Archives are streamed, never unpacked to disk, within
/// the zip-bomb bounds of the options. Bad input becomes counted warnings; reading goes on.
/// </summary>
public static class EvidenceReader
{
    /// <summary>
    /// The files the inputs name: folders walked recursively (symlinks not followed, unreadable
    /// entries skipped) in ordinal order, files as given; a missing input is a warning when
    /// <paramref name="diag"/> is given.
    /// </summary>
    public static List<string> ListFiles(IEnumerable<string> paths, ReadDiagnostics? diag = null)
    {
        var files = new List<string>();
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                var walk = new EnumerationOptions
                {
                    RecurseSubdirectories = true,
                    IgnoreInaccessible = true,
                    AttributesToSkip = FileAttributes.ReparsePoint, // no symlink loops
                    ReturnSpecialDirectories = false,
                };
                files.AddRange(Directory.EnumerateFiles(p, "*", walk).Order(StringComparer.Ordinal));
            }
            else if (File.Exists(p)) files.Add(p);
            else diag?.Warn(p, "file", "no such file or directory");
        }
        return files;
    }

    /// <summary>Reads all inputs; events of one file come in file order, files may interleave when Threads &gt; 1 (unless KeepFileOrder).</summary>
    public static IEnumerable<LogEvent> Read(IEnumerable<string> paths, EvidenceReadOptions options, ReadDiagnostics diag, CancellationToken ct = default)
    {
        var files = ListFiles(paths, diag);
        if (options.OnTotalBytes is { } onTotal)
        {
            // Only when someone wants it (progress): a hunt over 1,004 small files otherwise asked the system for each size again.
            long total = 0;
            foreach (var f in files) total += SafeLength(f);
            onTotal(total);
        }

        foreach (var e in ReadListed(files, options, diag, ct)) yield return e;
    }

    /// <summary>
    /// <see cref="Read"/> for files already listed by <see cref="ListFiles"/> (a hunt lists them first to size
    /// its memory): they are not looked up again, and nothing is reported to <see cref="EvidenceReadOptions.OnTotalBytes"/>.
    /// </summary>
    internal static IEnumerable<LogEvent> ReadListed(IReadOnlyList<string> files, EvidenceReadOptions options, ReadDiagnostics diag, CancellationToken ct = default)
    {
        if (options.Threads > 1 && files.Count > 1)
        {
            var inOrder = options.KeepFileOrder
                ? OrderedParallelFiles.Read(files, options.Threads, (f, token) => ReadFile(f, PerFileOptions(options), diag, token), ct)
                : ParallelFiles(files, options, diag, ct);
            foreach (var e in inOrder) yield return e;
            yield break;
        }
        foreach (var f in files)
            foreach (var e in ReadFile(f, options, diag, ct))
                yield return e;
    }

    /// <summary>Reads one stream of any supported format (detected from content unless forced), e.g. an HTTP body.</summary>
    public static IEnumerable<LogEvent> ReadStream(Stream stream, string displayName, EvidenceReadOptions options, ReadDiagnostics diag, CancellationToken ct = default)
    {
        var ctx = new ReadContext(options, diag, new ExpansionBudget(options.MaxExpandedBytes), ct);
        var reference = options.SyslogReferenceTime ?? DateTime.UtcNow;
        return Finish(Guarded(ReadAny(stream, displayName, null, reference, 0, ctx), displayName, diag), options, diag);
    }

    private static IEnumerable<LogEvent> ReadFile(string path, EvidenceReadOptions options, ReadDiagnostics diag, CancellationToken ct)
    {
        FileStream fs;
        try
        {
            fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            diag.Warn(path, "file", "cannot open: " + ex.Message);
            return [];
        }
        var ctx = new ReadContext(options, diag, new ExpansionBudget(options.MaxExpandedBytes), ct);
        var reference = options.SyslogReferenceTime ?? SafeMtime(path);
        return Finish(Guarded(ReadTopFile(fs, path, reference, ctx), path, diag), options, diag);
    }

    private static IEnumerable<LogEvent> ReadTopFile(FileStream fs, string path, DateTime reference, ReadContext ctx)
    {
        using (fs)
        {
            var counting = new CountingStream(fs, ctx.Options.OnBytes, leaveOpen: true);
            foreach (var e in ReadAny(counting, path, fs, reference, 0, ctx)) yield return e;
        }
    }

    private sealed record ReadContext(EvidenceReadOptions Options, ReadDiagnostics Diag, ExpansionBudget Budget, CancellationToken Ct);

    /// <summary>
    /// Sniffs <paramref name="stream"/> and reads it as what it is. <paramref name="file"/> is set
    /// when the stream is a whole file on disk (EVTX then reads in parallel; zip needs no copy).
    /// </summary>
    private static IEnumerable<LogEvent> ReadAny(Stream stream, string name, FileStream? file, DateTime reference, int depth, ReadContext ctx)
    {
        // Pooled: evidence often comes as thousands of small files, and a fresh 64 KiB head per file was
        // a quarter of all bytes an EVTX dump allocated.
        var head = ArrayPool<byte>.Shared.Rent(ContentSniffer.HeadBytes);
        try
        {
            // An EVTX file on disk is read again by the EVTX reader: its first block settles the sniff.
            int got = ReadFully(stream, head, EvtxFileHeader.Size);
            bool evtxOnDisk = file is not null && head.AsSpan(0, got).StartsWith("ElfFile\0"u8)
                && (ctx.Options.Format is null or SourceFormat.Evtx);
            if (!evtxOnDisk && got == EvtxFileHeader.Size)
                got += ReadFully(stream, head, ContentSniffer.HeadBytes - got, got);
            foreach (var e in ReadSniffed(stream, name, file, reference, depth, ctx, head, got)) yield return e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    private static IEnumerable<LogEvent> ReadSniffed(Stream stream, string name, FileStream? file, DateTime reference, int depth, ReadContext ctx,
        byte[] head, int got)
    {
        var kind = ContentSniffer.Sniff(head.AsSpan(0, got), out var why);
        var forced = ctx.Options.Format;
        bool container = kind is ContentKind.Gzip or ContentKind.Zip or ContentKind.Tar or ContentKind.Utf16Text;
        if (forced is not null && forced != SourceFormat.Unknown && !container) kind = KindOf(forced.Value);
        var body = new PrefixedStream(head, got, stream, leaveOpen: true);
        // Files are counted as leaves (archive members included); the EVTX reader counts its own.
        if (kind is not (ContentKind.Evtx or ContentKind.Gzip or ContentKind.Zip or ContentKind.Tar or ContentKind.Utf16Text or ContentKind.AppleDouble))
            ctx.Diag.FileOpened();

        switch (kind)
        {
            case ContentKind.Empty:
                yield break; // an empty file holds no events and nothing to warn about
            case ContentKind.AppleDouble:
                yield break; // macOS metadata beside the real member; holds no events
            case ContentKind.Evtx:
                // Chunk-parallel reading opens the file itself; one thread reads on from the open stream
                // (an open per file less: evidence often comes as thousands of small files).
                // A file on disk whose sniffed head is just the EVTX header is read by offset from here on
                // (chunks only as far as they are used), so its remaining bytes count as read up front.
                bool chunkParallel = file is not null && ctx.Options.Threads > 1;
                bool byOffset = !chunkParallel && file is not null && got <= EvtxFileHeader.Size && head.AsSpan(0, got).StartsWith("ElfFile\0"u8);
                var evtx = chunkParallel ? EvtxEventReader.ReadFile(name, ctx.Diag, ctx.Options.Threads, ctx.Ct, ctx.Options.Interest)
                    : byOffset ? EvtxEventReader.ReadOpenFile(file!, head, got, name, ctx.Diag, ctx.Ct, ctx.Options.Interest)
                    : EvtxEventReader.Read(body, name, ctx.Diag, ctx.Ct, ctx.Options.Interest);
                if (chunkParallel || byOffset) ctx.Options.OnBytes?.Invoke(Math.Max(0, SafeLength(file!.Name) - got));
                foreach (var e in evtx) yield return e;
                yield break;
            case ContentKind.Gzip:
            case ContentKind.Zip:
            case ContentKind.Tar:
                if (depth >= ctx.Options.MaxArchiveDepth)
                {
                    ctx.Diag.Warn(name, "archive", $"archives nested deeper than {ctx.Options.MaxArchiveDepth}; not opened");
                    yield break;
                }
                var inner = kind switch
                {
                    ContentKind.Gzip => ReadGzip(body, name, reference, depth, ctx),
                    ContentKind.Zip => ReadZip(body, file, name, depth, ctx),
                    _ => ReadTar(body, name, depth, ctx),
                };
                foreach (var e in inner) yield return e;
                yield break;
            case ContentKind.Utf16Text:
                var utf8 = Encoding.CreateTranscodingStream(body, DetectUtf16(head.AsSpan(0, got)), Encoding.UTF8, leaveOpen: true);
                foreach (var e in ReadAny(utf8, name, null, reference, depth + 1, ctx)) yield return e;
                yield break;
            case ContentKind.Json:
                foreach (var e in JsonEventReader.Read(body, head.AsSpan(0, got), name, forced, ctx.Diag, ctx.Ct)) yield return e;
                yield break;
            case ContentKind.Csv:
                foreach (var e in CsvEventReader.Read(body, name, forced, ctx.Diag, ctx.Ct)) yield return e;
                yield break;
            case ContentKind.Xml:
                foreach (var e in WindowsXmlEventReader.Read(body, name, ctx.Diag, ctx.Ct)) yield return e;
                yield break;
            case ContentKind.Syslog:
                foreach (var e in SyslogEventReader.Read(body, name, reference, ctx.Diag, ctx.Ct)) yield return e;
                yield break;
            case ContentKind.LinuxAudit:
                foreach (var e in LinuxAuditEventReader.Read(body, name, ctx.Diag, ctx.Ct)) yield return e;
                yield break;
            default:
                ctx.Diag.Unrecognised(name, why);
                yield break;
        }
    }

    private static IEnumerable<LogEvent> ReadGzip(Stream body, string name, DateTime reference, int depth, ReadContext ctx)
    {
        var compressed = new GzipTrailerStream(body);
        var gz = new GzipIntegrityStream(new GZipStream(compressed, CompressionMode.Decompress, leaveOpen: true), compressed, ctx.Diag, name);
        using var bounded = new BoundedDecompressionStream(gz, () => compressed.BytesRead, ctx.Options.MaxCompressionRatio, ctx.Budget, ctx.Diag, name);
        foreach (var e in ReadAny(bounded, name, null, reference, depth + 1, ctx)) yield return e;
    }

    private static IEnumerable<LogEvent> ReadZip(Stream body, FileStream? file, string name, int depth, ReadContext ctx)
    {
        Stream seekable;
        if (file is not null)
        {
            file.Seek(0, SeekOrigin.Begin);
            seekable = file;
        }
        else
        {
            // A zip inside an archive: its directory is at the end, so hold it in memory (bounded).
            var ms = new MemoryStream();
            var chunk = new byte[1 << 16];
            int n;
            while ((n = body.Read(chunk)) > 0)
            {
                if (ms.Length + n > ctx.Options.MaxNestedZipBytes)
                {
                    ctx.Diag.Warn(name, "archive", $"nested zip larger than {ctx.Options.MaxNestedZipBytes} bytes; not opened");
                    yield break;
                }
                ms.Write(chunk, 0, n);
            }
            ms.Position = 0;
            seekable = ms;
        }
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(seekable, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException ex)
        {
            ctx.Diag.Warn(name, "archive", "damaged zip: " + ex.Message);
            yield break;
        }
        using (zip)
        {
            foreach (var entry in zip.Entries.OrderBy(x => x.FullName, StringComparer.Ordinal))
            {
                ctx.Ct.ThrowIfCancellationRequested();
                if (entry.FullName.EndsWith('/') || entry.Length == 0 && entry.CompressedLength == 0) continue;
                string member = name + "!" + entry.FullName;
                if (IsMacMetadata(entry.FullName)) continue;
                if (entry.CompressedLength > 0 && entry.Length / (double)entry.CompressedLength > ctx.Options.MaxCompressionRatio * 5)
                {
                    ctx.Diag.Warn(member, "archive", $"declared compression ratio {entry.Length / entry.CompressedLength}:1; not opened (zip bomb?)");
                    continue;
                }
                Stream raw;
                try { raw = entry.Open(); }
                catch (Exception ex) when (ex is InvalidDataException or NotSupportedException or IOException)
                {
                    ctx.Diag.Warn(member, "archive", "cannot open member: " + ex.Message);
                    continue;
                }
                long compressedLength = Math.Max(1, entry.CompressedLength);
                using var bounded = new BoundedDecompressionStream(raw, () => compressedLength, ctx.Options.MaxCompressionRatio, ctx.Budget, ctx.Diag, member);
                var reference = ctx.Options.SyslogReferenceTime ?? entry.LastWriteTime.UtcDateTime;
                foreach (var e in Guarded(ReadAny(bounded, member, null, reference, depth + 1, ctx), member, ctx.Diag)) yield return e;
            }
        }
    }

    private static IEnumerable<LogEvent> ReadTar(Stream body, string name, int depth, ReadContext ctx)
    {
        using var tar = new TarReader(body, leaveOpen: true);
        while (true)
        {
            TarEntry? entry;
            try { entry = tar.GetNextEntry(copyData: false); }
            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException or FormatException)
            {
                ctx.Diag.Warn(name, "archive", "damaged or truncated tar: " + ex.Message);
                yield break;
            }
            if (entry is null) yield break;
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            string member = name + "!" + entry.Name;
            if (IsMacMetadata(entry.Name)) continue;
            var reference = ctx.Options.SyslogReferenceTime ?? entry.ModificationTime.UtcDateTime;
            var data = new CountingStream(entry.DataStream, leaveOpen: true);
            foreach (var e in Guarded(ReadAny(data, member, null, reference, depth + 1, ctx), member, ctx.Diag)) yield return e;
            // A cut-off archive ends a member early without any error from the tar reader.
            if (data.SawEnd && data.BytesRead < entry.Length)
                ctx.Diag.Warn(member, "archive", $"member truncated: {data.BytesRead} of {entry.Length} bytes present");
        }
    }

    private static bool IsMacMetadata(string entryName)
        => entryName.StartsWith("__MACOSX/", StringComparison.Ordinal) || Path.GetFileName(entryName).StartsWith("._", StringComparison.Ordinal)
           && entryName.Contains("__MACOSX", StringComparison.Ordinal);

    /// <summary>
    /// Runs a reader so that an I/O or data error ends that input with a warning instead of the whole
    /// run with an exception (a truncated .gz, a member that fails its CRC, ...).
    /// </summary>
    private static IEnumerable<LogEvent> Guarded(IEnumerable<LogEvent> source, string name, ReadDiagnostics diag)
    {
        using var en = source.GetEnumerator();
        while (true)
        {
            LogEvent e;
            try
            {
                if (!en.MoveNext()) yield break;
                e = en.Current;
            }
            catch (OperationCanceledException) { throw; }
            catch (Exception ex) when (ex is IOException or InvalidDataException or EndOfStreamException or UnauthorizedAccessException or FormatException or DecoderFallbackException)
            {
                diag.Warn(name, "read", "stopped reading: " + ex.Message);
                yield break;
            }
            yield return e;
        }
    }

    private static IEnumerable<LogEvent> Finish(IEnumerable<LogEvent> events, EvidenceReadOptions options, ReadDiagnostics diag)
    {
        long n = 0, skipped = 0;
        var interest = options.Interest;
        try
        {
            foreach (var e in events)
            {
                if (options.Normalise) Normaliser.Normalise(e);
                if (e.Format != SourceFormat.Evtx)
                {
                    n++; // the EVTX reader counts (and skips) its own records
                    if (interest is not null && !interest.Wants(e))
                    {
                        skipped++;
                        continue;
                    }
                }
                yield return e;
            }
        }
        finally
        {
            diag.RecordsRead(n);
            diag.RecordsSkipped(skipped);
        }
    }

    /// <summary>The options one worker reads one file with: the run's, on a single thread.</summary>
    private static EvidenceReadOptions PerFileOptions(EvidenceReadOptions options) => new()
    {
        Format = options.Format, Threads = 1, Normalise = options.Normalise, OnBytes = options.OnBytes, Interest = options.Interest,
        MaxExpandedBytes = options.MaxExpandedBytes, MaxCompressionRatio = options.MaxCompressionRatio,
        MaxArchiveDepth = options.MaxArchiveDepth, MaxNestedZipBytes = options.MaxNestedZipBytes,
        SyslogReferenceTime = options.SyslogReferenceTime,
    };

    /// <summary>Files read on worker threads; each file's events stay in order, files interleave.</summary>
    private static IEnumerable<LogEvent> ParallelFiles(IReadOnlyList<string> files, EvidenceReadOptions options, ReadDiagnostics diag, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var queue = new System.Collections.Concurrent.BlockingCollection<LogEvent[]>(boundedCapacity: 64);
        var perFile = PerFileOptions(options);
        int next = -1;
        Exception? failure = null;
        // Workers block on the bounded queue, so they get their own threads (LongRunning): blocking
        // pool threads would starve the pool work that consumers (parallel JSON formatting) queue.
        var workers = Enumerable.Range(0, Math.Min(options.Threads, files.Count)).Select(_ => Task.Factory.StartNew(() =>
        {
            try
            {
                int i;
                var batch = new List<LogEvent>(256); // one per worker, emptied per file: evidence is often thousands of small files
                while ((i = Interlocked.Increment(ref next)) < files.Count && !cts.IsCancellationRequested)
                {
                    batch.Clear();
                    foreach (var e in ReadFile(files[i], perFile, diag, cts.Token))
                    {
                        batch.Add(e);
                        if (batch.Count == 256) { queue.Add(batch.ToArray(), cts.Token); batch.Clear(); }
                    }
                    if (batch.Count > 0) queue.Add(batch.ToArray(), cts.Token);
                }
            }
            catch (OperationCanceledException) { }
            catch (Exception ex) { failure = ex; cts.Cancel(); }
        }, cts.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        _ = Task.WhenAll(workers).ContinueWith(_ => queue.CompleteAdding(), TaskScheduler.Default);
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable(ct))
                foreach (var e in batch) yield return e;
        }
        finally
        {
            cts.Cancel();
            try { Task.WaitAll(workers); } catch (AggregateException) { }
        }
        if (failure is not null) throw new InvalidOperationException("reading failed: " + failure.Message, failure);
    }

    private static ContentKind KindOf(SourceFormat f) => f switch
    {
        SourceFormat.Evtx => ContentKind.Evtx,
        SourceFormat.WindowsXml => ContentKind.Xml,
        SourceFormat.AuthLog or SourceFormat.Syslog => ContentKind.Syslog,
        SourceFormat.LinuxAudit => ContentKind.LinuxAudit,
        _ => ContentKind.Json,
    };

    private static Encoding DetectUtf16(ReadOnlySpan<byte> head)
        => head.Length >= 2 && head[0] == 0xFE && head[1] == 0xFF ? Encoding.BigEndianUnicode : Encoding.Unicode;

    private static int ReadFully(Stream s, byte[] buffer, int count, int offset = 0)
    {
        int total = 0;
        while (total < count)
        {
            int n = s.Read(buffer, offset + total, count - total);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    private static long SafeLength(string path)
    {
        try { return new FileInfo(path).Length; } catch (IOException) { return 0; } catch (UnauthorizedAccessException) { return 0; }
    }

    private static DateTime SafeMtime(string path)
    {
        try { return File.GetLastWriteTimeUtc(path); } catch (IOException) { return DateTime.UtcNow; } catch (UnauthorizedAccessException) { return DateTime.UtcNow; }
    }
}
