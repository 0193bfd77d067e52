using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Pipeline;

/// <summary>
/// The hunt's exact time order: oldest first, and events with equal times in the order they were added
/// (a file's own order; the earlier input first). Checked against LINQ's OrderBy, which is documented stable.
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

        var expected = input.Select((e, i) => (e, i)).OrderBy(p => p.e.Time.Ticks).Select(p => p.e).ToArray();
        Assert.Equal(expected.Length, sorted.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.Same(expected[i], sorted[i]);
        Assert.Equal(0, buffer.Count);
        Assert.Contains(sorted.Zip(sorted.Skip(1)), p => p.First.Time == p.Second.Time); // equal times did occur
    }
}
