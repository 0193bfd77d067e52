using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// State and services shared by all analytics of one suite: configuration, asset inventory, host
/// identity, logon sessions, Kerberos history, account activity per host, the allowlist, and the
/// alert sink (which applies context-based severity and allowlist suppression).
/// </summary>
public sealed class AnalyticsContext
{
    private const int MaxSuppressedKept = 100_000;
    private readonly List<(Alert Alert, string Reason)> _suppressed = new();

    public AnalyticsContext(AnalyticsConfig config, AssetInventory? assets)
    {
        Config = config;
        Assets = assets ?? AssetInventory.Empty;
        Identity = new HostIdentity(Assets, config.Context.DomainControllers);
        Sessions = new LogonSessionTracker(TimeSpan.FromHours(config.State.SessionIdleHours));
        Allowlist = new Allowlist(config.Allowlist, Assets);
        Baseline = new BaselineModel(TimeSpan.FromDays(config.RarePath.LearningDays), config.RarePath.MaxEntries, keepForWrite: false);
    }

    public AnalyticsConfig Config { get; }
    public AssetInventory Assets { get; }
    public HostIdentity Identity { get; }
    public LogonSessionTracker Sessions { get; }
    public KerberosTracker Kerberos { get; } = new();
    public HostActivity Activity { get; } = new();
    public Allowlist Allowlist { get; }
    /// <summary>What is usual (rare-path, ssh-lateral), from the state file and this run.</summary>
    public BaselineModel Baseline { get; internal set; }
    /// <summary>True for `baseline build`: learn only, never alert on novelty.</summary>
    public bool BuildingBaseline { get; internal set; }

    /// <summary>Latest event time minus the reorder tolerance: everything before it is settled.</summary>
    public DateTime Watermark { get; internal set; } = DateTime.MinValue;
    /// <summary>Earliest event time seen in this run.</summary>
    public DateTime FirstEventTime { get; internal set; } = DateTime.MaxValue;

    /// <summary>Where emitted alerts go (set by the detector for each call).</summary>
    internal Action<Alert>? Sink { get; set; }

    public IReadOnlyList<(Alert Alert, string Reason)> Suppressed => _suppressed;
    public long SuppressedCount { get; private set; }
    public long EmittedCount { get; private set; }

    public bool IsOffHours(DateTime utc)
    {
        int h = utc.AddHours(Config.Context.UtcOffsetHours).Hour;
        int s = Config.Context.OffHoursStart, e = Config.Context.OffHoursEnd;
        return s <= e ? h >= s && h <= e : h >= s || h <= e;
    }

    public bool IsPrivilegedName(string? user) => user is not null && Glob.Any(Config.Context.PrivilegedNamePatterns, user);

    public AssetRole RoleOf(string? host)
    {
        var r = Assets.RoleOf(host);
        if (r == AssetRole.Unknown && Identity.IsDomainController(host)) return AssetRole.Dc;
        return r;
    }

    /// <summary>"ws-hr-007 (workstation, HR)" — a host with what the inventory says about it.</summary>
    public string Describe(string? host)
    {
        if (host is null) return "an unknown host";
        var a = Assets.Find(host);
        var role = RoleOf(host);
        if (a is null && role == AssetRole.Unknown) return host;
        var parts = new List<string>();
        if (role != AssetRole.Unknown) parts.Add(role == AssetRole.Dc ? "domain controller" : role.ToString().ToLowerInvariant());
        if (a?.Department is { } d) parts.Add(d);
        if (a?.Owner is { } o) parts.Add("owner " + o);
        return parts.Count == 0 ? host : $"{host} ({string.Join(", ", parts)})";
    }

    /// <summary>
    /// Finishes a draft — off-hours and privileged context raise severity (reference 003), never fire
    /// alone — gives it its deterministic id, and emits it or records why an allowlist suppressed it.
    /// </summary>
    public void Emit(AlertDraft d)
    {
        if (d.Evidence.Count == 0) return;
        if (IsOffHours(d.First)) d.Raise("off-hours activity (" + Config.Context.OffHoursStart + "-" + Config.Context.OffHoursEnd + "h)");
        var privileged = d.Entities.Users.Where(IsPrivilegedName).ToList();
        if (privileged.Count > 0) d.Raise("privileged account name: " + string.Join(", ", privileged));
        else if (d.PrivilegedSession) d.Raise("special privileges assigned (4672)");

        var ruleId = AnalyticNames.RuleId(d.Analytic);
        var alert = new Alert
        {
            Analytic = d.Analytic,
            RuleId = ruleId,
            Title = d.Title,
            Severity = d.Severity,
            Techniques = d.Techniques.ToList(),
            TimeFirst = d.First,
            TimeLast = d.Last,
            Entities = d.Entities,
            Evidence = d.Evidence.OrderBy(e => e.Time).ThenBy(e => e.File, StringComparer.Ordinal).ThenBy(e => e.RecordId).ToList(),
            Description = d.Description,
            Details = d.Details,
        };
        d.Details["evidence_total"] = d.EvidenceTotal;
        if (d.Raised.Count > 0) d.Details["severity_raised_by"] = d.Raised.ToList();
        alert.Id = AlertIds.For(alert.Analytic, alert.RuleId, alert.Evidence);

        var actors = d.Actors ?? d.Entities.SourceHosts.Concat(d.Entities.SourceIps).ToList();
        var reason = Allowlist.Check(d.Analytic, actors, d.Entities.Users);
        if (reason is not null)
        {
            SuppressedCount++;
            if (_suppressed.Count < MaxSuppressedKept) _suppressed.Add((alert, reason));
            return;
        }
        EmittedCount++;
        Sink?.Invoke(alert);
    }
}
