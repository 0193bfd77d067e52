using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Simulation;

namespace Hopwatch.Tests.Simulation;

/// <summary>
/// The flat JSON (NXLog / Security-Datasets style) and Winlogbeat/ECS outputs are read back by
/// Hopwatch's readers as the events that were written: format detected, every event, same id,
/// channel, computer, time (to the precision each format carries) and EventData values.
/// </summary>
public sealed class JsonFormatsReadBackTests
{
    /// <param name="timeUnit">The time precision the format keeps: NXLog's EventTime has whole seconds, ECS milliseconds.</param>
    private static void ReadBack(string format, SourceFormat expectedFormat, long timeUnit, Func<SimEvent, string, string> fieldName)
    {
        var dir = SimulationFixture.TempDir("json-rt-" + format);
        try
        {
            var events = new List<SimEvent>();
            using (var w = format == "json" ? (Hopwatch.Simulation.Writers.ISimEventWriter)new Hopwatch.Simulation.Writers.FlatJsonWriter(dir)
                                           : new Hopwatch.Simulation.Writers.EcsJsonWriter(dir))
                Simulator.Run(new SimulationOptions { Seed = 31, Hosts = 40, Days = 1, Scenarios = ["rdp-chain-8", "pth-admin-shares-12", "winrm-hr-6"] },
                    e => { events.Add(e); w.Write(e); });
            var windows = events.Where(e => !e.Schema.IsLinuxLine).ToList();
            var diag = new ReadDiagnostics();
            var read = EvidenceReader.Read([Path.Combine(dir, format)], new EvidenceReadOptions { Threads = 1 }, diag).ToList();
            Assert.True(diag.WarningCount == 0, string.Join("; ", diag.Warnings.Take(5)));
            Assert.Equal(windows.Count, read.Count);
            var byKey = read.ToLookup(e => (e.Computer.ToLowerInvariant(), e.Channel, e.RecordId));
            foreach (var e in windows)
            {
                var got = Assert.Single(byKey[(e.Host.Fqdn.ToLowerInvariant(), e.Schema.Channel, e.RecordId)]);
                Assert.Equal(expectedFormat, got.Format);
                Assert.Equal(e.Schema.EventId, got.EventId);
                Assert.Equal(new DateTime(e.Time.Ticks / timeUnit * timeUnit, DateTimeKind.Utc), new DateTime(got.Time.Ticks / timeUnit * timeUnit, DateTimeKind.Utc));
                for (int k = 0; k < e.Schema.Fields.Length; k++)
                    Assert.True(e.Values[k] == got.Fields.Get(fieldName(e, e.Schema.Fields[k])),
                        $"{format} {e.Host.Name} {e.Schema.Key} #{e.RecordId} {e.Schema.Fields[k]}: '{e.Values[k]}' vs '{got.Fields.Get(fieldName(e, e.Schema.Fields[k]))}'");
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void FlatJsonIsReadBackAsWritten() => ReadBack("json", SourceFormat.JsonFlat, TimeSpan.TicksPerSecond, (_, f) => f);

    [Fact]
    public void EcsIsReadBackAsWritten() =>
        ReadBack("ecs", SourceFormat.JsonEcs, TimeSpan.TicksPerMillisecond, (e, f) => (e.Schema.IsUserData ? "winlog.user_data." : "winlog.event_data.") + f);
}
