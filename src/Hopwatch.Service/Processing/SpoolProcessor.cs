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
    private readonly Func<IEventParser> _parserFactory;
    private readonly System.Collections.Concurrent.ConcurrentBag<IEventParser> _parsers = new();
    private readonly int _parallelism = Math.Max(1, Environment.ProcessorCount);
    /// <summary>Lines per parse chunk: fixed (not tied to the core count) so numbering never depends on the machine.</summary>
    internal const int ChunkLines = 512;
    private readonly IReadOnlyList<IDetector> _detectors;
    private readonly IIncidentAnalyzer _analyzer;
    private readonly ServiceMetrics _metrics;
    private readonly LiveFeed _feed;
    private readonly AutoResetEvent _wake = new(false);
    private readonly ReadDiagnostics _diag = new();
    private readonly List<PendingAlert> _pending = new();
    private Thread? _thread;
    private volatile bool _stopping;
    private SpoolReader? _reader;
    private long _processedSeq;
    private long _inFlightAcceptedMs;
    private SpoolPosition _position;
    private long _detectorErrors;

    /// <summary>Set when the processing thread died (an unexpected store error); ingest then refuses.</summary>
    public Exception? Fault { get; private set; }

    public SpoolProcessor(SpoolWriter spool, ServiceStore store, Func<IEventParser> parserFactory, IReadOnlyList<IDetector> detectors,
        IIncidentAnalyzer analyzer, ServiceMetrics metrics, LiveFeed feed)
    {
        _spool = spool;
        _store = store;
        _parserFactory = parserFactory;
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

    /// <summary>Spool segments re-read before the checkpoint at start (see ServiceOptions.WarmupSegments).</summary>
    public int WarmupSegments { get; init; }

    public void Start()
    {
        var (pos, seq) = _store.ReadCheckpoint();
        _floor = pos;
        _position = pos;
        _processedSeq = seq;
        _pendingSeq = seq;
        var from = pos;
        if (pos.Segment > 0 && WarmupSegments > 0)
            from = new SpoolPosition(Math.Max(1, pos.Segment - WarmupSegments + 1), SpoolWriter.SegmentHeaderSize);
        _reader = new SpoolReader(_spool, from);
        _parseThread = new Thread(ParseLoop) { IsBackground = true, Name = "hopwatch-parser" };
        _parseThread.Start();
        _thread = new Thread(Run) { IsBackground = true, Name = "hopwatch-processor" };
        _thread.Start();
    }

    /// <summary>Processes what is in the spool, commits, and stops.</summary>
    public void Stop()
    {
        _stopping = true;
        _wake.Set();
        _parseThread?.Join();
        _thread?.Join();
    }

    /// <summary>Parsed records on their way from the parse stage to the detect stage.</summary>
    private sealed record ParsedBatch(List<SpoolRecord> Records, List<LogEvent>[] Events);

    // Parsing (all cores) and detection (one thread, spool order) overlap: while the detectors work
    // on one batch the next is being parsed. Bounded, so parsing never runs far ahead.
    private readonly System.Collections.Concurrent.BlockingCollection<ParsedBatch> _parsed = new(boundedCapacity: 3);
    private Thread? _parseThread;

    private void ParseLoop()
    {
        try
        {
            while (true)
            {
                var batch = _reader!.ReadBatch();
                if (batch.Count == 0)
                {
                    if (_stopping) return;
                    _wake.WaitOne(100);
                    continue;
                }
                long t0 = Stopwatch.GetTimestamp();
                var events = ParseInParallel(batch);
                _metrics.Stage("parse", Stopwatch.GetTimestamp() - t0);
                // The records' line memory belongs to the reader; detection needs only their headers.
                var headers = batch.Select(r => new SpoolRecord
                {
                    FirstSeq = r.FirstSeq, Count = r.Count, AcceptedUnixMs = r.AcceptedUnixMs, Format = r.Format,
                    Source = r.Source, Position = r.Position, Next = r.Next,
                }).ToList();
                var item = new ParsedBatch(headers, events);
                while (!_parsed.TryAdd(item, 100))
                    if (Fault is not null) return; // the detect stage died: nobody will take it
            }
        }
        catch (Exception e)
        {
            Fault = e;
            Console.Error.WriteLine("hopwatch serve: processing stopped: " + e);
        }
        finally
        {
            _parsed.CompleteAdding();
        }
    }

    private void Run()
    {
        var sinceCommit = Stopwatch.StartNew();
        bool dirty = false;
        try
        {
            while (true)
            {
                if (!_parsed.TryTake(out var item, 50))
                {
                    if (dirty) { Commit(); dirty = false; sinceCommit.Restart(); }
                    Reassess(force: true);
                    Interlocked.Exchange(ref _inFlightAcceptedMs, 0);
                    if (_parsed.IsCompleted) return;
                    continue;
                }
                long t0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < item.Records.Count; i++)
                {
                    var record = item.Records[i];
                    Interlocked.Exchange(ref _inFlightAcceptedMs, record.AcceptedUnixMs);
                    Detect(record, item.Events[i]);
                    if (record.Next.CompareTo(_floor) > 0) _position = record.Next;
                    _pendingSeq = Math.Max(_pendingSeq, record.FirstSeq + record.Count - 1);
                    dirty = true;
                }
                _metrics.Stage("detect", Stopwatch.GetTimestamp() - t0);
                if (sinceCommit.Elapsed >= CommitEvery || _pending.Count >= CommitAtAlerts)
                {
                    Commit();
                    dirty = false;
                    sinceCommit.Restart();
                    Reassess(force: false);
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
    private long _currentSeq;
    // Incidents with new alerts since they were last scored; scored at most every ReassessEvery.
    private readonly HashSet<string> _dirtyIncidents = new(StringComparer.Ordinal);
    private readonly Stopwatch _sinceReassess = Stopwatch.StartNew();
    private static readonly TimeSpan ReassessEvery = TimeSpan.FromSeconds(2);
    // Scoring may take at most about a tenth of the processing thread: after a round that took T,
    // the next waits at least 9T (re-reading and scoring a big incident's last 200 alerts costs
    // milliseconds, and a busy SOC stream keeps dozens of incidents changing).
    private const int ScoringShareInverse = 10;
    private TimeSpan _lastScoringCost;
    private volatile int _unscored;
    private const int ScoreBatch = 64;

    /// <summary>Incidents whose latest alerts are stored but not yet scored (0 when idle).</summary>
    public int UnscoredIncidents => _unscored;
    // The checkpoint found at start: warm-up re-reads before it but never moves it back.
    private SpoolPosition _floor;

    /// <summary>
    /// Parses the records' lines on all cores, in chunks of <see cref="ChunkLines"/> lines (each
    /// parser instance is used by one thread at a time); detection then runs in spool order.
    /// </summary>
    private List<LogEvent>[] ParseInParallel(List<SpoolRecord> batch)
    {
        var chunks = new List<(int Record, SpoolRecord Chunk)>();
        for (int r = 0; r < batch.Count; r++)
            foreach (var c in Chunk(batch[r])) chunks.Add((r, c));
        var results = new List<LogEvent>[chunks.Count];
        long warningsBefore = _diag.WarningCount;
        void ParseOne(int i)
        {
            if (!_parsers.TryTake(out var parser)) parser = _parserFactory();
            try
            {
                var list = new List<LogEvent>(chunks[i].Chunk.Count);
                parser.Parse(chunks[i].Chunk, _diag, list);
                results[i] = list;
            }
            finally { _parsers.Add(parser); }
        }
        if (_parallelism == 1 || chunks.Count == 1)
            for (int i = 0; i < chunks.Count; i++) ParseOne(i);
        else
            Parallel.For(0, chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = _parallelism }, ParseOne);
        _metrics.ParseWarnings(_diag.WarningCount - warningsBefore);
        var perRecord = new List<LogEvent>[batch.Count];
        for (int i = 0; i < chunks.Count; i++)
        {
            var list = perRecord[chunks[i].Record] ??= new List<LogEvent>(batch[chunks[i].Record].Count);
            list.AddRange(results[i]);
        }
        for (int r = 0; r < batch.Count; r++) perRecord[r] ??= new List<LogEvent>();
        return perRecord;
    }

    /// <summary>Splits a record into sub-records of at most <see cref="ChunkLines"/> lines, numbered as in the whole.</summary>
    internal static IEnumerable<SpoolRecord> Chunk(SpoolRecord record)
    {
        if (record.Count <= ChunkLines) { yield return record; yield break; }
        var lines = record.Lines;
        int start = 0, taken = 0;
        while (start < lines.Length || taken < record.Count)
        {
            int end = start, n = 0;
            var span = lines.Span;
            while (n < ChunkLines && end < span.Length)
            {
                int nl = span[end..].IndexOf((byte)'\n');
                end = nl < 0 ? span.Length : end + nl + 1;
                n++;
            }
            if (n == 0) yield break;
            int len = end - start;
            if (end <= span.Length && len > 0 && span[end - 1] == (byte)'\n') len--;
            yield return new SpoolRecord
            {
                FirstSeq = record.FirstSeq + taken,
                Count = n,
                AcceptedUnixMs = record.AcceptedUnixMs,
                Format = record.Format,
                Source = record.Source,
                Lines = lines.Slice(start, len),
                Position = record.Position,
                Next = record.Next,
            };
            taken += n;
            start = end;
        }
    }

    private void Detect(SpoolRecord record, List<LogEvent> events)
    {
        // Warm-up records (before the start checkpoint) only rebuild detector state: their alerts
        // were stored by the run that first processed them (or since removed by retention).
        bool warmup = record.Next.CompareTo(_floor) <= 0;
        Action<Alert> emit = warmup ? _ => { } : a => _pending.Add(new PendingAlert(a, _currentSeq, record.AcceptedUnixMs));
        foreach (var e in events)
        {
            long seq = e.RecordId;
            _currentSeq = seq;
            foreach (var d in _detectors)
            {
                try
                {
                    d.Process(e, emit);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // One detector's bug must not stop the service or the other detectors.
                    if (Interlocked.Increment(ref _detectorErrors) <= 20)
                        Console.Error.WriteLine($"hopwatch serve: detector {d.Name} failed on event {seq}: {ex.Message}");
                }
            }
        }
        // Warm-up re-reads (before the start checkpoint) were counted by the run that first processed them.
        if (record.Next.CompareTo(_floor) > 0) _metrics.Parsed(record.Count);
    }

    private void Commit()
    {
        long t0 = Stopwatch.GetTimestamp();
        try { CommitNow(); }
        finally { _metrics.Stage("commit", Stopwatch.GetTimestamp() - t0); }
    }

    private void CommitNow()
    {
        var inserted = _store.CommitBatch(_pending, _position, _pendingSeq);
        foreach (var a in inserted) if (a.IncidentId is not null) _dirtyIncidents.Add(a.IncidentId);
        _unscored = _dirtyIncidents.Count;
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

    /// <summary>Scores the incidents that changed (when idle, or every <see cref="ReassessEvery"/> under load).</summary>
    private void Reassess(bool force)
    {
        if (_dirtyIncidents.Count == 0) return;
        // Idle moments come often under a steady stream (between batches), so forced rounds keep
        // the share rule too, without the 2 s floor: cheap rounds still run at once.
        var wait = TimeSpan.FromTicks(_lastScoringCost.Ticks * (ScoringShareInverse - 1));
        if (!force && ReassessEvery > wait) wait = ReassessEvery;
        if (_sinceReassess.Elapsed < wait) return;
        long t0 = Stopwatch.GetTimestamp();
        // Under load at most ScoreBatch incidents a round (the rest wait for the next), so scoring
        // cannot starve detection; when idle everything waiting is scored.
        var take = force ? _dirtyIncidents.ToList() : _dirtyIncidents.Take(ScoreBatch).ToList();
        _store.ReassessIncidents(take, _analyzer);
        long took = Stopwatch.GetTimestamp() - t0;
        _metrics.Stage("score", took);
        _lastScoringCost = Stopwatch.GetElapsedTime(0, took);
        foreach (var id in take)
        {
            _dirtyIncidents.Remove(id);
            _feed.Publish("incident", new System.Text.Json.Nodes.JsonObject { ["id"] = id });
        }
        _unscored = _dirtyIncidents.Count;
        _sinceReassess.Restart();
    }

    public void Dispose()
    {
        Stop();
        _reader?.Dispose();
        _wake.Dispose();
    }
}
