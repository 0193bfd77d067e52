using System.Text;
using Hopwatch.Service.Processing;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Tests;

public class ChunkingTests
{
    [Fact]
    public void A_record_splits_into_numbered_chunks_that_add_up_to_it()
    {
        var lines = Enumerable.Range(0, 1300).Select(i => $"{{\"n\":{i}}}").ToList();
        var rec = new SpoolRecord { FirstSeq = 1000, Count = lines.Count, Format = SpoolPayloadFormat.JsonLines, Source = "s", Lines = Encoding.UTF8.GetBytes(string.Join("\n", lines)) };
        var chunks = SpoolProcessor.Chunk(rec).ToList();
        Assert.Equal([512, 512, 276], chunks.Select(c => c.Count));
        Assert.Equal([1000L, 1512L, 2024L], chunks.Select(c => c.FirstSeq));
        Assert.Equal(string.Join("\n", lines), string.Join("\n", chunks.Select(c => Encoding.UTF8.GetString(c.Lines.Span))));
        Assert.All(chunks, c => Assert.Equal(c.Count, Encoding.UTF8.GetString(c.Lines.Span).Split('\n').Length));
    }
}
