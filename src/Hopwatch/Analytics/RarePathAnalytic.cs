using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// rare-path (T1021): remote access that is new against the baseline — a source→target pair never
/// seen, an account never seen on the target, an account active at an hour it never was. Alerts
/// need <c>min_novelties</c> of the three and only after the learning period; novel accesses of one
/// account from one source are grouped into one alert.
/// </summary>
public sealed class RarePathAnalytic : Analytic
{
    private sealed class NovelBurst : Burst
    {
        public string? User, Source, SourceIp;
        public readonly CappedSet Targets = new(StringComparer.Ordinal, 1000);
        public readonly CappedSet Novelties = new(StringComparer.Ordinal);
        public readonly CappedSet Protocols = new(StringComparer.Ordinal);
        public bool Privileged;
    }

    private static readonly string[] HourNames = Enumerable.Range(0, 24).Select(h => h.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    private readonly BurstTable<string, NovelBurst> _bursts;

    public RarePathAnalytic(AnalyticsContext ctx) : base(ctx) => _bursts = new(TimeSpan.FromMinutes(30), Close, StringComparer.Ordinal);

    public override string Name => AnalyticNames.RarePath;
    public override int StateSize => _bursts.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        var a = scope.Access;
        if (a is null || a.Source is null || a.SourceIsLoopback || a.Source == a.Target) return;
        if (a.Protocol == RemoteProtocol.Network && a.LogonType != 3) return;
        var model = Ctx.Baseline;
        bool learning = model.InLearning(a.Time);
        int hour = a.Time.AddHours(Config.Context.UtcOffsetHours).Hour;
        bool pairKnown = model.Observe("pair", a.Source, a.Target, a.Time);
        bool userHostKnown = model.Observe("user-host", a.User, a.Target, a.Time);
        bool hourKnown = model.Observe("user-hour", a.User, HourNames[hour], a.Time);
        if (learning || Ctx.BuildingBaseline) return;
        int novel = (pairKnown ? 0 : 1) + (userHostKnown ? 0 : 1) + (hourKnown ? 0 : 1);
        if (novel < Config.RarePath.MinNovelties) return;
        var b = _bursts.Get(a.User + "|" + a.Source, a.Time);
        b.User = a.User; b.Source = a.Source; b.SourceIp ??= a.SourceIp;
        b.Targets.Add(a.Target);
        b.Protocols.Add(a.Protocol.ToString().ToLowerInvariant());
        if (!pairKnown) b.Novelties.Add($"first {a.Source} → {a.Target}");
        if (!userHostKnown) b.Novelties.Add($"first logon of {a.User} on {a.Target}");
        if (!hourKnown) b.Novelties.Add($"first activity of {a.User} at {hour:00}h");
        b.Privileged |= scope.Session?.Privileged == true;
        b.Evidence.Add(e);
    }

    public override void Advance(DateTime watermark) => _bursts.Flush(watermark);

    private void Close(string key, NovelBurst b)
    {
        var d = new AlertDraft(AnalyticNames.RarePath, $"Rare path: {b.User} from {b.Source} to {Fmt.List(b.Targets, 3)}", Severity.Low, "T1021");
        foreach (var p in b.Protocols)
            d.AddTechnique(p switch { "rdp" => "T1021.001", "ssh" => "T1021.004", _ => "T1021.002" });
        if (b.Targets.Count >= 3) d.Raise($"{b.Targets.Count} new targets");
        d.User(b.User);
        d.SourceHost(b.Source);
        d.SourceIp(b.SourceIp);
        foreach (var t in b.Targets) d.TargetHost(t);
        d.PrivilegedSession = b.Privileged;
        d.AddEvidence(b.Evidence.Items);
        var model = Ctx.Baseline;
        d.Details["novelties"] = b.Novelties.ToList();
        d.Details["targets"] = b.Targets.ToList();
        d.Details["baseline_start"] = model.Start;
        d.Details["baseline_entries"] = model.KnownCount;
        d.Description =
            $"{b.User} reached {Fmt.List(b.Targets.Select(Ctx.Describe))} from {Ctx.Describe(b.Source)} over {string.Join("/", b.Protocols)} " +
            $"between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}, which the baseline (since {(model.Start is { } s ? Fmt.Time(s) : "?")}) has never seen: " +
            $"{Fmt.List(b.Novelties, 8)}. Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
