using System.Text;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Syslog;

/// <summary>
/// Collects text lines from a streaming input (syslog, tailed files) and appends them to the spool
/// as one record every <c>flushMs</c> or every <c>maxLines</c> lines, whichever comes first.
/// </summary>
public sealed class LineBatcher : IDisposable
{
    private readonly HopwatchService _service;
    private readonly string _source;
    private readonly int _maxLines;
    private readonly object _lock = new();
    private List<byte[]> _lines = new();
    private readonly Timer _timer;
    private readonly SemaphoreSlim _flushGate = new(1, 1);

    public LineBatcher(HopwatchService service, string source, int flushMs = 100, int maxLines = 5000)
    {
        _service = service;
        _source = source;
        _maxLines = maxLines;
        _timer = new Timer(_ => _ = FlushAsync(), null, flushMs, flushMs);
    }

    /// <summary>True when the spool's unprocessed backlog is at capacity (inputs then wait or drop).</summary>
    public bool QueueFull => _service.Spool.NextSeq - 1 - _service.Processor.ProcessedSeq >= _service.Options.QueueCapacityEvents;

    public void Add(ReadOnlySpan<byte> line)
    {
        // One line per event in the spool: a message with embedded line breaks is joined with spaces.
        var copy = line.ToArray();
        for (int i = 0; i < copy.Length; i++) if (copy[i] is (byte)'\n' or (byte)'\r' or 0) copy[i] = (byte)' ';
        if (copy.AsSpan().Trim((byte)' ').IsEmpty) return;
        bool flush;
        lock (_lock)
        {
            _lines.Add(copy);
            flush = _lines.Count >= _maxLines;
        }
        if (flush) _ = FlushAsync();
    }

    public void Add(string line) => Add(Encoding.UTF8.GetBytes(line));

    public async Task FlushAsync()
    {
        await _flushGate.WaitAsync();
        try
        {
            List<byte[]> take;
            lock (_lock)
            {
                if (_lines.Count == 0) return;
                take = _lines;
                _lines = new List<byte[]>();
            }
            int size = take.Sum(l => l.Length + 1);
            var buf = new byte[size];
            int at = 0;
            foreach (var l in take)
            {
                if (at > 0) buf[at++] = (byte)'\n';
                l.CopyTo(buf, at);
                at += l.Length;
            }
            await _service.Spool.AppendAsync(SpoolPayloadFormat.TextLines, _source, buf.AsMemory(0, at), take.Count, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            _service.Metrics.Received(take.Count);
        }
        catch (ObjectDisposedException) { }
        finally { _flushGate.Release(); }
    }

    public void Dispose()
    {
        _timer.Dispose();
        FlushAsync().GetAwaiter().GetResult();
    }
}
