using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Reading.Evtx;
using Hopwatch.Reporting;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Records whose body is a plain BinXml fragment (no template: MSExchange_Management_wec.evtx holds one) are
/// decoded node by node for every record; what differs record by record must not stay behind in process-wide
/// caches, and the record must still come out whole.
/// </summary>
public class EvtxPlainFragmentTests
{
    private static readonly string File = EvtxTestFiles.EdgeCase("MSExchange_Management_wec.evtx");

    [Fact]
    public void PerRecordAttributeTextIsNotInternedButTheRecordIsComplete()
    {
        var (events, diag) = EvtxTestFiles.ReadAll(File);
        var ms = new MemoryStream();
        var dumpDiag = new ReadDiagnostics();
        RawJsonDump.Write([File], new EvidenceReadOptions { Normalise = false, Threads = 1 }, dumpDiag, ms);
        string json = System.Text.Encoding.UTF8.GetString(ms.ToArray());

        Assert.Equal(0, diag.WarningCount);
        Assert.Equal(0, dumpDiag.WarningCount);
        var e = Assert.Single(events);
        Assert.Equal(3229, e.RecordId);
        Assert.Contains("\"Provider_Name\":\"MSExchange CmdletLogs\"", json);
        Assert.Contains("\"EventID_Qualifiers\":\"16384\"", json);
        Assert.Contains("\"TimeCreated\":\"2021-11-19T16:52:33.8337335Z\"", json);
        Assert.Contains("\"Computer\":\"WEC.ave.local\"", json);

        // The record's SystemTime attribute text (as stored, see `dump --format xml`) is a one-off: interning
        // it would add a pool entry per record of such files. A Name attribute can name a field: it is pooled.
        Assert.False(EvtxNamePool.IsPooled("2021-11-19T16:52:33.833733500Z"));
        Assert.True(EvtxNamePool.IsPooled("MSExchange CmdletLogs"));
    }
}
