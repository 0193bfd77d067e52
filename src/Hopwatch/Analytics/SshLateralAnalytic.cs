using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// ssh-lateral (T1021.004): SSH logins between internal hosts (Linux sshd "Accepted ...", Windows
/// OpenSSH event 4) by accounts or keys the baseline has not seen doing it. Without a baseline every
/// internal SSH login pair is reported once, at low severity; privileged accounts (root, admin
/// names), several targets, and a source that was itself reached by a remote login shortly before
/// (a chain) raise it. <c>ssh_lateral.usual_accounts</c> and the allowlists silence automation.
/// </summary>
public sealed class SshLateralAnalytic : Analytic
{
    private sealed class SshBurst : Burst
    {
        public string? User, Source, SourceIp, Key;
        public bool Novel, Chained;
        public readonly CappedSet Targets = new(StringComparer.Ordinal, 1000);
        public readonly CappedSet Methods = new(StringComparer.Ordinal);
    }

    private readonly BurstTable<string, SshBurst> _bursts;
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _reachedAt = new(StringComparer.Ordinal);

    public SshLateralAnalytic(AnalyticsContext ctx) : base(ctx) => _bursts = new(TimeSpan.FromMinutes(Config.SshLateral.WindowMinutes), Close, StringComparer.Ordinal);

    public override string Name => AnalyticNames.SshLateral;
    public override int StateSize => _bursts.Count + _reported.Count + _reachedAt.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        var a = scope.Access;
        if (a is null) return;
        if (a.Protocol != RemoteProtocol.Ssh)
        {
            // A push from infrastructure that is allowed to reach everything (SCCM, scanner, backup,
            // jump host) does not make the target a stepping stone of a chain.
            if (!a.SourceIsLoopback && !IsInfrastructure(a.Source)) _reachedAt[a.Target] = a.Time;
            return;
        }
        var prevReach = _reachedAt.TryGetValue(a.Target, out var pr) ? pr : (DateTime?)null;
        _reachedAt[a.Target] = a.Time;
        if (a.SourceIsLoopback || a.Source is null || a.Source == a.Target) return;
        if (a.SourceIp is not null && !Ips.IsInternal(a.SourceIp)) return; // internet-facing SSH is not lateral
        if (Glob.Any(Config.SshLateral.UsualAccounts, a.User)) return;
        var (method, key) = ParseAccepted(e.Message);
        bool known = Ctx.Baseline.Observe("ssh", a.User + "@" + a.Source, a.Target, a.Time);
        bool baselineReady = !Ctx.Baseline.InLearning(a.Time) && !Ctx.BuildingBaseline;
        if (baselineReady && known) return;
        var triple = a.User + "|" + a.Source + "|" + a.Target;
        if (!_reported.Add(triple)) return;
        var b = _bursts.Get(a.User + "|" + a.Source, a.Time);
        b.User = a.User; b.Source = a.Source; b.SourceIp ??= a.SourceIp;
        b.Targets.Add(a.Target);
        if (method is not null) b.Methods.Add(method);
        b.Key ??= key;
        b.Novel |= baselineReady;
        if (_reachedAt.TryGetValue(a.Source, out var reached) && a.Time - reached < TimeSpan.FromHours(1) && a.Time >= reached) b.Chained = true;
        b.Evidence.Add(e);
        _ = prevReach;
    }

    private bool IsInfrastructure(string? source) =>
        source is not null && Ctx.Allowlist.Check(AnalyticNames.LogonChain, new[] { source }, Array.Empty<string>()) is not null;

    /// <summary>"Accepted publickey for bob from 10.0.0.5 port 2222 ssh2: RSA SHA256:abc" → (publickey, "RSA SHA256:abc").</summary>
    internal static (string? Method, string? Key) ParseAccepted(string? msg)
    {
        if (msg is null) return (null, null);
        int i = msg.IndexOf("Accepted ", StringComparison.Ordinal);
        if (i < 0) return (null, null);
        var rest = msg[(i + 9)..];
        int sp = rest.IndexOf(' ');
        var method = sp > 0 ? rest[..sp] : null;
        int colon = rest.IndexOf("ssh2: ", StringComparison.Ordinal);
        return (method, colon > 0 ? rest[(colon + 6)..].Trim() : null);
    }

    public override void Advance(DateTime watermark)
    {
        _bursts.Flush(watermark);
        if (_reachedAt.Count > 0 && watermark != DateTime.MaxValue)
        {
            List<string>? dead = null;
            foreach (var (h, t) in _reachedAt) if (t + TimeSpan.FromHours(1) < watermark) (dead ??= new()).Add(h);
            if (dead is not null) foreach (var h in dead) _reachedAt.Remove(h);
        }
        if (_reported.Count > 1_000_000) _reported.Clear(); // bound; at worst a pair is reported again
    }

    private void Close(string k, SshBurst b)
    {
        var d = new AlertDraft(AnalyticNames.SshLateral, $"SSH between internal hosts: {b.User} from {b.Source} to {Fmt.List(b.Targets, 3)}", Severity.Low, "T1021.004");
        if (b.Novel) d.Raise("not in the baseline");
        if (b.Chained) d.Raise($"{b.Source} had itself just been reached remotely (chain)");
        if (b.Targets.Count >= 3) d.Raise($"{b.Targets.Count} targets");
        if (b.User is "root") d.Raise("root login");
        d.User(b.User);
        d.SourceHost(b.Source);
        d.SourceIp(b.SourceIp);
        foreach (var t in b.Targets) d.TargetHost(t);
        d.AddEvidence(b.Evidence.Items);
        d.Details["account"] = b.User;
        d.Details["source"] = b.Source;
        d.Details["targets"] = b.Targets.ToList();
        d.Details["methods"] = b.Methods.ToList();
        d.Details["key"] = b.Key;
        d.Details["novel_vs_baseline"] = b.Novel;
        d.Description =
            $"{b.User} logged in over SSH from {Ctx.Describe(b.Source)}{(b.SourceIp is not null && b.SourceIp != b.Source ? " (" + b.SourceIp + ")" : "")} to " +
            $"{Fmt.List(b.Targets.Select(Ctx.Describe))} between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}" +
            (b.Methods.Count > 0 ? $" using {string.Join("/", b.Methods)}" : "") + (b.Key is not null ? $" (key {b.Key})" : "") +
            (b.Novel ? "; the baseline has never seen this account go from this source to these hosts" : "; no baseline covers this period yet") +
            (b.Chained ? $"; {b.Source} had itself just been reached remotely" : "") +
            $". Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
