using System.Diagnostics;
using Hopwatch.Simulation.Writers;

namespace Hopwatch.Simulation;

/// <summary>What a simulation produced.</summary>
public sealed class SimulationResult
{
    public required TruthFile Truth { get; init; }
    public required Organisation Organisation { get; init; }
    public long EventCount { get; init; }
    public TimeSpan Elapsed { get; init; }
}

/// <summary>
/// Runs a simulation: builds the organisation, injects the attacks, generates benign days one at
/// a time (memory stays bounded by a day), numbers records per host and channel in time order and
/// hands every event to the writers. The same options give the same bytes.
/// </summary>
public static class Simulator
{
    public static SimulationResult Run(SimulationOptions o, string outDir, CancellationToken ct = default)
    {
        foreach (var f in o.Formats)
            if (!SimulationOptions.AllFormats.Contains(f)) throw new ArgumentException($"unknown format '{f}' (known: {string.Join(", ", SimulationOptions.AllFormats)})");
        Directory.CreateDirectory(outDir);
        var writers = new List<ISimEventWriter>();
        try
        {
            foreach (var f in o.Formats.Distinct())
                writers.Add(f switch
                {
                    "json" => new FlatJsonWriter(outDir),
                    "ecs" => new EcsJsonWriter(outDir),
                    "evtx" => new EvtxSimWriter(outDir),
                    _ => new AuthLogWriter(outDir),
                });
            var result = Run(o, e => { foreach (var w in writers) w.Write(e); }, ct);
            File.WriteAllText(Path.Combine(outDir, "truth.json"), result.Truth.ToJson());
            File.WriteAllText(Path.Combine(outDir, "assets.csv"), AssetsCsv.Render(result.Organisation));
            return result;
        }
        finally
        {
            foreach (var w in writers) w.Dispose();
        }
    }

    /// <summary>Generates the events in time order into <paramref name="output"/> (no files).</summary>
    public static SimulationResult Run(SimulationOptions o, Action<SimEvent> output, CancellationToken ct = default)
    {
        if (o.Days < 1) throw new ArgumentOutOfRangeException(nameof(o), "days must be at least 1");
        var scenarios = new List<AttackScenario>();
        foreach (var name in o.Scenarios)
            scenarios.Add(ScenarioRegistry.Find(name) ?? throw new ArgumentException(
                $"unknown scenario '{name}' (known: {string.Join(", ", ScenarioRegistry.Names)})"));

        var sw = Stopwatch.StartNew();
        var org = Organisation.Build(o.Hosts, new Random(o.Seed));
        var start = DateTime.SpecifyKind(o.Start.Date, DateTimeKind.Utc);
        var truth = new TruthFile { Seed = o.Seed, Hosts = o.Hosts, Days = o.Days, Start = start, End = start.AddDays(o.Days) };

        var pending = new List<SimEvent>();
        var attackCtx = new SimContext(org, new Random(unchecked(o.Seed * 7919 + 1)), pending.Add);
        PlaceAttacks(o, scenarios, attackCtx, start, truth);

        var recordIds = new Dictionary<(int, string), long>();
        long count = 0;
        for (int d = 0; d < o.Days; d++)
        {
            ct.ThrowIfCancellationRequested();
            var day = start.AddDays(d);
            var ctx = new SimContext(org, new Random(unchecked(o.Seed * 104729 + d)), pending.Add);
            new BenignActivity(ctx).GenerateDay(day);
            var until = d == o.Days - 1 ? DateTime.MaxValue : day.AddDays(1);
            pending.Sort(static (a, b) =>
            {
                int c = a.Time.CompareTo(b.Time);
                return c != 0 ? c : a.Sequence.CompareTo(b.Sequence);
            });
            int n = 0;
            while (n < pending.Count && pending[n].Time < until) n++;
            for (int i = 0; i < n; i++)
            {
                var e = pending[i];
                var key = (e.Host.Index, e.Schema.Channel);
                recordIds.TryGetValue(key, out long id);
                e.RecordId = ++id;
                recordIds[key] = id;
                output(e);
            }
            count += n;
            pending.RemoveRange(0, n);
        }
        truth.EventCount = count;
        return new SimulationResult { Truth = truth, Organisation = org, EventCount = count, Elapsed = sw.Elapsed };
    }

    /// <summary>
    /// Spreads the attacks over the weekdays of the last third of the period (weekends if there are
    /// none), in slots through office hours, or around 03:00 for off-hours scenarios.
    /// </summary>
    private static void PlaceAttacks(SimulationOptions o, List<AttackScenario> scenarios, SimContext ctx, DateTime start, TruthFile truth)
    {
        // Attacks come in the last third of the period, so the days before give analytics a baseline
        // of normal behaviour (rare-path learns for a week); weekdays when there are any.
        int first = o.Days - Math.Max(1, o.Days / 3);
        var period = Enumerable.Range(first, o.Days - first).Select(i => start.AddDays(i)).ToList();
        var days = period.Where(d => d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday)).ToList();
        if (days.Count == 0) days = period;
        int perDay = (scenarios.Count + days.Count - 1) / Math.Max(1, days.Count);
        for (int i = 0; i < scenarios.Count; i++)
        {
            var day = days[i % days.Count];
            int slot = i / days.Count;
            var s = scenarios[i];
            DateTime at = s.OffHours
                ? day.AddHours(2.5 + ctx.Rng.NextDouble())
                : day.AddHours(9.5 + slot * (7.0 / Math.Max(1, perDay)) + ctx.Rng.NextDouble() * 0.3);
            long before = ctx.Emitted;
            var t = s.Inject(ctx, at);
            t.EventCount = ctx.Emitted - before;
            truth.Scenarios.Add(t);
        }
    }
}
