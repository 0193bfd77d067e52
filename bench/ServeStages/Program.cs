using System.Diagnostics;
using System.Globalization;
using Hopwatch.Bench.ServeLoad;
using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Service;
using Hopwatch.Service.Detection;
using Hopwatch.Service.Ingest;
using Hopwatch.Service.Parsing;
using Hopwatch.Service.Spool;
using Hopwatch.Service.Store;

// Micro benchmark of `hopwatch serve`'s per-event work, one stage at a time on one thread, over a
// simulator corpus (bench/serve.sh makes one): ingest validation, parsing, detection, store commit.
// Prints CPU microseconds and allocated bytes per event for each stage, so a change to one stage is
// measured without HTTP, fsync or the other stages around it.
// Usage: serve-stages CORPUS_DIR [EVENTS] [ROUNDS]
if (args.Length < 1) { Console.Error.WriteLine("usage: serve-stages CORPUS_DIR [EVENTS] [ROUNDS]"); return 2; }
long max = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 200_000;
int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3;
var lines = Corpus.Load(args[0], max);
const int BatchLines = 2000, ChunkLines = 512;
var bodies = new List<(byte[] Body, int Count)>();
for (int i = 0; i < lines.Count; i += BatchLines)
{
    var part = lines.Skip(i).Take(BatchLines).ToList();
    var ms = new MemoryStream();
    foreach (var l in part) { ms.Write(l); ms.WriteByte((byte)'\n'); }
    bodies.Add((ms.ToArray(), part.Count));
}
long bytes = lines.Sum(l => (long)l.Length);
Console.WriteLine($"serve-stages: {lines.Count} events, {bytes / lines.Count} bytes each on average, {rounds} rounds (best shown)");

// Chunks of spooled lines as the processor parses them (its ChunkLines lines each).
var chunks = new List<SpoolRecord>();
long seq = 1;
for (int i = 0; i < lines.Count; i += ChunkLines)
{
    var ms = new MemoryStream();
    int n = 0;
    for (int j = i; j < Math.Min(lines.Count, i + ChunkLines); j++, n++) { if (n > 0) ms.WriteByte((byte)'\n'); ms.Write(lines[j]); }
    chunks.Add(new SpoolRecord { FirstSeq = seq, Count = n, AcceptedUnixMs = 1_790_000_000_000, Format = SpoolPayloadFormat.JsonLines, Source = "http", Lines = ms.ToArray() });
    seq += n;
}

Measure("validate", rounds, () =>
{
    foreach (var (body, _) in bodies)
    {
        var b = BatchValidator.Validate(body, textLines: false);
        if (!b.Ok) throw new InvalidDataException(b.Error);
        b.ReturnBuffer();
    }
});

var parser = EvidenceReaderEventParser.BestFactory()();
var diag = new ReadDiagnostics();
List<LogEvent> events = new();
Measure("parse (" + parser.Name + ")", rounds, () =>
{
    events = new List<LogEvent>(lines.Count);
    foreach (var c in chunks) parser.Parse(c, diag, events);
});
if (events.Count != lines.Count) Console.WriteLine($"  parse gave {events.Count} events for {lines.Count} lines ({diag.WarningCount} warnings)");

// SERVE_STAGES_ONLY=parse stops here (to profile the parser alone).
if (Environment.GetEnvironmentVariable("SERVE_STAGES_ONLY") == "parse") return 0;
var pending = new List<PendingAlert>();
for (int r = 0; r < rounds; r++)
{
    var state = Directory.CreateTempSubdirectory("serve-stages-");
    try
    {
        using var stages = ServiceDetectors.Create(new ServiceOptions { StateDir = state.FullName });
        pending.Clear();
        Action<Alert> emit = a => pending.Add(new PendingAlert(a, 0, 0));
        var per = new Dictionary<string, long>();
        var sw = new Stopwatch();
        Once($"detect (round {r + 1})", () =>
        {
            foreach (var e in events)
                foreach (var d in stages.Detectors)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    d.Process(e, emit);
                    per[d.Name] = per.GetValueOrDefault(d.Name) + Stopwatch.GetTimestamp() - t0;
                }
        });
        if (r == rounds - 1)
        {
            Console.WriteLine("  " + string.Join(", ", per.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value * 1e6 / Stopwatch.Frequency / events.Count:F2}")) + " µs/event (wall, incl. timer)");
            Console.WriteLine($"  {pending.Count} alerts: " + string.Join(", ", pending.GroupBy(p => p.Alert.Analytic).Select(g => $"{g.Key} {g.Count()}")));
            using var store = new ServiceStore(Path.Combine(state.FullName, "hopwatch.db"), TimeSpan.FromMinutes(60));
            // One commit per 2000 events as under load (most commits carry no alert).
            var byBatch = pending.Select((p, i) => (p, i)).GroupBy(x => (int)((long)x.i * bodies.Count / Math.Max(1, pending.Count))).ToDictionary(g => g.Key, g => g.Select(x => x.p).ToList());
            Once("commit", () =>
            {
                for (int b = 0; b < bodies.Count; b++)
                    store.CommitBatch(byBatch.GetValueOrDefault(b) ?? new List<PendingAlert>(), new SpoolPosition(1, 16 + b), (long)(b + 1) * BatchLines);
            });
        }
    }
    finally { state.Delete(recursive: true); }
}
return 0;

void Measure(string name, int n, Action body)
{
    double best = double.MaxValue, alloc = 0;
    for (int i = 0; i < n; i++)
    {
        var (us, a) = Run(body);
        if (us < best) { best = us; alloc = a; }
    }
    Console.WriteLine($"{name,-28} {best,7:F2} µs/event CPU, {alloc,7:F0} bytes/event allocated");
}

void Once(string name, Action body)
{
    var (us, a) = Run(body);
    Console.WriteLine($"{name,-28} {us,7:F2} µs/event CPU, {a,7:F0} bytes/event allocated");
}

(double Us, double Alloc) Run(Action body)
{
    GC.Collect();
    long a0 = GC.GetTotalAllocatedBytes(precise: true);
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    body();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
    long a = GC.GetTotalAllocatedBytes(precise: true) - a0;
    return (cpu.TotalMilliseconds * 1000 / lines.Count, a / (double)lines.Count);
}
