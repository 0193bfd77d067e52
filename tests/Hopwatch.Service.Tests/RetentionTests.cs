using Hopwatch.Service.Spool;
using Hopwatch.Service.Tests.Support;

namespace Hopwatch.Service.Tests;

public class RetentionTests
{
    [Fact]
    public async Task Processed_segments_and_old_alerts_are_deleted_and_processing_goes_on()
    {
        var dir = TestData.TempDir("retention");
        await using (var s = await RunningService.Start(o => { o.SpoolSegmentBytes = 8192; o.SpoolRetentionHours = 0; }, stateDir: dir))
        {
            for (int b = 0; b < 10; b++)
                await s.PostLines(Enumerable.Range(0, 20).Select(i => TestData.Logon(b * 20 + i, $"h{b}-{i}", "u" + i, 10, "10.3.0." + (i + 1), DateTime.UnixEpoch.AddMinutes(b * 20 + i))));
            await s.WaitProcessed();
            var spoolDir = Path.Combine(dir, "spool");
            int before = SpoolWriter.ListSegments(spoolDir).Count;
            Assert.True(before > 3);
            Assert.Equal(200, s.Service.Store.CountAlerts());

            s.Service.ApplyRetention();
            var after = SpoolWriter.ListSegments(spoolDir);
            Assert.True(after.Count < before, $"{after.Count} segments left of {before}");
            var (checkpoint, _) = s.Service.Store.ReadCheckpoint();
            Assert.All(after, seg => Assert.True(seg >= checkpoint.Segment - 0));
            // Alerts are kept (90 days by default).
            Assert.Equal(200, s.Service.Store.CountAlerts());

            Assert.Equal(1, s.Service.Store.ApplyAlertRetention(DateTime.UtcNow.AddDays(1)) > 0 ? 1 : 0);
            Assert.Equal(0, s.Service.Store.CountAlerts());
            Assert.Empty((await s.GetJson("/api/v1/incidents")).AsArray());
        }
        // Restart after retention: resumes where it was, takes new events.
        await using var again = await RunningService.Start(o => { o.SpoolSegmentBytes = 8192; }, stateDir: dir);
        await again.PostLines([TestData.Logon(999, "late", "z", 10, "10.9.0.1", DateTime.UnixEpoch)]);
        await again.WaitProcessed();
        Assert.Equal(1, again.Service.Store.CountAlerts());
        Assert.Equal(201, again.Service.Processor.ProcessedSeq);
    }
}
