using Hopwatch.Events;
using Hopwatch.Reporting;
using Hopwatch.Scoring;

namespace Hopwatch.Tests.Reporting;

/// <summary>
/// timeline.csv of a large hunt: the writer's stack use must not grow with the number of rows (a stackalloc inside
/// its row loop took 80 bytes of stack per row until the whole file was written).
/// </summary>
public sealed class TimelineManyRowsTests
{
    [Fact]
    public void Fifty_thousand_rows_are_written_on_a_thread_with_a_small_stack()
    {
        const int Rows = 50_000;
        var inc = new Incident { Id = "inc-1", Title = "many hops", Severity = Severity.High, Verdict = new Verdict { Kind = VerdictKind.Escalate } };
        for (int i = 0; i < Rows; i++)
            inc.Timeline.Add(new TimelineEntry { Time = DateTime.UnixEpoch.AddSeconds(i), Kind = "alert", Title = "hop", Host = "h" + i, RecordId = i, File = "f.evtx" });
        string? csv = null;
        Exception? failure = null;
        // 256 KiB: 50,000 rows at 80 bytes each would need 4 MB if every row took stack of its own (a stack overflow ends the test run).
        var thread = new Thread(() =>
        {
            try
            {
                var w = new StringWriter();
                TimelineCsvWriter.Write(w, [inc]);
                csv = w.ToString();
            }
            catch (Exception e) { failure = e; }
        }, maxStackSize: 256 * 1024);
        thread.Start();
        thread.Join();
        Assert.Null(failure);
        var lines = csv!.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Rows + 1, lines.Length);
        Assert.Contains(",49999,", lines[^1]); // the last row's record id: rows come out in time order
    }
}
