using Hopwatch.Events;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>Reader behaviour across inputs: every shared file, streams, threads, XML, damage.</summary>
public class EvtxReaderTests
{
    [Fact]
    public void Every_shared_evtx_file_parses_and_only_edge_cases_warn()
    {
        var files = EvtxTestFiles.AllSharedFiles().ToList();
        Assert.True(files.Count > 400, $"only {files.Count} files found under ../shared");
        long total = 0;
        var unexpected = new List<string>();
        foreach (var f in files)
        {
            var diag = new ReadDiagnostics();
            int n = 0;
            foreach (var e in EvtxEventReader.ReadFile(f, diag))
            {
                n++;
                Assert.False(string.IsNullOrEmpty(e.Provider), $"{f} #{e.RecordId} has no provider");
                Assert.Equal(DateTimeKind.Utc, e.Time.Kind);
            }
            total += n;
            bool edgeCase = f.StartsWith(EvtxTestFiles.EdgeCases, StringComparison.Ordinal);
            if (!edgeCase && diag.WarningCount > 0) unexpected.Add($"{f}: {diag.Warnings.First()}");
            if (!edgeCase && n == 0) unexpected.Add($"{f}: no records");
        }
        Assert.Empty(unexpected);
        Assert.True(total > 20000, $"{total} records");
    }

    [Fact]
    public void Non_seekable_stream_gives_the_same_records_as_the_file()
    {
        string path = EvtxTestFiles.EdgeCase("sample_with_a_bad_chunk_magic.evtx");
        var fromFile = EvtxTestFiles.ReadAll(path).Events.Select(EvtxTestFiles.Fingerprint).ToList();
        var diag = new ReadDiagnostics();
        using var stream = new NonSeekableStream(File.OpenRead(path));
        var fromStream = EvtxEventReader.Read(stream, path, diag).Select(EvtxTestFiles.Fingerprint).ToList();
        Assert.Equal(fromFile, fromStream);
        Assert.True(fromFile.Count > 270);
    }

    [Theory]
    [InlineData("security.evtx")]
    [InlineData("2-vss_0-Microsoft-Windows-RemoteDesktopServices-RdpCoreTS%4Operational.evtx")]
    [InlineData("sample_with_a_bad_chunk_magic.evtx")]
    public void Two_threads_give_identical_output_to_one(string file)
    {
        var (one, d1) = EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase(file), threads: 1);
        var (two, d2) = EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase(file), threads: 2);
        Assert.Equal(one.Select(EvtxTestFiles.Fingerprint), two.Select(EvtxTestFiles.Fingerprint));
        Assert.Equal(d1.WarningCount, d2.WarningCount);
        Assert.Equal(d1.RecordCount, d2.RecordCount);
        Assert.Equal(1, d2.FileCount);
    }

    [Fact]
    public void Xml_rendering_matches_evtxexport_lines()
    {
        var diag = new ReadDiagnostics();
        var rec = EvtxEventReader.ReadXml(EvtxTestFiles.EdgeCase("security.evtx"), diag).First(r => r.RecordId == 2);
        // Lines copied from `evtxexport -f xml security.evtx`.
        var expected = new[]
        {
            "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">",
            "  <System>",
            "    <Provider Name=\"Microsoft-Windows-Security-Auditing\" Guid=\"{54849625-5478-4994-A5BA-3E3B0328C30D}\"/>",
            "    <EventID>4624</EventID>",
            "    <TimeCreated SystemTime=\"2016-07-08T18:12:51.681640800Z\"/>",
            "    <Correlation/>",
            "    <Execution ProcessID=\"456\" ThreadID=\"460\"/>",
            "    <Security/>",
            "    <Data Name=\"SubjectLogonId\">0x0000000000000000</Data>",
            "    <Data Name=\"TargetLogonId\">0x00000000000003e7</Data>",
            "    <Data Name=\"ProcessId\">0x0000000000000004</Data>",
            "    <Data Name=\"ProcessName\"/>",
            "</Event>",
        };
        var lines = rec.Xml.Split('\n');
        foreach (var line in expected) Assert.Contains(line, lines);
    }

    [Fact]
    public void Not_an_evtx_file_is_a_warning_not_an_exception()
    {
        var diag = new ReadDiagnostics();
        var events = EvtxEventReader.Read(new MemoryStream("hello, not a log"u8.ToArray()), "x.evtx", diag).ToList();
        Assert.Empty(events);
        Assert.Equal(1, diag.WarningCount);
        Assert.Contains("not an EVTX file", diag.Warnings.Single().Message);
    }

    [Fact]
    public void Truncated_file_reads_whole_records_and_warns()
    {
        var bytes = File.ReadAllBytes(EvtxTestFiles.EdgeCase("security.evtx"));
        // Header + two full chunks + half of the third.
        int cut = 4096 + 2 * 65536 + 30000;
        var diag = new ReadDiagnostics();
        var events = EvtxEventReader.Read(new MemoryStream(bytes, 0, cut), "cut.evtx", diag).ToList();
        var full = EvtxTestFiles.ReadAll(EvtxTestFiles.EdgeCase("security.evtx")).Events;
        Assert.True(events.Count > 0 && events.Count < full.Count);
        Assert.Contains(diag.Warnings, w => w.Message.StartsWith("truncated chunk", StringComparison.Ordinal));
        // Every record we did return is identical to the one in the complete file.
        var byId = full.ToDictionary(e => e.RecordId, EvtxTestFiles.Fingerprint);
        Assert.All(events, e => Assert.Equal(byId[e.RecordId], EvtxTestFiles.Fingerprint(e)));
    }

    [Fact]
    public void Damaged_template_offset_loses_only_its_records()
    {
        var bytes = File.ReadAllBytes(EvtxTestFiles.EdgeCase("security.evtx"));
        // First record of chunk 0: fragment header (4 bytes) then the template instance token;
        // its definition offset (u32) sits 6 bytes into the token. Point it outside the chunk.
        int record = 4096 + 512;
        int token = record + 24 + 4;
        Assert.Equal(0x0C, bytes[token]);
        BitConverter.TryWriteBytes(bytes.AsSpan(token + 6), 0x7FFFFFF0);
        var diag = new ReadDiagnostics();
        var events = EvtxEventReader.Read(new MemoryStream(bytes), "damaged.evtx", diag).ToList();
        Assert.Equal(2260, events.Count);
        Assert.DoesNotContain(events, e => e.RecordId == 1);
        Assert.Contains(diag.Warnings, w => w.Location == "chunk 0 offset 0x1200" && w.Message.StartsWith("record 1:", StringComparison.Ordinal));
    }

    [Fact]
    public void Bad_chunk_checksum_is_reported_and_records_still_read()
    {
        var bytes = File.ReadAllBytes(EvtxTestFiles.EdgeCase("security.evtx"));
        bytes[4096 + 65536 + 60] ^= 0xFF; // inside chunk 1's header, covered by its checksum
        var diag = new ReadDiagnostics();
        var events = EvtxEventReader.Read(new MemoryStream(bytes), "crc.evtx", diag).ToList();
        Assert.Equal(2261, events.Count);
        Assert.Contains(diag.Warnings, w => w.Location.StartsWith("chunk 1 ", StringComparison.Ordinal) && w.Message.Contains("checksum"));
    }

    [Fact]
    public void Self_referencing_nesting_does_not_hang_or_overflow()
    {
        // Random bytes after a valid header and chunk header: must end with warnings, quickly.
        var bytes = File.ReadAllBytes(EvtxTestFiles.EdgeCase("security.evtx"));
        var rng = new Random(1234);
        for (int i = 4096 + 512 + 24; i < 4096 + 65536; i++)
            if (rng.Next(8) == 0) bytes[i] = (byte)rng.Next(256);
        var diag = new ReadDiagnostics();
        var events = EvtxEventReader.Read(new MemoryStream(bytes), "noise.evtx", diag).ToList();
        Assert.True(diag.WarningCount > 0);
        Assert.True(events.Count >= 2261 - 200); // chunks 1.. are intact
    }

    private sealed class NonSeekableStream(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        // Short reads on purpose: the reader must loop until a chunk is complete.
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, Math.Min(count, 1000));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
    }
}
