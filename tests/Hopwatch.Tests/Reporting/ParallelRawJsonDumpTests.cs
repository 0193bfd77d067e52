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

    /// <summary>
    /// Records larger than the writer's buffer (it grows; a grown buffer is copied, not handed over) among files
    /// whose full buffers are handed over while held back: the writers must never reuse a buffer they gave away.
    /// </summary>
    [Fact]
    public void Records_larger_than_the_buffer_among_handed_over_buffers_give_the_one_thread_output()
    {
        static IEnumerable<LogEvent> Mixed(string file)
        {
            int n = int.Parse(file.Split('-')[1]);
            for (int i = 0; i < n; i++)
            {
                var fields = new EventFields();
                fields.Add("Index", i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                int size = i % 97 == 5 ? 90_000 + i : 300 + i % 200; // now and then one record over 64 KiB
                fields.Add("Payload", new string((char)('a' + (i + file.Length) % 26), size));
                yield return new LogEvent { File = file, RecordId = i, EventId = 4624, Channel = "Security", Fields = fields };
            }
        }
        var files = Enumerable.Range(0, 60).Select(i => $"g{i:D3}-{(i % 5 == 1 ? 900 + i : i % 4)}").ToList();
        var expected = new MemoryStream();
        using (var w = new RawEventJsonWriter(expected))
            foreach (var f in files)
                foreach (var e in Mixed(f)) w.Write(e);
        foreach (int threads in new[] { 2, 3 })
        {
            var ms = new MemoryStream();
            ParallelRawJsonDump.Write(files, Mixed, ms, threads);
            Assert.Equal(expected.ToArray(), ms.ToArray());
        }
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

    /// <summary>
    /// Output that is slow to take bytes (a pipe to a busy reader): the writes happen outside the workers' gate,
    /// so files come up in line while earlier bytes are still being written; no byte may overtake another.
    /// </summary>
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void A_slow_output_gives_the_one_thread_output(int threads)
    {
        var files = Enumerable.Range(0, 150).Select(i => $"f{i:D3}-{(i % 11 == 4 ? 1500 + i : i % 9)}").ToList();
        var slow = new SlowStream();
        ParallelRawJsonDump.Write(files, Events, slow, threads);
        Assert.Equal(OneThread(files), slow.Inner.ToArray());
        Assert.Equal(0, slow.Overlaps); // one writer at a time
    }

    /// <summary>Takes every write a moment later and counts writes that ran at the same time as another.</summary>
    private sealed class SlowStream : Stream
    {
        public readonly MemoryStream Inner = new();
        public int Overlaps;
        private int _active, _calls;

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (Interlocked.Increment(ref _active) > 1) Interlocked.Increment(ref Overlaps);
            try
            {
                if (Interlocked.Increment(ref _calls) % 3 == 0) Thread.Sleep(1);
                else Thread.Yield();
                Inner.Write(buffer, offset, count);
            }
            finally
            {
                Interlocked.Decrement(ref _active);
            }
        }

        public override void Flush() { }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Inner.Length;
        public override long Position { get => Inner.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
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
