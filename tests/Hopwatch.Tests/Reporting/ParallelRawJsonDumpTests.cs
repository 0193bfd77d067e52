using Hopwatch.Events;
using Hopwatch.Reporting;

namespace Hopwatch.Tests.Reporting;

/// <summary>The many-file dump on several threads: the bytes of a one-thread dump, in file order; a failure ends it without hanging.</summary>
public class ParallelRawJsonDumpTests
{
    /// <summary>Events of a fake file: sizes vary so some files span many 64 KiB segments and others none.</summary>
    private static IEnumerable<LogEvent> Events(string file)
    {
        int n = int.Parse(file.Split('-')[1]);
        for (int i = 0; i < n; i++)
        {
            var fields = new EventFields();
            fields.Add("Index", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            fields.Add("Payload", new string((char)('a' + i % 26), 200 + i % 300));
            yield return new LogEvent { File = file, RecordId = i, EventId = 4624, Channel = "Security", Fields = fields };
        }
    }

    private static byte[] OneThread(IReadOnlyList<string> files)
    {
        var ms = new MemoryStream();
        using (var w = new RawEventJsonWriter(ms))
            foreach (var f in files)
                foreach (var e in Events(f)) w.Write(e);
        return ms.ToArray();
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(8)]
    public void Output_is_the_one_thread_output(int threads)
    {
        // Mostly small files, a few large ones (several thousand events, far more than 8 segments).
        var files = Enumerable.Range(0, 120).Select(i => $"f{i:D3}-{(i % 17 == 3 ? 4000 + i : i % 7)}").ToList();
        var ms = new MemoryStream();
        ParallelRawJsonDump.Write(files, Events, ms, threads);
        Assert.Equal(OneThread(files), ms.ToArray());
    }

    /// <summary>Files handed out while the listing is still running (a slow folder walk): still the one-thread bytes.</summary>
    [Fact]
    public void A_growing_listing_gives_the_one_thread_output()
    {
        var files = Enumerable.Range(0, 80).Select(i => $"f{i:D3}-{(i % 13 == 2 ? 3000 + i : i % 5)}").ToList();
        IEnumerable<string> SlowListing()
        {
            foreach (var f in files)
            {
                if (f.EndsWith('3')) Thread.Sleep(2);
                yield return f;
            }
        }
        var ms = new MemoryStream();
        ParallelRawJsonDump.Write(SlowListing(), (f, w) => { foreach (var e in Events(f)) w.Write(e); }, ms, 2);
        Assert.Equal(OneThread(files), ms.ToArray());
    }

    [Fact]
    public void A_failing_listing_ends_the_dump_with_an_error()
    {
        IEnumerable<string> Listing()
        {
            for (int i = 0; i < 10; i++) yield return $"f{i:D3}-{200 + i}";
            throw new IOException("folder vanished");
        }
        var task = Task.Run(() => ParallelRawJsonDump.Write(Listing(), (f, w) => { foreach (var e in Events(f)) w.Write(e); }, new MemoryStream(), 2));
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the dump hung");
        var ex = Assert.Throws<InvalidOperationException>(() => task.GetAwaiter().GetResult());
        Assert.Contains("folder vanished", ex.Message);
    }

    [Fact]
    public void A_failing_file_ends_the_dump_with_an_error()
    {
        var files = Enumerable.Range(0, 60).Select(i => $"f{i:D3}-{(i % 5 == 0 ? 3000 : 3)}").ToList();
        IEnumerable<LogEvent> Read(string f) => f == "f031-3" ? throw new FormatException("broken reader") : Events(f);
        var task = Task.Run(() => ParallelRawJsonDump.Write(files, Read, new MemoryStream(), 2));
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the dump hung");
        var ex = Assert.Throws<InvalidOperationException>(() => task.GetAwaiter().GetResult());
        Assert.Contains("broken reader", ex.Message);
    }
}
