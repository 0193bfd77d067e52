using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Reading;

/// <summary>KeepFileOrder: a parallel read hands out exactly the serial read's sequence.</summary>
public class OrderedParallelFilesTests
{
    private static List<string> Keys(IEnumerable<LogEvent> events)
        => events.Select(e => e.File + "#" + e.RecordId + "#" + e.EventId).ToList();

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Parallel_read_in_file_order_equals_the_serial_read_on_the_shared_evtx(int threads)
    {
        var serialDiag = new ReadDiagnostics();
        var serial = Keys(EvidenceReader.Read([SharedData.Evtx], new EvidenceReadOptions { Normalise = false }, serialDiag));
        Assert.True(serial.Count > 20_000, $"expected the shared EVTX samples, read {serial.Count} events");

        var diag = new ReadDiagnostics();
        var parallel = Keys(EvidenceReader.Read([SharedData.Evtx], new EvidenceReadOptions { Normalise = false, Threads = threads, KeepFileOrder = true }, diag));
        Assert.Equal(serial, parallel);
        Assert.Equal(serialDiag.WarningCount, diag.WarningCount);
    }

    [Fact]
    public void Parallel_read_in_file_order_over_json_and_zips_equals_the_serial_read()
    {
        var serial = Keys(EvidenceReader.Read([SharedData.SecurityDatasets], new EvidenceReadOptions { Normalise = false }, new ReadDiagnostics()));
        Assert.True(serial.Count > 1_000, $"expected the Security-Datasets exports, read {serial.Count} events");
        var parallel = Keys(EvidenceReader.Read([SharedData.SecurityDatasets], new EvidenceReadOptions { Normalise = false, Threads = 3, KeepFileOrder = true }, new ReadDiagnostics()));
        Assert.Equal(serial, parallel);
    }

    [Fact]
    public void Stopping_early_does_not_hang_the_workers()
    {
        // The consumer leaves after a few events while workers are blocked on full queues further ahead.
        var first = EvidenceReader.Read([SharedData.Evtx], new EvidenceReadOptions { Normalise = false, Threads = 4, KeepFileOrder = true }, new ReadDiagnostics())
            .Take(10).ToList();
        Assert.Equal(10, first.Count);
    }
}
