using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// bruteforce-then-success (T1110 + the remote service): failed logons (4625, 4771, 4776 with an
/// error, sshd "Failed password") for one account or from one source, then a success for that
/// account or from that source within the window. One alert per account/source burst.
/// </summary>
public sealed class BruteforceAnalytic : Analytic
{
    private sealed class Failures
    {
        public readonly Queue<DateTime> Times = new();
        public readonly EvidenceList Evidence = new(12);
        public readonly CappedSet Users = new(StringComparer.Ordinal);
        public readonly CappedSet Sources = new(StringComparer.Ordinal);
        public DateTime Last;
    }

    private const int MaxTimes = 4096;
    private readonly Dictionary<string, Failures> _failures = new(StringComparer.Ordinal);
    private readonly TimeSpan _window;

    public BruteforceAnalytic(AnalyticsContext ctx) : base(ctx) => _window = TimeSpan.FromMinutes(Config.BruteforceThenSuccess.WindowMinutes);

    public override string Name => AnalyticNames.BruteforceThenSuccess;
    public override int StateSize => _failures.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        bool failure = e.Kind is EventKind.FailedLogon or EventKind.KerberosPreauthFailed or EventKind.SshFailedLogin
            || (e.Kind == EventKind.NtlmValidation && !EventView.IsSuccessStatus(e.Status));
        var user = EventView.User(e);
        var ip = EventView.SourceIp(e);
        string? source = ip is not null && !Ips.IsLoopback(ip) ? ip : null;
        if (failure)
        {
            if (user is not null && !EventView.IsMachineAccount(user)) Fail("u|" + user, e, user, source);
            if (source is not null) Fail("s|" + source, e, user, source);
            return;
        }
        bool success = scope.Access is not null
            || (e.Kind == EventKind.Logon && e.LogonType is 2 or 7 or 11)
            || (e.Kind == EventKind.NtlmValidation && EventView.IsSuccessStatus(e.Status));
        if (!success || user is null || EventView.IsMachineAccount(user) || EventView.IsSystemAccount(user)) return;
        Failures? f = null;
        string? key = null;
        if (_failures.TryGetValue("u|" + user, out var fu) && Count(fu, e.Time) >= Config.BruteforceThenSuccess.MinFailures) { f = fu; key = "u|" + user; }
        else if (source is not null && _failures.TryGetValue("s|" + source, out var fs) && Count(fs, e.Time) >= Config.BruteforceThenSuccess.MinFailures) { f = fs; key = "s|" + source; }
        if (f is null || key is null) return;
        _failures.Remove(key);
        if (key[0] == 'u' && source is not null) _failures.Remove("s|" + source);
        else _failures.Remove("u|" + user);
        Report(f, e, scope, user, source, key[0] == 'u');
    }

    private void Fail(string key, LogEvent e, string? user, string? source)
    {
        if (!_failures.TryGetValue(key, out var f)) _failures[key] = f = new Failures();
        f.Times.Enqueue(e.Time);
        if (f.Times.Count > MaxTimes) f.Times.Dequeue();
        f.Evidence.Add(e);
        if (user is not null && f.Users.Count < 64) f.Users.Add(user);
        if (source is not null && f.Sources.Count < 64) f.Sources.Add(source);
        if (e.Time > f.Last) f.Last = e.Time;
    }

    private int Count(Failures f, DateTime now)
    {
        while (f.Times.Count > 0 && f.Times.Peek() < now - _window) f.Times.Dequeue();
        return f.Times.Count;
    }

    private void Report(Failures f, LogEvent success, EventScope scope, string user, string? source, bool byAccount)
    {
        var d = new AlertDraft(AnalyticNames.BruteforceThenSuccess,
            byAccount ? $"Brute force then success for {user}" : $"Password spraying/brute force from {source} then success",
            Severity.High, "T1110");
        string service = "";
        if (success.Kind is EventKind.SshLogin) { d.AddTechnique("T1021.004"); service = "SSH"; }
        else if (scope.Access?.Protocol == RemoteProtocol.Rdp) { d.AddTechnique("T1021.001"); service = "RDP"; }
        else if (scope.Access?.Protocol == RemoteProtocol.Network) { d.AddTechnique("T1021.002"); service = "network logon"; }
        else if (success.Kind == EventKind.Logon) service = $"logon type {success.LogonType}";
        else service = "NTLM validation";
        d.User(user);
        foreach (var u in f.Users) d.User(u);
        d.SourceIp(source);
        foreach (var s in f.Sources) d.SourceIp(s);
        d.SourceHost(scope.Access?.Source);
        d.TargetHost(scope.Host);
        d.PrivilegedSession = scope.Session?.Privileged == true;
        d.AddEvidence(f.Evidence.Items);
        d.AddEvidence(AlertEvidence.From(success));
        d.Details["failures"] = f.Evidence.Total;
        d.Details["failed_accounts"] = f.Users.ToList();
        d.Details["failure_sources"] = f.Sources.ToList();
        d.Details["success_time"] = success.Time;
        d.Details["success_service"] = service;
        d.Details["window_minutes"] = Config.BruteforceThenSuccess.WindowMinutes;
        d.Description =
            $"{f.Evidence.Total} failed logons " + (byAccount ? $"for {user}" : $"from {source} against {Fmt.List(f.Users)}") +
            (f.Sources.Count > 0 && byAccount ? $" (from {Fmt.List(f.Sources)})" : "") +
            $" were followed at {Fmt.Time(success.Time)} by a successful {service} of {user}" +
            (source is not null ? $" from {source}" : "") + $" on {Ctx.Describe(scope.Host)}: the password was guessed or sprayed. " +
            $"Evidence: {d.EvidenceTotal} events (event ids {Fmt.EventIds(d.Evidence)}).";
        Ctx.Emit(d);
    }

    public override void Advance(DateTime watermark)
    {
        List<string>? dead = null;
        foreach (var (k, f) in _failures) if (f.Last + _window < watermark) (dead ??= new()).Add(k);
        if (dead is not null) foreach (var k in dead) _failures.Remove(k);
    }
}
