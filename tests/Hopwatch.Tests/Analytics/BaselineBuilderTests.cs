using Hopwatch.Analytics;
using Hopwatch.Events;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Analytics;

public class BaselineBuilderTests
{
    [Fact]
    public void BuildFromRealLogsThenHuntTheSameLogsFindsNothingRare()
    {
        var folder = Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement");
        var dir = Directory.CreateTempSubdirectory("hopwatch-baseline-");
        try
        {
            var state = Path.Combine(dir.FullName, "state.sqlite");
            var config = AnalyticsConfig.Load(null);
            var diag = new ReadDiagnostics();
            var r = BaselineBuilder.Build(new[] { folder }, state, config, null, diag);
            Assert.True(r.Events > 1000, $"events read: {r.Events}");
            Assert.True(r.Entries > 0);
            Assert.NotNull(r.First);
            Assert.True(r.Last > r.First);
            // Building twice over the same logs adds nothing new.
            var again = BaselineBuilder.Build(new[] { folder }, state, config, null, new ReadDiagnostics());
            Assert.Equal(r.Entries, again.Entries);

            // Every remote access in these logs is now usual: rare-path stays quiet.
            var events = Hopwatch.Reading.EvidenceReader.Read(new[] { folder }, new Hopwatch.Reading.EvidenceReadOptions(), new ReadDiagnostics()).OrderBy(e => e.Time).ToList();
            var (alerts, suite) = Ev.Run(events, config, state: state);
            suite.Dispose();
            Assert.DoesNotContain(alerts, a => a.Analytic == "rare-path");
        }
        finally { dir.Delete(true); }
    }
}
