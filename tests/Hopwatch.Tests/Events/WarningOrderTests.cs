using Hopwatch.Events;

namespace Hopwatch.Tests.Events;

/// <summary>
/// Reports list read warnings in an order that does not depend on which reading thread hit them first: by file, then by
/// place (numbers compared as numbers), then by message.
/// </summary>
public sealed class WarningOrderTests
{
    [Theory]
    [InlineData("chunk 2", "chunk 10")]
    [InlineData("chunk 0 offset 0x1a0", "chunk 0 offset 0xcfd0")]
    [InlineData("chunk 0 offset 0xFFF", "chunk 0 offset 0x1000")]
    [InlineData("chunk 9 offset 0xd070", "chunk 10 offset 0x1000")]
    [InlineData("line 7", "line 17")]
    [InlineData("line 007", "line 8")]
    [InlineData("file", "line 1")]
    [InlineData("chunk 1", "chunk 1 offset 0x10")]
    [InlineData("07", "7")] // equal numbers written differently: ordinal order decides, so the order is total
    public void Locations_order_by_their_numbers(string first, string second)
    {
        Assert.True(NaturalOrder.Compare(first, second) < 0, $"{first} before {second}");
        Assert.True(NaturalOrder.Compare(second, first) > 0, $"{second} after {first}");
        Assert.Equal(0, NaturalOrder.Compare(first, first));
    }

    [Fact]
    public void Warnings_from_several_threads_come_out_in_the_same_order_every_time()
    {
        var warnings = new List<ReadWarning>();
        foreach (var file in new[] { "b.evtx", "a.evtx", "c.json" })
            for (int chunk = 12; chunk >= 0; chunk -= 3)
            {
                warnings.Add(new ReadWarning(file, $"chunk {chunk} offset 0x{chunk * 0x230:x}", "bad record size"));
                warnings.Add(new ReadWarning(file, $"chunk {chunk} offset 0x{chunk * 0x230:x}", "chunk records checksum mismatch"));
            }
        string? expected = null;
        var random = new Random(7);
        for (int round = 0; round < 5; round++)
        {
            var diag = new ReadDiagnostics();
            var shuffled = warnings.OrderBy(_ => random.Next()).ToList();
            Parallel.ForEach(shuffled, new ParallelOptions { MaxDegreeOfParallelism = 3 }, w => diag.Warn(w.File, w.Location, w.Message));
            var ordered = diag.WarningsInOrder();
            Assert.Equal(warnings.Count, ordered.Count);
            string text = string.Join("\n", ordered);
            expected ??= text;
            Assert.Equal(expected, text);
        }
        var lines = expected!.Split('\n');
        Assert.Equal("a.evtx: chunk 0 offset 0x0: bad record size", lines[0]);
        Assert.Equal("a.evtx: chunk 0 offset 0x0: chunk records checksum mismatch", lines[1]);
        Assert.Equal("a.evtx: chunk 3 offset 0x690: bad record size", lines[2]);
        Assert.Equal("a.evtx: chunk 12 offset 0x1a40: chunk records checksum mismatch", lines[9]);
        Assert.StartsWith("b.evtx: chunk 0 ", lines[10]);
        Assert.StartsWith("c.json: chunk 12 ", lines[^1]);
    }
}
