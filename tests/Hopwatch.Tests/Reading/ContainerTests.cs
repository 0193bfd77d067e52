using System.Formats.Tar;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Reading.ReadingTestSupport;

namespace Hopwatch.Tests.Reading;

/// <summary>gz, zip (nested), tar and folders are streamed; bombs are bounded.</summary>
public class ContainerTests
{
    private static byte[] FlatLogon => File.ReadAllBytes(Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures", "logon.flat.jsonl"));
    private static byte[] XmlLogon => File.ReadAllBytes(Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures", "logon.xml"));
    private static byte[] Evtx => File.ReadAllBytes(Path.Combine(SharedData.RepoRoot, "samples", "evtx", "LM_Remote_Service02_7045.evtx"));

    [Fact]
    public void NestedZipsGzAndEvtxMembersAreReadWithArchivePaths()
    {
        var inner = Zip(("logs/host1/security.jsonl.gz", Gzip(FlatLogon)), ("logs/host2/System.evtx", Evtx), ("__MACOSX/logs/._System.evtx", [0x00, 0x05, 0x16, 0x07, 0, 0]));
        var outer = Zip(("case42/collection.zip", inner), ("case42/export.xml", XmlLogon), ("case42/readme.txt", "collected by IR team\n"u8.ToArray()));
        var (events, diag) = ReadBytes(outer, "evidence.zip");
        Assert.Equal(1, diag.UnrecognisedFileCount); // readme.txt, reported once
        Assert.Equal("evidence.zip!case42/readme.txt", Assert.Single(diag.Warnings).File);
        Assert.Equal(5, events.Count);
        Assert.Contains(events, e => e.File == "evidence.zip!case42/collection.zip!logs/host1/security.jsonl.gz" && e.Format == SourceFormat.JsonFlat);
        Assert.Equal(3, events.Count(e => e.File == "evidence.zip!case42/collection.zip!logs/host2/System.evtx" && e.Format == SourceFormat.Evtx));
        Assert.Contains(events, e => e.File == "evidence.zip!case42/export.xml" && e.Format == SourceFormat.WindowsXml);
        Assert.All(events, e => Assert.NotEqual(EventKind.Other, e.Kind));
    }

    [Fact]
    public void FoldersAreWalkedRecursivelyInNameOrder()
    {
        var dir = Directory.CreateTempSubdirectory("hopwatch-read-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "b", "deep"));
            File.WriteAllBytes(Path.Combine(dir.FullName, "b", "deep", "z.log.gz"), Gzip(FlatLogon));
            File.WriteAllBytes(Path.Combine(dir.FullName, "a.xml"), XmlLogon);
            File.WriteAllBytes(Path.Combine(dir.FullName, "empty.log"), []);
            var (events, diag) = ReadPaths(dir.FullName);
            Assert.True(diag.WarningCount == 0, Warnings(diag));
            Assert.Equal([SourceFormat.WindowsXml, SourceFormat.JsonFlat], events.Select(e => e.Format));
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void TarGzMembersAreRead()
    {
        var tar = new MemoryStream();
        using (var w = new TarWriter(tar, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "export/logon.jsonl") { DataStream = new MemoryStream(FlatLogon) };
            w.WriteEntry(entry);
        }
        var (events, diag) = ReadBytes(Gzip(tar.ToArray()), "bundle.tgz");
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        Assert.Equal("bundle.tgz!export/logon.jsonl", Assert.Single(events).File);
    }

    [Fact]
    public void TruncatedGzipIsReportedNotSilentlyShortened()
    {
        var lines = string.Concat(Enumerable.Repeat(Encoding.UTF8.GetString(FlatLogon).Trim() + "\n", 2000));
        var gz = Gzip(Encoding.UTF8.GetBytes(lines));
        var (events, diag) = ReadBytes(gz[..(gz.Length / 2)], "cut.jsonl.gz");
        Assert.InRange(events.Count, 1, 1999);
        Assert.Contains(diag.Warnings, w => w.Location == "gzip" && w.Message.Contains("truncated"));
    }

    [Fact]
    public void MultiMemberGzipIsReadWholeWithoutAWarning()
    {
        // Three members of 1,000 lines each plus an empty member at the end, as bgzip writes its EOF marker.
        var line = Encoding.UTF8.GetString(FlatLogon).Trim() + "\n";
        var part = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, 1000)));
        byte[] gz = [.. Gzip(part), .. Gzip(part), .. Gzip(part), .. Gzip([])];
        var (events, diag) = ReadBytes(gz, "rotated.jsonl.gz");
        Assert.Equal(3000, events.Count);
        Assert.True(diag.WarningCount == 0, Warnings(diag));
    }

    [Fact]
    public void TruncatedMultiMemberGzipIsReported()
    {
        var line = Encoding.UTF8.GetString(FlatLogon).Trim() + "\n";
        var part = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, 1000)));
        var first = Gzip(part);
        var second = Gzip(part);
        byte[] gz = [.. first, .. second[..(second.Length / 2)]];
        var (events, diag) = ReadBytes(gz, "cut.jsonl.gz");
        Assert.InRange(events.Count, 1000, 1999);
        Assert.Contains(diag.Warnings, w => w.Location == "gzip" && w.Message.Contains("truncated"));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 1)]
    [InlineData(7, 100_000)]
    [InlineData(65_536, 3)]
    public void Crc32OfAConcatenationComesFromItsParts(int lengthA, int lengthB)
    {
        var random = new Random(lengthA * 31 + lengthB);
        var a = new byte[lengthA];
        var b = new byte[lengthB];
        random.NextBytes(a);
        random.NextBytes(b);
        uint whole = System.IO.Hashing.Crc32.HashToUInt32([.. a, .. b]);
        uint combined = Hopwatch.Reading.Containers.Crc32Combine.Combine(System.IO.Hashing.Crc32.HashToUInt32(a), System.IO.Hashing.Crc32.HashToUInt32(b), (ulong)lengthB);
        Assert.Equal(whole, combined);
    }

    [Fact]
    public void ZipBombIsStoppedByRatioWithAWarning()
    {
        // 64 MiB of one repeated JSON line compresses far beyond the allowed ratio.
        var line = Encoding.UTF8.GetString(FlatLogon).Trim() + "\n";
        var big = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, (64 << 20) / line.Length)));
        var (events, diag) = ReadBytes(Zip(("bomb.jsonl", big)), "bomb.zip", new EvidenceReadOptions { MaxCompressionRatio = 20 });
        Assert.Contains(diag.Warnings, w => w.Message.Contains("zip bomb"));
        Assert.True(events.Count < big.Length / line.Length, "reading stopped early");
    }

    [Fact]
    public void ExpansionBudgetBoundsNestedArchives()
    {
        var line = Encoding.UTF8.GetString(FlatLogon).Trim() + "\n";
        var member = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(line, 4000)));
        var nested = Zip(("a.zip", Zip(("1.jsonl", member), ("2.jsonl", member))), ("b.zip", Zip(("3.jsonl", member))));
        var (events, diag) = ReadBytes(nested, "n.zip", new EvidenceReadOptions { MaxExpandedBytes = member.Length * 2 + 1000 });
        Assert.Contains(diag.Warnings, w => w.Message.Contains("exceeds the limit"));
        Assert.InRange(events.Count, 4000, 8999);
    }
}

public class ParallelReadingTests
{
    [Fact]
    public void ThreadsReadTheSameEventsAndReportProgress()
    {
        var dir = Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement");
        var fixtures = Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures");
        long total = 0, consumed = 0;
        var one = ReadPaths(new EvidenceReadOptions { Threads = 1 }, dir, fixtures);
        var two = ReadPaths(new EvidenceReadOptions
        {
            Threads = 2,
            OnTotalBytes = t => total = t,
            OnBytes = b => Interlocked.Add(ref consumed, b),
        }, dir, fixtures);
        Assert.Equal(one.Diag.WarningCount, two.Diag.WarningCount);
        Assert.Equal(one.Diag.RecordCount, two.Diag.RecordCount);
        static string Key(LogEvent e) => $"{e.File}#{e.RecordId}#{e.Kind}#{e.UserName}#{e.SourceIp}";
        Assert.Equal(one.Events.Select(Key).Order(), two.Events.Select(Key).Order());
        long expected = Directory.EnumerateFiles(dir).Concat(Directory.EnumerateFiles(fixtures)).Sum(f => new FileInfo(f).Length);
        Assert.Equal(expected, total);
        Assert.Equal(expected, consumed);
        // Per file, events keep file order.
        foreach (var g in two.Events.GroupBy(e => e.File))
            Assert.Equal(one.Events.Where(e => e.File == g.Key).Select(e => e.RecordId), g.Select(e => e.RecordId));
    }
}
