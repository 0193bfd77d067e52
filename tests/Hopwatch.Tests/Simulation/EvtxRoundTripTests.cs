using Hopwatch.Events;
using Hopwatch.Reading.Evtx;
using Hopwatch.Simulation;
using Hopwatch.Simulation.Writers;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Simulation;

/// <summary>
/// The EVTX writer's output read back by libevtx's evtxexport and by Hopwatch's own reader gives
/// exactly the events that were written: ids, channel, provider, computer, record id, time, and
/// every EventData/UserData name and value. Multi-chunk files are included (templates and names
/// are redefined per chunk).
/// </summary>
public sealed class EvtxRoundTripTests
{
    private static (string Dir, List<SimEvent> Events) Simulate()
    {
        var dir = SimulationFixture.TempDir("evtx-rt");
        var events = new List<SimEvent>();
        var opts = new SimulationOptions { Seed = 21, Hosts = 40, Days = 2, Scenarios = ScenarioRegistry.Names.ToList(), Formats = ["evtx"] };
        using (var w = new EvtxSimWriter(dir))
            Simulator.Run(opts, e => { events.Add(e); w.Write(e); });
        return (dir, events);
    }

    private static string N(string? s) => (s ?? "").Replace("\r\n", "\n");

    private static Dictionary<string, List<SimEvent>> ByFile(string dir, List<SimEvent> events) =>
        events.Where(e => !e.Schema.IsLinuxLine)
            .GroupBy(e => Path.Combine(dir, "evtx", e.Host.Name, EvtxSimWriter.FileName(e.Schema.Channel)))
            .ToDictionary(g => g.Key, g => g.ToList());

    [Fact]
    public void EvtxexportReadsBackEveryRecordIdentically()
    {
        var exe = EvtxExportRunner.Find();
        Assert.True(exe is not null, EvtxExportRunner.InstallHint);
        var (dir, events) = Simulate();
        try
        {
            var files = ByFile(dir, events);
            // Every channel, plus the biggest files (several chunks), plus a sample of the rest.
            var chosen = files.GroupBy(f => Path.GetFileName(f.Key)).Select(g => g.First().Key)
                .Concat(files.OrderByDescending(f => f.Value.Count).Take(3).Select(f => f.Key))
                .Distinct().ToList();
            Assert.Contains(chosen, f => files[f].Count > 300);
            long compared = 0;
            foreach (var file in chosen)
            {
                var expected = files[file];
                var r = EvtxExportRunner.Run(exe!, file, TimeSpan.FromSeconds(60));
                Assert.False(r.Aborted, $"{file}: evtxexport failed: {r.Stderr}");
                Assert.Equal(expected.Count, r.Records.Count);
                for (int i = 0; i < expected.Count; i++)
                {
                    var e = expected[i];
                    var x = r.Records[i];
                    string where = $"{Path.GetFileName(file)} record {e.RecordId}";
                    Assert.Equal(e.RecordId, x.RecordId);
                    Assert.Equal(e.Schema.EventId.ToString(), x.EventId);
                    Assert.Equal(e.Schema.Channel, x.Channel);
                    Assert.Equal(e.Schema.Provider, x.ProviderName);
                    Assert.Equal(e.Host.Fqdn, x.Computer);
                    Assert.Equal(e.Time, x.TimeUtc);
                    Assert.Equal(e.UserSid, x.UserId);
                    var got = e.Schema.IsUserData
                        ? x.UserDataLeaves.Select(kv => (kv.Key, N(kv.Value))).ToList()
                        : x.EventData.Select(d => (d.Name ?? d.Element, N(d.Value))).ToList();
                    var want = e.Schema.Fields.Select((f, k) => (f, N(e.Values[k]))).ToList();
                    Assert.True(want.SequenceEqual(got), $"{where}: expected {string.Join("; ", want)} got {string.Join("; ", got)}");
                    compared++;
                }
            }
            Assert.True(compared > 1000, $"only {compared} records compared");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void HopwatchReaderReadsBackEveryRecordIdenticallyWithoutWarnings()
    {
        var (dir, events) = Simulate();
        try
        {
            long compared = 0;
            foreach (var (file, expected) in ByFile(dir, events))
            {
                var diag = new ReadDiagnostics();
                var got = EvtxEventReader.ReadFile(file, diag).ToList();
                Assert.True(diag.WarningCount == 0, $"{file}: {string.Join("; ", diag.Warnings)}");
                Assert.Equal(expected.Count, got.Count);
                for (int i = 0; i < expected.Count; i++)
                {
                    var e = expected[i];
                    var g = got[i];
                    Assert.Equal(e.RecordId, g.RecordId);
                    Assert.Equal(e.Schema.EventId, g.EventId);
                    Assert.Equal(e.Schema.Channel, g.Channel);
                    Assert.Equal(e.Schema.Provider, g.Provider);
                    Assert.Equal(e.Host.Fqdn, g.Computer);
                    Assert.Equal(e.Time, g.Time);
                    for (int k = 0; k < e.Schema.Fields.Length; k++)
                        Assert.True(N(e.Values[k]) == N(g.Fields.Get(e.Schema.Fields[k])),
                            $"{Path.GetFileName(file)} record {e.RecordId} {e.Schema.Fields[k]}: expected '{e.Values[k]}' got '{g.Fields.Get(e.Schema.Fields[k])}'");
                    compared++;
                }
            }
            Assert.Equal(events.Count(e => !e.Schema.IsLinuxLine), compared);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
