using System.Diagnostics;
using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Service.Api;
using Hopwatch.Service.Metrics;
using Hopwatch.Service.Parsing;
using Hopwatch.Service.Spool;
using Hopwatch.Service.Store;

namespace Hopwatch.Service.Processing;

/// <summary>
/// The single processing thread: reads the spool from the stored checkpoint, parses each record,
/// runs every detector over the events in spool order and commits the alerts together with the new
/// checkpoint. After a crash it starts again at the last checkpoint, so events processed after it
/// are processed again: their alerts come out with the same ids and the store ignores them.
/// </summary>
public sealed class SpoolProcessor : IDisposable
{
    private static readonly TimeSpan CommitEvery = TimeSpan.FromMilliseconds(50);
    private const int CommitAtAlerts = 2000;

    private readonly SpoolWriter _spool;
    private readonly ServiceStore _store;
    private readonly IEventParser _parser;
    private readonly IReadOnlyList<IDetector> _detectors;
    private readonly IIncidentAnalyzer _analyzer;
    private readonly ServiceMetrics _metrics;
    private readonly LiveFeed _feed;
    private readonly AutoResetEvent _wake = new(false);
    private readonly ReadDiagnostics _diag = new();
    private readonly List<PendingAlert> _pending = new();
    private readonly List<LogEvent> _events = new();
    private Thread? _thread;
    private volatile bool _stopping;
    private SpoolReader? _reader;
    private long _processedSeq;
    private long _inFlightAcceptedMs;
    private SpoolPosition _position;
    private long _detectorErrors;

    /// <summary>Set when the processing thread died (an unexpected store error); ingest then refuses.</summary>
    public Exception? Fault { get; private set; }

    public SpoolProcessor(SpoolWriter spool, ServiceStore store, IEventParser parser, IReadOnlyList<IDetector> detectors,
        IIncidentAnalyzer analyzer, ServiceMetrics metrics, LiveFeed feed)
    {
        _spool = spool;
        _store = store;
        _parser = parser;
        _detectors = detectors;
        _analyzer = analyzer;
        _metrics = metrics;
        _feed = feed;
        _spool.Appended += () => _wake.Set();
    }

    /// <summary>Sequence number of the last event whose results are committed.</summary>
    public long ProcessedSeq => Interlocked.Read(ref _processedSeq);

    /// <summary>Seconds since the batch being worked on was accepted (0 when idle).</summary>
    public double LagSeconds
    {
        get
        {
            long ms = Interlocked.Read(ref _inFlightAcceptedMs);
            return ms == 0 ? 0 : Math.Max(0, (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - ms) / 1000.0);
        }
    }

    public long DetectorErrors => Interlocked.Read(ref _detectorErrors);
    public ReadDiagnostics Diagnostics => _diag;

    public void Start()
    {
        var (pos, seq) = _store.ReadCheckpoint();
        _position = pos;
        _processedSeq = seq;
        _pendingSeq = seq;
        _reader = new SpoolReader(_spool, pos);
        _thread = new Thread(Run) { IsBackground = true, Name = "hopwatch-processor" };
        _thread.Start();
    }

    /// <summary>Processes what is in the spool, commits, and stops.</summary>
    public void Stop()
    {
        _stopping = true;
        _wake.Set();
        _thread?.Join();
    }

    private void Run()
    {
        var sinceCommit = Stopwatch.StartNew();
        bool dirty = false;
        try
        {
            while (true)
            {
                var batch = _reader!.ReadBatch();
                if (batch.Count == 0)
                {
                    if (dirty) { Commit(); dirty = false; sinceCommit.Restart(); }
                    Interlocked.Exchange(ref _inFlightAcceptedMs, 0);
                    if (_stopping) return;
                    _wake.WaitOne(100);
                    continue;
                }
                foreach (var record in batch)
                {
                    Interlocked.Exchange(ref _inFlightAcceptedMs, record.AcceptedUnixMs);
                    ProcessRecord(record);
                    _position = record.Next;
                    _pendingSeq = record.FirstSeq + record.Count - 1;
                    dirty = true;
                }
                if (sinceCommit.Elapsed >= CommitEvery || _pending.Count >= CommitAtAlerts)
                {
                    Commit();
                    dirty = false;
                    sinceCommit.Restart();
                }
            }
        }
        catch (Exception e)
        {
            Fault = e;
            Console.Error.WriteLine("hopwatch serve: processing stopped: " + e);
        }
    }

    private long _pendingSeq;

    private void ProcessRecord(SpoolRecord record)
    {
        _events.Clear();
        long warningsBefore = _diag.WarningCount;
        _parser.Parse(record, _diag, _events);
        _metrics.ParseWarnings(_diag.WarningCount - warningsBefore);
        foreach (var e in _events)
        {
            long seq = e.RecordId;
            foreach (var d in _detectors)
            {
                try
                {
                    d.Process(e, a => _pending.Add(new PendingAlert(a, seq, record.AcceptedUnixMs)));
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // One detector's bug must not stop the service or the other detectors.
                    if (Interlocked.Increment(ref _detectorErrors) <= 20)
                        Console.Error.WriteLine($"hopwatch serve: detector {d.Name} failed on event {seq}: {ex.Message}");
                }
            }
        }
        _metrics.Parsed(record.Count);
    }

    private void Commit()
    {
        var inserted = _store.CommitBatch(_pending, _position, _pendingSeq, _analyzer);
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var acceptedById = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var p in _pending) acceptedById.TryAdd(p.Alert.Id, p.AcceptedUnixMs);
        int suppressed = 0;
        foreach (var s in inserted)
        {
            _metrics.Alert(s.Alert.Analytic);
            if (s.SuppressedBy is not null) suppressed++;
            if (acceptedById.TryGetValue(s.Alert.Id, out long acc)) _metrics.AlertLatency.Record((now - acc) / 1000.0);
        }
        _metrics.Duplicates(_pending.Count - inserted.Count);
        _metrics.Suppressed(suppressed);
        _pending.Clear();
        Interlocked.Exchange(ref _processedSeq, _pendingSeq);
        if (inserted.Count > 0) _feed.PublishAlerts(inserted);
    }

    public void Dispose()
    {
        Stop();
        _reader?.Dispose();
        _wake.Dispose();
    }
}
