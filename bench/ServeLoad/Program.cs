using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Hopwatch.Bench.ServeLoad;
using System.Text.Json.Nodes;

// Load generator for `hopwatch serve` (bench/serve.sh): posts a simulated enterprise's events (a
// `hopwatch simulate` corpus: the realistic mix of a SOC's Windows stream with attack scenarios in
// it) in time order over loopback with a few concurrent connections, bounded in count and time,
// then waits until the service has processed everything it accepted and prints throughput, loss
// and alert latency.
var opts = ParseArgs(args);
string url = opts.GetValueOrDefault("--url") ?? throw new ArgumentException("--url required");
var uri = new Uri(url);
if (!uri.IsLoopback) { Console.Error.WriteLine("serve-load: refusing a non-loopback target"); return 2; }
string token = Environment.GetEnvironmentVariable("HOPWATCH_BENCH_TOKEN") ?? "";
long total = long.Parse(opts.GetValueOrDefault("--events") ?? "1000000", CultureInfo.InvariantCulture);
int batchSize = int.Parse(opts.GetValueOrDefault("--batch") ?? "2000", CultureInfo.InvariantCulture);
int concurrency = int.Parse(opts.GetValueOrDefault("--concurrency") ?? "4", CultureInfo.InvariantCulture);
// --rate N: offer N events/s (batches start on schedule), to see whether the service keeps up and
// what alert latency is at that rate; 0 posts as fast as the service answers (a burst).
double rate = double.Parse(opts.GetValueOrDefault("--rate") ?? "0", CultureInfo.InvariantCulture);
double maxSeconds = double.Parse(opts.GetValueOrDefault("--seconds") ?? "60", CultureInfo.InvariantCulture);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(120) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

var before = JsonNode.Parse(await http.GetStringAsync("/health"))!;
long baseAccepted = (long)before["events_accepted"]!, baseProcessed = (long)before["events_processed"]!;

// The corpus, in time order, cut into batch bodies up front so the client spends its CPU on sending.
string corpusDir = opts.GetValueOrDefault("--corpus") ?? throw new ArgumentException("--corpus DIR (a `hopwatch simulate --formats json` output) required");
var lines = Corpus.Load(corpusDir, total);
if (lines.Count < total) Console.WriteLine($"serve-load: the corpus holds {lines.Count} events, fewer than the {total} asked for");
total = lines.Count;
int batches = (int)Math.Ceiling(total / (double)batchSize);
var bodies = new byte[batches][];
long bodyBytes = 0;
for (int b = 0; b < batches; b++)
{
    int from = b * batchSize, to = (int)Math.Min(total, from + (long)batchSize);
    var body = new byte[Enumerable.Range(from, to - from).Sum(i => lines[i].Length + 1)];
    int at = 0;
    for (int i = from; i < to; i++)
    {
        lines[i].CopyTo(body, at);
        at += lines[i].Length;
        body[at++] = (byte)'\n';
    }
    bodies[b] = body;
    bodyBytes += body.Length;
}
lines = null;
Console.WriteLine($"serve-load: {total} events of {corpusDir} in batches of {batchSize}, {concurrency} connections, event size ~{bodyBytes / Math.Max(1, total)} bytes, "
    + (rate > 0 ? $"offered at {rate:F0} events/s" : "as fast as accepted"));

var clientCpu0 = Process.GetCurrentProcess().TotalProcessorTime;
long sent = 0, accepted = 0, retried = 0, failed = 0;
int next = -1;
var sw = Stopwatch.StartNew();
var deadline = TimeSpan.FromSeconds(maxSeconds);
var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
{
    while (sw.Elapsed < deadline)
    {
        int b = Interlocked.Increment(ref next);
        if (b >= batches) return;
        int count = (int)Math.Min(batchSize, total - (long)b * batchSize);
        if (rate > 0)
        {
            var due = TimeSpan.FromSeconds((double)b * batchSize / rate);
            if (due > sw.Elapsed) await Task.Delay(due - sw.Elapsed);
        }
        var body = bodies[b];
        while (sw.Elapsed < deadline)
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            var r = await http.PostAsync("/api/v1/events", content);
            if ((int)r.StatusCode == 429) { Interlocked.Increment(ref retried); await Task.Delay(50); continue; }
            if (!r.IsSuccessStatusCode) { Interlocked.Increment(ref failed); Console.Error.WriteLine($"serve-load: HTTP {(int)r.StatusCode}: {await r.Content.ReadAsStringAsync()}"); break; }
            var ans = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
            Interlocked.Add(ref accepted, (long)ans["accepted"]!);
            break;
        }
        Interlocked.Add(ref sent, count);
    }
})).ToArray();
await Task.WhenAll(workers);
double postSeconds = sw.Elapsed.TotalSeconds;
double clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientCpu0).TotalSeconds;

// Wait (bounded) until the service has processed what it accepted.
long processed = 0;
var drainDeadline = sw.Elapsed + TimeSpan.FromSeconds(Math.Max(30, maxSeconds));
JsonNode health;
while (true)
{
    health = JsonNode.Parse(await http.GetStringAsync("/health"))!;
    processed = (long)health["events_processed"]! - baseProcessed;
    if (processed >= (long)health["events_accepted"]! - baseAccepted || sw.Elapsed > drainDeadline) break;
    await Task.Delay(20);
}
double allSeconds = sw.Elapsed.TotalSeconds;
long spooled = (long)health["events_accepted"]! - baseAccepted;
string metrics = await http.GetStringAsync("/metrics");
double p99 = Metric(metrics, "hopwatch_alert_latency_recent_seconds{quantile=\"0.99\"}");
double p50 = Metric(metrics, "hopwatch_alert_latency_recent_seconds{quantile=\"0.5\"}");
double alerts = Metric(metrics, "hopwatch_alert_latency_seconds_count");

long lost = accepted - processed;
var stages = string.Join(", ", metrics.Split('\n').Where(l => l.StartsWith("hopwatch_stage_seconds_total{", StringComparison.Ordinal))
    .Select(l => l["hopwatch_stage_seconds_total{stage=\"".Length..].Replace("\"} ", " ") + " s"));
Console.WriteLine($"stages: {stages}");
Console.WriteLine($"posted: {accepted} events accepted in {postSeconds:F2} s ({accepted / postSeconds:F0} events/s ingest), {retried} retries after 429, {failed} failed requests");
Console.WriteLine($"processed: {processed} events (spool holds {spooled}) {allSeconds:F2} s after the first post");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"client CPU: {clientCpu:F2} s while posting"));
Console.WriteLine($"alerts: {alerts:F0} stored, latency p50 {p50 * 1000:F0} ms, p99 {p99 * 1000:F0} ms");
Console.WriteLine($"serve: {accepted / allSeconds:F0} events/s, {lost} lost");
return lost == 0 && failed == 0 ? 0 : 1;

static double Metric(string text, string name)
{
    foreach (var line in text.Split('\n'))
        if (line.StartsWith(name + " ", StringComparison.Ordinal) && double.TryParse(line[(name.Length + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            return v;
    return double.NaN;
}

static Dictionary<string, string> ParseArgs(string[] a)
{
    var d = new Dictionary<string, string>(StringComparer.Ordinal);
    for (int i = 0; i + 1 < a.Length; i += 2) d[a[i]] = a[i + 1];
    return d;
}
