using System.IO.Compression;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Reading.Json;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Reading;

/// <summary>
/// The line-at-a-time JSON reader `hopwatch serve` uses must give exactly the events the stream
/// reader gives for the same lines: same raw fields (with the canonical aliases), same normalised view.
/// </summary>
public class JsonLineParserTests
{
    public static TheoryData<string> Datasets() => new()
    {
        "atomic/windows/credential_access/host/rdp_interactive_taskmanager_lsass_dump.zip",
        "atomic/windows/credential_access/host/cmd_psexec_lsa_secrets_dump.zip",
        "atomic/windows/defense_evasion/host/wmic_remote_xsl_jscript.zip",
    };

    [Theory]
    [MemberData(nameof(Datasets))]
    public void SecurityDatasetsLinesGiveTheStreamReadersEvents(string relative)
    {
        var zipPath = Path.Combine(SharedData.SecurityDatasets, relative);
        using var zip = ZipFile.OpenRead(zipPath);
        int compared = 0;
        foreach (var entry in zip.Entries.Where(e => e.Length > 0))
        {
            byte[] bytes;
            using (var s = entry.Open()) { var ms = new MemoryStream(); s.CopyTo(ms); bytes = ms.ToArray(); }
            if (!JsonEventReader.IsJsonLines(bytes.AsSpan(0, Math.Min(bytes.Length, 64 * 1024)))) continue;
            var streamDiag = new ReadDiagnostics();
            var expected = EvidenceReader.ReadStream(new MemoryStream(bytes), entry.FullName, new EvidenceReadOptions(), streamDiag).ToList();

            var parser = new JsonLineParser();
            var lineDiag = new ReadDiagnostics();
            var actual = new List<LogEvent>();
            long lineNo = 0;
            foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n'))
            {
                lineNo++;
                var trimmed = line.Trim(' ', '\t', '\r', '\uFEFF');
                if (trimmed.Length == 0) continue;
                var e = parser.Parse(Encoding.UTF8.GetBytes(trimmed), entry.FullName, lineNo, lineDiag);
                if (e is not null) actual.Add(e);
            }
            Assert.Equal(streamDiag.WarningCount, lineDiag.WarningCount);
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++) AssertSame(expected[i], actual[i]);
            compared += expected.Count;
        }
        Assert.True(compared > 100, $"only {compared} events compared in {relative}");
    }

    [Fact]
    public void EcsAndFlatFixturesGiveTheStreamReadersEvents()
    {
        var parser = new JsonLineParser();
        foreach (var name in new[] { "logon.ecs.json", "logon.flat.jsonl" })
        {
            var path = Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures", name);
            var expected = Assert.Single(ReadingTestSupport.ReadBytes(File.ReadAllBytes(path), name).Events);
            // One parser for both: the layout chosen for the first must not stick to the second.
            var actual = parser.Parse(Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim()), name, 1, new ReadDiagnostics());
            Assert.NotNull(actual);
            AssertSame(expected, actual);
            Assert.Equal(4624, actual.EventId);
            Assert.Equal(EventKind.Logon, actual.Kind);
        }
    }

    [Fact]
    public void MalformedLineIsAWarningAndTheNextLineStillReads()
    {
        var parser = new JsonLineParser();
        var diag = new ReadDiagnostics();
        var good = File.ReadAllText(Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures", "logon.flat.jsonl")).Trim();
        Assert.Null(parser.Parse("{\"EventID\": 4624, \"Channel\": "u8, "batch", 7, diag));
        Assert.Equal(1, diag.WarningCount);
        Assert.Contains("line 7", string.Join("\n", diag.Warnings));
        Assert.NotNull(parser.Parse(Encoding.UTF8.GetBytes(good), "batch", 8, diag));
        Assert.Equal(1, diag.WarningCount);
    }

    private static void AssertSame(LogEvent expected, LogEvent actual)
    {
        Assert.Equal(expected.ToString(), actual.ToString());
        Assert.Equal(expected.Format, actual.Format);
        Assert.Equal(expected.Provider, actual.Provider);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Host, actual.Host);
        Assert.Equal(expected.UserName, actual.UserName);
        Assert.Equal(expected.UserDomain, actual.UserDomain);
        Assert.Equal(expected.SubjectUserName, actual.SubjectUserName);
        Assert.Equal(expected.SourceIp, actual.SourceIp);
        Assert.Equal(expected.SourceHost, actual.SourceHost);
        Assert.Equal(expected.LogonType, actual.LogonType);
        Assert.Equal(expected.LogonId, actual.LogonId);
        Assert.Equal(expected.ProcessImage, actual.ProcessImage);
        Assert.Equal(expected.CommandLine, actual.CommandLine);
        Assert.Equal(expected.Fields.All().ToList(), actual.Fields.All().ToList());
    }
}
