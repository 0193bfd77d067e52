using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Pipeline;

/// <summary>
/// The hunt's exact time order: oldest first; events with equal times by file name, then in the order they
/// were added (a file's own order). Checked against LINQ's OrderBy/ThenBy, which is documented stable.
/// </summary>
public sealed class TimeOrderedBufferTests
{
    [Fact]
    public void Sorts_real_events_by_time_keeping_input_order_for_equal_times()
    {
        var diag = new ReadDiagnostics();
        var files = Directory.GetFiles(Path.Combine(SharedData.Evtx, "attack-samples"), "*.evtx", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(40).ToList();
        // Every file twice: each event then has a twin with the same time that must stay behind it.
        var input = EvidenceReader.Read(files.Concat(files).ToList(), new EvidenceReadOptions { Threads = 1 }, diag).ToList();
        Assert.True(input.Count > 1000, $"only {input.Count} events read");

        var buffer = new TimeOrderedBuffer();
        foreach (var e in input) buffer.Add(e);
        var sorted = buffer.DrainSorted();

        var expected = input.OrderBy(e => e.Time.Ticks).ThenBy(e => e.File, StringComparer.Ordinal).ToArray();
        Assert.Equal(expected.Length, sorted.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Same(expected[i], sorted[i]);
        Assert.Equal(0, buffer.Count);
        Assert.Contains(sorted.Zip(sorted.Skip(1)), p => p.First.Time == p.Second.Time); // equal times did occur
    }

    [Fact]
    public void Equal_times_come_out_the_same_whatever_order_files_were_read_in()
    {
        // Threads > 1 hand over files interleaved in the order the threads finish; the analytics that
        // follow must see one order. Simulate two arrival orders of the same per-file sequences.
        var diag = new ReadDiagnostics();
        var files = Directory.GetFiles(Path.Combine(SharedData.Evtx, "attack-samples"), "*.evtx", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal).Take(40).ToList();
        var perFile = files
            .Select(f => EvidenceReader.Read(new[] { f }, new EvidenceReadOptions { Threads = 1 }, diag).ToList())
            .ToList();
        // A copy of the first 20 files' events under other file names, with the same times: many ties.
        var twins = perFile.Take(20).Select((events, k) => events.Select(e => new LogEvent { File = "zz-twin-" + k, RecordId = e.RecordId, Time = e.Time, Format = e.Format }).ToList()).ToList();
        var all = perFile.Concat(twins).ToList();

        LogEvent[] Sorted(IEnumerable<List<LogEvent>> arrival, bool interleave)
        {
            var buffer = new TimeOrderedBuffer();
            var lists = arrival.ToList();
            if (!interleave) foreach (var l in lists) foreach (var e in l) buffer.Add(e);
            else
                for (int i = 0; lists.Any(l => i < l.Count); i++) // round-robin, one event per file at a time
                    foreach (var l in lists) if (i < l.Count) buffer.Add(l[i]);
            return buffer.DrainSorted();
        }

        var inFileOrder = Sorted(all, interleave: false);
        var interleaved = Sorted(Enumerable.Reverse(all), interleave: true);
        Assert.True(inFileOrder.Length > 1000);
        Assert.Contains(inFileOrder.Zip(inFileOrder.Skip(1)), p => p.First.Time == p.Second.Time && p.First.File != p.Second.File);
        Assert.Equal(inFileOrder.Length, interleaved.Length);
        for (int i = 0; i < inFileOrder.Length; i++) Assert.Same(inFileOrder[i], interleaved[i]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(31)]
    [InlineData(33)] // past the insertion sort: the library sort takes long runs
    [InlineData(500)]
    public void A_run_of_equal_times_is_ordered_by_file_then_input(int runLength)
    {
        var time = new DateTime(2024, 5, 1, 12, 0, 0, DateTimeKind.Utc);
        var files = new[] { "host-c/Security.evtx", "host-a/Security.evtx", "host-b/System.evtx", "host-a/Sysmon.evtx" };
        // Events arrive round-robin over the files, with neighbours one tick before and after the run.
        var input = new List<LogEvent> { new() { File = files[0], Time = time.AddTicks(1), RecordId = -1 } };
        for (int i = 0; i < runLength; i++) input.Add(new LogEvent { File = files[(i * 7) % files.Length], Time = time, RecordId = i });
        input.Add(new LogEvent { File = files[1], Time = time.AddTicks(-1), RecordId = -2 });

        var buffer = new TimeOrderedBuffer();
        foreach (var e in input) buffer.Add(e);
        var sorted = buffer.DrainSorted();

        var expected = input.OrderBy(e => e.Time.Ticks).ThenBy(e => e.File, StringComparer.Ordinal).ToArray(); // stable
        Assert.Equal(expected.Select(e => (e.File, e.RecordId)), sorted.Select(e => (e.File, e.RecordId)));
        Assert.Equal(-2, sorted[0].RecordId);
        Assert.Equal(-1, sorted[^1].RecordId);
    }
}
