using System.Buffers.Binary;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading.Evtx;
using Hopwatch.Reporting;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Reading a chunk only up to its free-space offset (<see cref="EvtxChunkSource"/>) against reading every chunk
/// whole: the same records, the same `dump --format jsonl` bytes and the same warnings, on every shared EVTX file
/// and on damaged copies (truncated mid-chunk, free-space offset corrupted, chunk signature damaged, records past
/// the free-space offset, random damage). The trimmed reads run with the unread bytes poisoned, so a decoder
/// access past what was read that skipped <see cref="EvtxChunk.EnsureLoaded"/> shows up as a difference.
/// </summary>
public sealed class EvtxTrimmedReadTests
{
    private static T WithMode<T>(EvtxChunkReadMode mode, Func<T> read)
    {
        var before = EvtxChunkSource.ModeForTests.Value;
        EvtxChunkSource.ModeForTests.Value = mode;
        try
        {
            return read();
        }
        finally
        {
            EvtxChunkSource.ModeForTests.Value = before;
        }
    }

    /// <summary>Everything a read gives, as one comparable text: records (or dump bytes), counts and warnings (sorted: parallel paths warn in any order).</summary>
    private static string Outcome(IEnumerable<string> lines, ReadDiagnostics diag)
    {
        var sb = new StringBuilder();
        foreach (var l in lines) sb.Append(l).Append('\n');
        sb.Append($"files={diag.FileCount} records={diag.RecordCount} warnings={diag.WarningCount}\n");
        foreach (var w in diag.Warnings.Select(w => w.ToString()).Order(StringComparer.Ordinal)) sb.Append(w).Append('\n');
        return sb.ToString();
    }

    private static string Events(string path, int threads)
    {
        var diag = new ReadDiagnostics();
        var lines = EvtxEventReader.ReadFile(path, diag, threads).Select(EvtxTestFiles.Fingerprint).ToList();
        return Outcome(lines, diag);
    }

    /// <summary>The general reader (content sniffing, then the EVTX reader by offset on the open file): what hunt reads.</summary>
    private static string Evidence(string path)
    {
        var diag = new ReadDiagnostics();
        long bytes = 0;
        var options = new Hopwatch.Reading.EvidenceReadOptions { Threads = 1, OnBytes = b => bytes += b };
        var lines = Hopwatch.Reading.EvidenceReader.Read([path], options, diag).Select(EvtxTestFiles.Fingerprint).ToList();
        lines.Add($"progress bytes={bytes}");
        return Outcome(lines, diag);
    }

    private static string Dump(string path, int threads)
    {
        var diag = new ReadDiagnostics();
        var ms = new MemoryStream();
        RawJsonDump.Write([path], new Hopwatch.Reading.EvidenceReadOptions { Normalise = false, Threads = threads }, diag, ms);
        return Outcome([Encoding.UTF8.GetString(ms.ToArray())], diag);
    }

    private static string Xml(string path)
    {
        var diag = new ReadDiagnostics();
        var lines = EvtxEventReader.ReadXml(path, diag).Select(r => r.RecordId + " " + r.Xml).ToList();
        return Outcome(lines, diag);
    }

    private static string StreamEvents(byte[] data, bool seekable = true)
    {
        var diag = new ReadDiagnostics();
        Stream input = new MemoryStream(data, writable: false);
        if (!seekable) input = new CountingStream(input, seekable: false);
        var lines = EvtxEventReader.Read(input, "case.evtx", diag).Select(EvtxTestFiles.Fingerprint).ToList();
        return Outcome(lines, diag);
    }

    /// <summary>The first read that differs between a full and a trimmed read of <paramref name="path"/>, or null.</summary>
    private static string? FirstDifference(string path, bool everyPath)
    {
        var reads = new List<(string Name, Func<string> Read)>
        {
            ("events", () => Events(path, 1)),
            ("dump jsonl", () => Dump(path, 1)),
            ("evidence reader", () => Evidence(path)),
        };
        if (everyPath)
        {
            reads.Add(("events on 2 threads", () => Events(path, 2)));
            reads.Add(("dump jsonl on 3 threads", () => Dump(path, 3)));
            reads.Add(("xml", () => Xml(path)));
            reads.Add(("stream", () => StreamEvents(File.ReadAllBytes(path))));
        }
        foreach (var (name, read) in reads)
        {
            string full = WithMode(EvtxChunkReadMode.Full, read);
            string trimmed = WithMode(EvtxChunkReadMode.TrimmedPoisoned, read);
            if (full != trimmed)
            {
                int at = full.Zip(trimmed).TakeWhile(p => p.First == p.Second).Count();
                string Around(string s) => s.Substring(Math.Max(0, at - 60), Math.Min(160, s.Length - Math.Max(0, at - 60)));
                return $"{Path.GetFileName(path)} ({name}): differs at char {at}: full «{Around(full)}» trimmed «{Around(trimmed)}»";
            }
        }
        return null;
    }

    [Fact]
    public void Every_shared_file_reads_the_same_trimmed_as_whole()
    {
        var files = EvtxTestFiles.AllSharedFiles().ToList();
        Assert.True(files.Count > 100, $"expected the shared EVTX files, found {files.Count}");
        var edgeCases = Path.GetFullPath(EvtxTestFiles.EdgeCases);
        var differing = files.AsParallel().WithDegreeOfParallelism(2)
            .Select(f => FirstDifference(f, everyPath: Path.GetFullPath(f).StartsWith(edgeCases, StringComparison.Ordinal)))
            .Where(d => d is not null).ToList();
        Assert.Empty(differing);
    }

    [Fact]
    public void Trimmed_reads_skip_most_unused_chunk_space()
    {
        // The point of the change: the shared files (mostly small re-exported samples whose chunks are partly
        // used, beside all-zero chunk slots that still have to be read to know they are unused) take far fewer bytes.
        long full = 0, trimmed = 0;
        foreach (var f in EvtxTestFiles.AllSharedFiles())
        {
            var data = File.ReadAllBytes(f);
            full += WithMode(EvtxChunkReadMode.Full, () => CountRead(data));
            trimmed += WithMode(EvtxChunkReadMode.Trimmed, () => CountRead(data));
        }
        Assert.True(full > 50_000_000, $"only {full} bytes in the shared files");
        Assert.True(trimmed < full * 2 / 3, $"trimmed reads took {trimmed} of {full} bytes");
    }

    private static long CountRead(byte[] data)
    {
        var counting = new CountingStream(new MemoryStream(data, writable: false));
        foreach (var _ in EvtxEventReader.Read(counting, "count.evtx", new ReadDiagnostics())) { }
        return counting.BytesRead;
    }

    [Fact]
    public void Damaged_copies_read_the_same_trimmed_as_whole()
    {
        var differing = new List<string>();
        string dir = Path.Combine(Path.GetTempPath(), "hopwatch-trimmed-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            int n = 0;
            foreach (var (data, what) in DamagedCopies())
            {
                string path = Path.Combine(dir, $"case-{n++}.evtx");
                File.WriteAllBytes(path, data);
                var d = FirstDifference(path, everyPath: true);
                if (d is not null) differing.Add(what + ": " + d);
                File.Delete(path);
            }
            Assert.True(n > 100, $"only {n} damaged copies");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.Empty(differing);
    }

    /// <summary>
    /// Sparse copies (zero blocks stored as holes, as the shared samples are on some disks): chunk slots wholly in a
    /// hole are skipped unread, and that must change nothing — also when a hole covers only part of a slot, a chunk
    /// header, or the end of a file cut inside a slot.
    /// </summary>
    [Fact]
    public void Sparse_copies_read_the_same_trimmed_as_whole()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hopwatch-sparse-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var differing = new List<string>();
        int withHoles = 0, n = 0;
        try
        {
            var cases = new List<(byte[] Data, string What)>();
            foreach (var f in Directory.EnumerateFiles(EvtxTestFiles.EdgeCases, "*.evtx").Order(StringComparer.Ordinal))
            {
                var data = File.ReadAllBytes(f);
                cases.Add((data, Path.GetFileName(f)));
                // Half a slot zeroed (a hole inside a chunk), a chunk header zeroed, the end cut inside a zeroed slot.
                var chunks = EvtxLayout.ChunkStarts(data);
                if (chunks.Count > 1)
                {
                    var d = (byte[])data.Clone();
                    d.AsSpan(chunks[1] + 16384, 32768).Clear();
                    cases.Add((d, Path.GetFileName(f) + " half of chunk 1 zeroed"));
                    d = (byte[])data.Clone();
                    d.AsSpan(chunks[1], 4096).Clear();
                    cases.Add((d, Path.GetFileName(f) + " chunk 1 header zeroed"));
                    d = data.AsSpan(0, chunks[1] + 40960).ToArray();
                    d.AsSpan(chunks[1]).Clear();
                    cases.Add((d, Path.GetFileName(f) + " cut inside a zeroed chunk 1"));
                    if (chunks.Count > 2)
                    {
                        // A whole slot in a hole, then a damaged chunk: its warnings must still name it chunk 2.
                        d = (byte[])data.Clone();
                        d.AsSpan(chunks[1], EvtxLayout.ChunkSize).Clear();
                        d[chunks[2] + 1] ^= 0x20;
                        cases.Add((d, Path.GetFileName(f) + " chunk 1 a hole, chunk 2 signature damaged"));
                    }
                }
            }
            foreach (var (data, what) in cases)
            {
                string path = Path.Combine(dir, $"sparse-{n++}.evtx");
                WriteSparse(path, data);
                using (var h = File.OpenHandle(path))
                    if (SparseFileHoles.NextHole(h, EvtxLayout.FileHeaderSize, data.Length, out _, out _)) withHoles++;
                var d = FirstDifference(path, everyPath: true);
                if (d is not null) differing.Add(what + ": " + d);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        Assert.Empty(differing);
        // On a file system without holes this only shows that nothing changes; where /tmp has them (ext4, tmpfs) they were found.
        if (OperatingSystem.IsLinux()) Assert.True(withHoles > 0, $"none of the {n} sparse copies has a hole the reader can see");
    }

    /// <summary>Writes <paramref name="data"/> leaving every all-zero 4 KiB block as a hole.</summary>
    private static void WriteSparse(string path, byte[] data)
    {
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write);
        for (int at = 0; at < data.Length; at += 4096)
        {
            var block = data.AsSpan(at, Math.Min(4096, data.Length - at));
            if (block.IndexOfAnyExcept((byte)0) < 0) fs.Seek(block.Length, SeekOrigin.Current);
            else fs.Write(block);
        }
        fs.SetLength(data.Length);
    }

    /// <summary>
    /// Random damage (the mutation test's generator, other seeds): the stream path trimmed, whole, and through a
    /// forward-only stream (as a zip entry or gzip body is read: every chunk whole, by another code path).
    /// </summary>
    [Fact]
    public void Randomly_damaged_files_read_the_same_trimmed_as_whole()
    {
        const int Cases = 800;
        var differing = new List<string>();
        for (int i = 0; i < Cases && differing.Count < 10; i++)
        {
            var (data, what) = EvtxMutationTests.MakeCase(20261127 + i);
            string full = WithMode(EvtxChunkReadMode.Full, () => StreamEvents(data));
            string trimmed = WithMode(EvtxChunkReadMode.TrimmedPoisoned, () => StreamEvents(data));
            string forward = StreamEvents(data, seekable: false);
            if (full != trimmed) differing.Add($"case {20261127 + i} ({what}): trimmed differs");
            if (full != forward) differing.Add($"case {20261127 + i} ({what}): forward-only differs");
        }
        Assert.Empty(differing);
    }

    private static readonly string[] DamageBases =
    [
        "security.evtx",
        "sysmon.evtx",
        "system.evtx",
        "Security_short_selected.evtx",
        "Application_no_crc32.evtx",
        "sample_with_a_bad_chunk_magic.evtx",
        "2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx",
        "MSExchange_Management_wec.evtx",
    ];

    private static uint FreeOf(byte[] d, int c) => BinaryPrimitives.ReadUInt32LittleEndian(d.AsSpan(c + 48));

    private static void SetFree(byte[] d, int c, uint free) => BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(c + 48), free);

    /// <summary>Record starts of chunk <paramref name="c"/> below its free-space offset, by walking the sizes.</summary>
    private static List<int> RecordsOf(byte[] d, int c)
    {
        var starts = new List<int>();
        int pos = c + EvtxLayout.ChunkHeaderSize, end = c + (int)Math.Min(FreeOf(d, c), EvtxLayout.ChunkSize);
        while (pos + 8 <= end && d.AsSpan(pos, 4).SequenceEqual(EvtxLayout.RecordMagic))
        {
            starts.Add(pos);
            int size = BinaryPrimitives.ReadInt32LittleEndian(d.AsSpan(pos + 4));
            if (size <= 0) break;
            pos += size;
        }
        return starts;
    }

    private static IEnumerable<(byte[] Data, string What)> DamagedCopies()
    {
        var rng = new Random(20261126);
        foreach (var name in DamageBases)
        {
            var source = EvtxLayout.Prefix(File.ReadAllBytes(EvtxTestFiles.EdgeCase(name)), chunks: 3);
            var chunks = EvtxLayout.ChunkStarts(source);
            if (chunks.Count == 0) continue;

            // Truncated: inside the file header, inside a chunk header, among the records, just past the free space, near the end.
            foreach (int c in chunks)
            {
                int free = (int)Math.Min(FreeOf(source, c), EvtxLayout.ChunkSize);
                foreach (int cut in new[] { 100, 300, 512, 513, free / 2, free - 1, free, free + 4, free + 8, free + 100, EvtxLayout.ChunkSize - 1 })
                    if (cut > 0 && c + cut < source.Length)
                        yield return (source.AsSpan(0, c + cut).ToArray(), $"{name} cut at chunk @{c} + {cut}");
            }
            yield return (source.AsSpan(0, 1000).ToArray(), $"{name} cut inside the file header");

            foreach (int c in chunks)
            {
                var records = RecordsOf(source, c);
                uint free = FreeOf(source, c);
                // Free-space offset corrupted: zero, below the header, at the header, inside a record, at the chunk end, past it, huge.
                var values = new List<uint> { 0, 100, 512, 513, 600, free - 3, free + 16, 65535, 65536, 65537, 70000, 0xFFFFFFFF, (uint)rng.Next(512, 65536) };
                // Records past the free-space offset: the offset moved back to an earlier record boundary (the dirty-file case).
                foreach (int r in records.Skip(1).Take(3).Concat(records.Skip(Math.Max(1, records.Count - 2))))
                    values.Add((uint)(r - c));
                foreach (uint v in values.Distinct())
                {
                    foreach (bool fixCrc in new[] { false, true })
                    {
                        var d = (byte[])source.Clone();
                        SetFree(d, c, v);
                        if (fixCrc) EvtxLayout.FixChecksums(d);
                        yield return (d, $"{name} chunk @{c} free-space offset {free} -> {v}{(fixCrc ? " +crc fixed" : "")}");
                    }
                }
                // Records past the free-space offset that break the id sequence (stale slack): the first such record's id changed.
                if (records.Count > 2)
                {
                    var d = (byte[])source.Clone();
                    int r = records[^2];
                    SetFree(d, c, (uint)(r - c));
                    BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(r + 8), BinaryPrimitives.ReadUInt64LittleEndian(d.AsSpan(r + 8)) + 5);
                    yield return (d, $"{name} chunk @{c} stale record past the free-space offset");
                }
                // Chunk signature damaged (one byte, or all zero) with the rest intact.
                foreach (int at in new[] { 0, 3, 7 })
                {
                    var d = (byte[])source.Clone();
                    d[c + at] ^= 0x20;
                    yield return (d, $"{name} chunk @{c} signature byte {at} damaged");
                }
                {
                    var d = (byte[])source.Clone();
                    d.AsSpan(c, 8).Clear();
                    yield return (d, $"{name} chunk @{c} signature zeroed");
                }
                // The whole chunk header zeroed: the slot no longer looks like a chunk, but records follow.
                {
                    var d = (byte[])source.Clone();
                    d.AsSpan(c, EvtxLayout.ChunkHeaderSize).Clear();
                    yield return (d, $"{name} chunk @{c} header zeroed");
                }
                // Unused space past the free-space offset filled with other data (records of another chunk), so
                // reads that wander past the offset see something other than zeros.
                if (chunks.Count > 1 && free < EvtxLayout.ChunkSize - 4096)
                {
                    var d = (byte[])source.Clone();
                    int other = chunks.First(o => o != c);
                    int len = EvtxLayout.ChunkSize - (int)free;
                    source.AsSpan(other + (int)free, len).CopyTo(d.AsSpan(c + (int)free));
                    if (d.AsSpan(c + (int)free, len).IndexOfAnyExcept((byte)0) < 0)
                        source.AsSpan(other + EvtxLayout.ChunkHeaderSize, len).CopyTo(d.AsSpan(c + (int)free)); // that part was unused too
                    yield return (d, $"{name} chunk @{c} unused space filled from chunk @{other}");
                    // ... and record data pointing there: 32-bit fields in a record set to offsets past the free space.
                    for (int k = 0; k < 4 && records.Count > 0; k++)
                    {
                        var e = (byte[])d.Clone();
                        int r = records[rng.Next(records.Count)];
                        int size = BinaryPrimitives.ReadInt32LittleEndian(e.AsSpan(r + 4));
                        for (int j = 0; j < 3; j++)
                        {
                            int p = r + EvtxLayout.RecordHeaderSize + rng.Next(Math.Max(1, size - EvtxLayout.RecordHeaderSize - 8));
                            BinaryPrimitives.WriteUInt32LittleEndian(e.AsSpan(p), (uint)(free + (uint)rng.Next(len - 64)));
                        }
                        if (rng.Next(2) == 0) EvtxLayout.FixChecksums(e);
                        yield return (e, $"{name} chunk @{c} record @{r}: offsets into the unused space");
                    }
                }
            }
        }
    }

    /// <summary>A read-only stream that counts the bytes read through it; seekable or not, as asked.</summary>
    private sealed class CountingStream(Stream inner, bool seekable = true) : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => seekable;
        public override bool CanWrite => false;
        public override long Length => seekable ? inner.Length : throw new NotSupportedException();
        public override long Position
        {
            get => seekable ? inner.Position : throw new NotSupportedException();
            set => inner.Position = seekable ? value : throw new NotSupportedException();
        }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => seekable ? inner.Seek(offset, origin) : throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
