using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Reporting;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// The dump's EVTX fast path (records straight to JSON, no events) against the event path it replaces
/// (EvidenceReader events through RawEventJsonWriter): same bytes and same diagnostics on every shared
/// EVTX file, damaged ones included.
/// </summary>
public class EvtxJsonFastPathTests
{
    private static (byte[] Bytes, ReadDiagnostics Diag) ViaEvents(IEnumerable<string> files)
    {
        var diag = new ReadDiagnostics();
        var ms = new MemoryStream();
        var options = new EvidenceReadOptions { Normalise = false };
        using (var w = new RawEventJsonWriter(ms))
            foreach (var e in EvidenceReader.Read(files, options, diag)) w.Write(e);
        return (ms.ToArray(), diag);
    }

    private static (byte[] Bytes, ReadDiagnostics Diag) FastPath(IEnumerable<string> files, int threads)
    {
        var diag = new ReadDiagnostics();
        var ms = new MemoryStream();
        RawJsonDump.Write(files, new EvidenceReadOptions { Normalise = false, Threads = threads }, diag, ms);
        return (ms.ToArray(), diag);
    }

    private static void AssertSameDiagnostics(ReadDiagnostics expected, ReadDiagnostics actual)
    {
        Assert.Equal(expected.FileCount, actual.FileCount);
        Assert.Equal(expected.RecordCount, actual.RecordCount);
        Assert.Equal(expected.WarningCount, actual.WarningCount);
        Assert.Equal(expected.UnrecognisedFileCount, actual.UnrecognisedFileCount);
        Assert.Equal(expected.Warnings.Select(w => w.ToString()).Order(StringComparer.Ordinal),
            actual.Warnings.Select(w => w.ToString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_shared_evtx_file_dumps_to_the_bytes_of_the_event_path()
    {
        var files = EvtxTestFiles.AllSharedFiles().ToList();
        Assert.True(files.Count > 100, $"expected the shared EVTX files, found {files.Count}");
        var differing = new List<string>();
        long records = 0;
        foreach (var f in files)
        {
            var (expected, expectedDiag) = ViaEvents([f]);
            var (actual, actualDiag) = FastPath([f], 1);
            if (!expected.AsSpan().SequenceEqual(actual)) differing.Add(Path.GetFileName(f));
            AssertSameDiagnostics(expectedDiag, actualDiag);
            records += actualDiag.RecordCount;
        }
        Assert.Empty(differing);
        Assert.True(records > 20_000, $"only {records} records compared");
    }

    [Fact]
    public void Many_files_on_two_threads_dump_to_the_bytes_of_the_event_path()
    {
        var files = EvtxTestFiles.AllSharedFiles().Where((_, i) => i % 3 == 0).ToList();
        var (expected, expectedDiag) = ViaEvents(files);
        var (actual, actualDiag) = FastPath(files, 2);
        Assert.True(expected.AsSpan().SequenceEqual(actual), "the two-thread fast path differs from the event path");
        AssertSameDiagnostics(expectedDiag, actualDiag);
    }

    /// <summary>One file on several threads (its chunks decoded in parallel): the bytes of the event path, damaged files included.</summary>
    [Fact]
    public void One_file_on_three_threads_dumps_to_the_bytes_of_the_event_path()
    {
        var differing = new List<string>();
        foreach (var f in Directory.EnumerateFiles(EvtxTestFiles.EdgeCases, "*.evtx").Order(StringComparer.Ordinal))
        {
            var (expected, expectedDiag) = ViaEvents([f]);
            var (actual, actualDiag) = FastPath([f], 3);
            if (!expected.AsSpan().SequenceEqual(actual)) differing.Add(Path.GetFileName(f));
            Assert.Equal(expectedDiag.RecordCount, actualDiag.RecordCount);
            Assert.Equal(expectedDiag.WarningCount, actualDiag.WarningCount);
        }
        Assert.Empty(differing);
    }

    /// <summary>Damaged input (the mutation test's cases): the fast path loses and warns about exactly what the event path does.</summary>
    [Fact]
    public void Damaged_files_dump_to_the_bytes_of_the_event_path()
    {
        const int Cases = 600;
        var differing = new List<string>();
        var run = Task.Run(() =>
        {
            for (int i = 0; i < Cases; i++)
            {
                var (data, what) = EvtxMutationTests.MakeCase(20261126 + i);
                var eventDiag = new ReadDiagnostics();
                var expected = new MemoryStream();
                using (var w = new RawEventJsonWriter(expected))
                    foreach (var e in Hopwatch.Reading.Evtx.EvtxEventReader.Read(new MemoryStream(data), "case.evtx", eventDiag)) w.Write(e);
                var fastDiag = new ReadDiagnostics();
                var actual = new MemoryStream();
                using (var w = new RawEventJsonWriter(actual))
                    Hopwatch.Reading.Evtx.EvtxEventReader.WriteJsonLines(new MemoryStream(data), "case.evtx", fastDiag, w);
                if (!expected.ToArray().AsSpan().SequenceEqual(actual.ToArray()) || eventDiag.WarningCount != fastDiag.WarningCount
                    || eventDiag.RecordCount != fastDiag.RecordCount)
                    differing.Add($"case {20261126 + i} ({what})");
            }
        });
#pragma warning disable xUnit1031 // a bounded wait on purpose: a hang in the decoder must fail the test, not stall the run
        Assert.True(run.Wait(TimeSpan.FromSeconds(180)), "the damaged cases did not finish");
#pragma warning restore xUnit1031
        Assert.Empty(differing);
    }

    [Fact]
    public void Files_that_are_not_evtx_still_go_through_the_general_reader()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hopwatch-fastpath-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            File.Copy(EvtxTestFiles.EdgeCase("security.evtx"), Path.Combine(dir, "a.evtx"));
            File.WriteAllText(Path.Combine(dir, "b.jsonl"), "{\"EventID\":4624,\"Computer\":\"HOST1\",\"TargetUserName\":\"alice\",\"TimeCreated\":\"2024-01-02T03:04:05Z\"}\n");
            File.WriteAllBytes(Path.Combine(dir, "c.evtx"), "ElfFile\0"u8.ToArray()); // header cut short: a warning, no crash
            var (expected, expectedDiag) = ViaEvents([dir]);
            var (actual, actualDiag) = FastPath([dir], 1);
            Assert.True(expected.AsSpan().SequenceEqual(actual), "a mixed folder dumps differently");
            AssertSameDiagnostics(expectedDiag, actualDiag);
            Assert.Contains("alice", System.Text.Encoding.UTF8.GetString(actual));
            Assert.True(actualDiag.WarningCount >= 1);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
