using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

// Load generator for `hopwatch serve` (bench/serve.sh): posts pre-built batches of Security events
// over loopback with a few concurrent connections, bounded in count and time, then waits until the
// service has processed everything it accepted and prints throughput, loss and alert latency.
var opts = ParseArgs(args);
string url = opts.GetValueOrDefault("--url") ?? throw new ArgumentException("--url required");
var uri = new Uri(url);
if (!uri.IsLoopback) { Console.Error.WriteLine("serve-load: refusing a non-loopback target"); return 2; }
string token = Environment.GetEnvironmentVariable("HOPWATCH_BENCH_TOKEN") ?? "";
long total = long.Parse(opts.GetValueOrDefault("--events") ?? "1000000", CultureInfo.InvariantCulture);
int batchSize = int.Parse(opts.GetValueOrDefault("--batch") ?? "2000", CultureInfo.InvariantCulture);
int concurrency = int.Parse(opts.GetValueOrDefault("--concurrency") ?? "4", CultureInfo.InvariantCulture);
double maxSeconds = double.Parse(opts.GetValueOrDefault("--seconds") ?? "60", CultureInfo.InvariantCulture);
int alertEvery = int.Parse(opts.GetValueOrDefault("--alert-every") ?? "200", CultureInfo.InvariantCulture);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency }) { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(120) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

var before = JsonNode.Parse(await http.GetStringAsync("/health"))!;
long baseAccepted = (long)before["events_accepted"]!, baseProcessed = (long)before["events_processed"]!;

// A pool of distinct batch bodies built up front so the client spends its CPU on sending.
int batches = (int)Math.Ceiling(total / (double)batchSize);
var bodies = new byte[Math.Min(batches, 64)][];
var t0 = new DateTime(2024, 7, 1, 0, 0, 0, DateTimeKind.Utc);
for (int b = 0; b < bodies.Length; b++)
{
    var sb = new StringBuilder(batchSize * 420);
    for (int i = 0; i < batchSize; i++)
    {
        long n = (long)b * batchSize + i;
        if (i > 0) sb.Append('\n');
        AppendEvent(sb, n, alert: n % alertEvery == 0, t0.AddMilliseconds(n));
    }
    bodies[b] = Encoding.UTF8.GetBytes(sb.ToString());
}
Console.WriteLine($"serve-load: {total} events in batches of {batchSize}, {concurrency} connections, event size ~{bodies[0].Length / batchSize} bytes, 1 alert per {alertEvery} events");

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
        var body = bodies[b % bodies.Length];
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
Console.WriteLine($"alerts: {alerts:F0} stored, latency p50 {p50 * 1000:F0} ms, p99 {p99 * 1000:F0} ms");
Console.WriteLine($"serve: {accepted / allSeconds:F0} events/s, {lost} lost");
return lost == 0 && failed == 0 ? 0 : 1;

static void AppendEvent(StringBuilder sb, long n, bool alert, DateTime t)
{
    int kind = (int)(n % 4);
    int eventId = alert ? 4624 : kind switch { 0 => 4624, 1 => 4634, 2 => 4672, _ => 4625 };
    int logonType = alert ? 10 : 3;
    sb.Append("{\"EventID\":").Append(eventId)
      .Append(",\"Channel\":\"Security\",\"SourceName\":\"Microsoft-Windows-Security-Auditing\",\"Hostname\":\"srv")
      .Append(n % 500).Append(".corp.example.com\",\"RecordNumber\":").Append(n)
      .Append(",\"@timestamp\":\"").Append(t.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture))
      .Append("\",\"EventTime\":\"").Append(t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
      .Append("\",\"TargetUserName\":\"user").Append(n % 997).Append("\",\"TargetDomainName\":\"CORP\",\"TargetUserSid\":\"S-1-5-21-1004336348-1177238915-682003330-")
      .Append(1000 + n % 997).Append("\",\"SubjectUserSid\":\"S-1-5-18\",\"SubjectUserName\":\"SRV").Append(n % 500)
      .Append("$\",\"SubjectDomainName\":\"CORP\",\"SubjectLogonId\":\"0x3e7\",\"LogonType\":\"").Append(logonType)
      .Append("\",\"TargetLogonId\":\"0x").Append((n * 7919).ToString("x", CultureInfo.InvariantCulture))
      .Append("\",\"LogonProcessName\":\"NtLmSsp \",\"AuthenticationPackageName\":\"NTLM\",\"WorkstationName\":\"WKS")
      .Append(n % 300).Append("\",\"IpAddress\":\"10.").Append(n % 200).Append('.').Append(n % 250).Append('.').Append(1 + n % 253)
      .Append("\",\"IpPort\":\"").Append(40000 + n % 20000).Append("\",\"ProcessName\":\"-\",\"KeyLength\":\"128\"}");
}

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
