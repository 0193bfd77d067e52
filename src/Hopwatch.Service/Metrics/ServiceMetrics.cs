using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Hopwatch.Service.Metrics;

/// <summary>The service's counters, printed in the Prometheus text format by <see cref="Render"/>.</summary>
public sealed class ServiceMetrics
{
    private long _eventsReceived;
    private long _batchesReceived;
    private long _eventsParsed;
    private long _parseWarnings;
    private long _alertsDuplicate;
    private long _alertsSuppressed;
    private long _rejected401, _rejected400, _rejected413, _rejected429;
    private long _syslogMessages, _tailLines;
    public readonly ConcurrentDictionary<string, long> AlertsByAnalytic = new(StringComparer.Ordinal);
    public LatencyRecorder AlertLatency { get; } = new();
    /// <summary>Wall time spent per processing stage (parse, detect, commit, score), in Stopwatch ticks.</summary>
    public readonly ConcurrentDictionary<string, long> StageTicks = new(StringComparer.Ordinal);

    public void Stage(string stage, long stopwatchTicks) => StageTicks.AddOrUpdate(stage, stopwatchTicks, (_, v) => v + stopwatchTicks);

    /// <summary>Sequence-based progress, read from the spool and processor when rendering.</summary>
    public Func<(long Accepted, long Processed, double LagSeconds)>? Progress { get; set; }

    public long EventsReceived => Interlocked.Read(ref _eventsReceived);
    public long EventsParsed => Interlocked.Read(ref _eventsParsed);

    public void Received(int events) { Interlocked.Add(ref _eventsReceived, events); Interlocked.Increment(ref _batchesReceived); }
    public void Parsed(int events) => Interlocked.Add(ref _eventsParsed, events);
    public void ParseWarnings(long n) => Interlocked.Add(ref _parseWarnings, n);
    public void Duplicates(int n) => Interlocked.Add(ref _alertsDuplicate, n);
    public void Suppressed(int n) => Interlocked.Add(ref _alertsSuppressed, n);
    public void Alert(string analytic) => AlertsByAnalytic.AddOrUpdate(analytic, 1, (_, v) => v + 1);
    public void Syslog(int n) => Interlocked.Add(ref _syslogMessages, n);
    public void Tailed(int n) => Interlocked.Add(ref _tailLines, n);

    public void Rejected(int status)
    {
        switch (status)
        {
            case 401: Interlocked.Increment(ref _rejected401); break;
            case 400: Interlocked.Increment(ref _rejected400); break;
            case 413: Interlocked.Increment(ref _rejected413); break;
            case 429: Interlocked.Increment(ref _rejected429); break;
        }
    }

    public string Render()
    {
        var sb = new StringBuilder();
        var (accepted, processed, lag) = Progress?.Invoke() ?? (0, 0, 0);
        Counter(sb, "hopwatch_events_received_total", "Events accepted into the spool by this process (all inputs).", EventsReceived);
        Counter(sb, "hopwatch_batches_received_total", "Batches accepted into the spool by this process.", Interlocked.Read(ref _batchesReceived));
        Gauge(sb, "hopwatch_spool_events_accepted", "Sequence number of the last accepted event (all time).", accepted);
        Gauge(sb, "hopwatch_spool_events_processed", "Sequence number of the last processed event (all time).", processed);
        Gauge(sb, "hopwatch_queue_depth_events", "Accepted events not yet processed.", Math.Max(0, accepted - processed));
        Gauge(sb, "hopwatch_processing_lag_seconds", "Age of the oldest accepted but unprocessed batch.", lag);
        Counter(sb, "hopwatch_events_processed_total", "Events parsed and run through the detectors by this process.", EventsParsed);
        Counter(sb, "hopwatch_parse_warnings_total", "Events that could not be parsed (counted, skipped).", Interlocked.Read(ref _parseWarnings));
        Counter(sb, "hopwatch_syslog_messages_total", "Syslog messages received (TCP and UDP).", Interlocked.Read(ref _syslogMessages));
        Counter(sb, "hopwatch_tail_lines_total", "Lines read from tailed files.", Interlocked.Read(ref _tailLines));
        sb.Append("# HELP hopwatch_ingest_rejected_total HTTP ingest requests refused, by status.\n# TYPE hopwatch_ingest_rejected_total counter\n");
        foreach (var (code, v) in new[] { (400, _rejected400), (401, _rejected401), (413, _rejected413), (429, _rejected429) })
            sb.Append("hopwatch_ingest_rejected_total{code=\"").Append(code).Append("\"} ").Append(v).Append('\n');
        sb.Append("# HELP hopwatch_alerts_total Alerts stored, by analytic.\n# TYPE hopwatch_alerts_total counter\n");
        foreach (var (k, v) in AlertsByAnalytic.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append("hopwatch_alerts_total{analytic=\"").Append(LabelEscape(k)).Append("\"} ").Append(v).Append('\n');
        sb.Append("# HELP hopwatch_stage_seconds_total Time spent per processing stage (parse runs on all cores; the others on the processing thread).\n# TYPE hopwatch_stage_seconds_total counter\n");
        foreach (var (k, v) in StageTicks.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            sb.Append("hopwatch_stage_seconds_total{stage=\"").Append(k).Append("\"} ").Append(F(v / (double)System.Diagnostics.Stopwatch.Frequency)).Append('\n');
        Counter(sb, "hopwatch_alerts_duplicate_total", "Alerts raised again on replay and ignored (same id).", Interlocked.Read(ref _alertsDuplicate));
        Counter(sb, "hopwatch_alerts_suppressed_total", "Alerts stored as suppressed by the allowlist.", Interlocked.Read(ref _alertsSuppressed));
        sb.Append("# HELP hopwatch_alert_latency_seconds From acceptance of the event to the stored alert.\n# TYPE hopwatch_alert_latency_seconds histogram\n");
        var cum = AlertLatency.CumulativeBuckets();
        for (int i = 0; i < LatencyRecorder.Buckets.Length; i++)
            sb.Append("hopwatch_alert_latency_seconds_bucket{le=\"").Append(F(LatencyRecorder.Buckets[i])).Append("\"} ").Append(cum[i]).Append('\n');
        sb.Append("hopwatch_alert_latency_seconds_bucket{le=\"+Inf\"} ").Append(cum[^1]).Append('\n');
        sb.Append("hopwatch_alert_latency_seconds_sum ").Append(F(AlertLatency.Sum)).Append('\n');
        sb.Append("hopwatch_alert_latency_seconds_count ").Append(AlertLatency.Count).Append('\n');
        sb.Append("# HELP hopwatch_alert_latency_recent_seconds Quantiles over the most recent 65536 alerts.\n# TYPE hopwatch_alert_latency_recent_seconds gauge\n");
        foreach (var q in new[] { 0.5, 0.99 })
        {
            double v = AlertLatency.Quantile(q);
            sb.Append("hopwatch_alert_latency_recent_seconds{quantile=\"").Append(F(q)).Append("\"} ").Append(double.IsNaN(v) ? "NaN" : F(v)).Append('\n');
        }
        return sb.ToString();
    }

    private static void Counter(StringBuilder sb, string name, string help, long v) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" counter\n").Append(name).Append(' ').Append(v).Append('\n');

    private static void Gauge(StringBuilder sb, string name, string help, double v) =>
        sb.Append("# HELP ").Append(name).Append(' ').Append(help).Append("\n# TYPE ").Append(name).Append(" gauge\n").Append(name).Append(' ').Append(F(v)).Append('\n');

    private static string F(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    private static string LabelEscape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
