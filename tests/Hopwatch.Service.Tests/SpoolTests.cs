using System.Text;
using Hopwatch.Service.Spool;
using Hopwatch.Service.Tests.Support;

namespace Hopwatch.Service.Tests;

public class SpoolTests
{
    [Fact]
    public void Crc32C_matches_the_published_check_value_in_both_implementations()
    {
        // RFC 3720 / iSCSI check value for "123456789".
        var data = "123456789"u8;
        Assert.Equal(0xE3069283u, Crc32C.Compute(data));
        Assert.Equal(0xE3069283u, Crc32C.ComputeSoftware(data));
        var big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => i + "x")));
        Assert.Equal(Crc32C.ComputeSoftware(big), Crc32C.Compute(big));
    }

    [Fact]
    public async Task Records_read_back_in_order_across_segments()
    {
        var dir = TestData.TempDir("spool");
        using var w = new SpoolWriter(dir, segmentBytes: 4096, FsyncPolicy.Always);
        var expected = new List<string>();
        for (int i = 0; i < 100; i++)
        {
            var lines = string.Join("\n", Enumerable.Range(0, 3).Select(j => $"{{\"n\":{i * 3 + j},\"pad\":\"{new string('p', 100)}\"}}"));
            expected.Add(lines);
            long seq = await w.AppendAsync(SpoolPayloadFormat.JsonLines, "test", Encoding.UTF8.GetBytes(lines), 3, 1000 + i);
            Assert.Equal(1 + i * 3, seq);
        }
        Assert.True(SpoolWriter.ListSegments(dir).Count > 5, "small segments must roll over");
        using var r = new SpoolReader(w, default);
        var got = new List<SpoolRecord>();
        for (var batch = r.ReadBatch(1000); batch.Count > 0; batch = r.ReadBatch(1000))
            got.AddRange(batch.Select(x => new SpoolRecord { FirstSeq = x.FirstSeq, Count = x.Count, Lines = x.Lines.ToArray(), AcceptedUnixMs = x.AcceptedUnixMs, Source = x.Source }));
        Assert.Equal(100, got.Count);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(1 + i * 3, got[i].FirstSeq);
            Assert.Equal(1000 + i, got[i].AcceptedUnixMs);
            Assert.Equal("test", got[i].Source);
            Assert.Equal(expected[i], Encoding.UTF8.GetString(got[i].Lines.Span));
        }
    }

    [Fact]
    public async Task A_torn_record_at_the_end_is_cut_off_at_reopen_and_numbering_continues()
    {
        var dir = TestData.TempDir("spool-torn");
        using (var w = new SpoolWriter(dir, 1 << 20, FsyncPolicy.Always))
        {
            await w.AppendAsync(SpoolPayloadFormat.JsonLines, "a", "{\"x\":1}\n{\"x\":2}"u8.ToArray(), 2, 1);
            await w.AppendAsync(SpoolPayloadFormat.JsonLines, "a", "{\"x\":3}"u8.ToArray(), 1, 2);
        }
        var seg = SpoolWriter.SegmentPath(dir, SpoolWriter.ListSegments(dir).Single());
        long whole = new FileInfo(seg).Length;
        // Simulate a crash in the middle of writing a third record: its first half reached the file.
        var third = SpoolRecord.Encode(4, 1, 3, SpoolPayloadFormat.JsonLines, "a", "{\"x\":4}"u8);
        using (var f = new FileStream(seg, FileMode.Append)) f.Write(third, 0, third.Length / 2);

        using var reopened = new SpoolWriter(dir, 1 << 20, FsyncPolicy.Always);
        Assert.Equal(third.Length / 2, reopened.TruncatedBytesAtOpen);
        Assert.Equal(whole, new FileInfo(seg).Length);
        Assert.Equal(4, reopened.NextSeq);
        Assert.Equal(4, await reopened.AppendAsync(SpoolPayloadFormat.JsonLines, "a", "{\"x\":4}"u8.ToArray(), 1, 3));
        using var r = new SpoolReader(reopened, default);
        var all = r.ReadBatch();
        Assert.Equal([1L, 3L, 4L], all.Select(x => x.FirstSeq));
    }

    [Fact]
    public async Task Reader_resumes_from_a_saved_position()
    {
        var dir = TestData.TempDir("spool-resume");
        using var w = new SpoolWriter(dir, 1 << 20, FsyncPolicy.Never);
        for (int i = 0; i < 5; i++) await w.AppendAsync(SpoolPayloadFormat.TextLines, "s", Encoding.UTF8.GetBytes("line " + i), 1, i);
        SpoolPosition after2;
        using (var r = new SpoolReader(w, default))
        {
            var first = r.ReadBatch();
            after2 = first[1].Next;
        }
        using var r2 = new SpoolReader(w, after2);
        Assert.Equal(["line 2", "line 3", "line 4"], r2.ReadBatch().Select(x => Encoding.UTF8.GetString(x.Lines.Span)));
    }
}
