using System.Globalization;
using Hopwatch.Events;

namespace Hopwatch.Scoring;

/// <summary>
/// Answers the seven questions of the triage playbook (reference 004, plus the execution and
/// credential-access checks of the issue) for one incident, each with the facts behind it.
/// "History" means days strictly before the incident's first day, so the attack does not make
/// itself normal.
/// </summary>
public sealed class TriageAnswers
{
    public const string SourceNormal = "source_normal";
    public const string TimeNormal = "time_normal";
    public const string FailuresBeforeSuccess = "failures_before_success";
    public const string FirstAccess = "first_access";
    public const string AdminSource = "admin_source";
    public const string ExecutedAfterLogon = "executed_after_logon";
    public const string CredentialAccess = "credential_access";
    private const int MaxEvidence = 20;

    private readonly ScoringOptions _options;
    private readonly TriageBaseline _baseline;

    public TriageAnswers(ScoringOptions options, TriageBaseline baseline)
    {
        _options = options;
        _baseline = baseline;
    }

    public List<TriageAnswer> Answer(Incident inc) =>
    [
        IsSourceNormal(inc), IsTimeNormal(inc), WereThereFailures(inc), IsFirstAccess(inc),
        IsAdminSource(inc), WasAnythingExecuted(inc), CredentialAccessOnSource(inc),
    ];

    /// <summary>Every (user, source) pair of the incident, chain hops included.</summary>
    internal static List<(string User, string Source)> Pairs(Incident inc)
    {
        var pairs = new List<(string, string)>();
        foreach (var (u, s) in PairList(inc)) pairs.Add((u, s));
        return pairs;
    }

    /// <summary><see cref="Pairs"/> as two parallel lists (no list of tuples: see <see cref="StableSort"/> on JIT costs).</summary>
    private static (List<string> Users, List<string> Sources) PairLists(Incident inc)
    {
        var users = new List<string>();
        var sources = new List<string>();
        var seen = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        // Per-alert lists reused from alert to alert.
        var alertUsers = new List<string>();
        var alertSources = new List<string>();
        foreach (var a in inc.Alerts)
        {
            alertUsers.Clear();
            foreach (var name in a.Entities.Users) if (Names.UserKey(name) is { } k) alertUsers.Add(k);
            IncidentBuilder.SourceKeysInto(a, alertSources);
            var path = AlertDetails.Path(a);
            for (int i = 0; i < path.Count - 1; i++) if (!alertSources.Contains(path[i])) alertSources.Add(path[i]);
            foreach (var u in alertUsers)
                foreach (var s in alertSources)
                {
                    if (!seen.TryGetValue(u, out var ofUser)) seen[u] = ofUser = new HashSet<string>(StringComparer.Ordinal);
                    if (ofUser.Add(s)) { users.Add(u); sources.Add(s); }
                }
        }
        return (users, sources);
    }

    private static IEnumerable<(string User, string Source)> PairList(Incident inc)
    {
        var (users, sources) = PairLists(inc);
        for (int i = 0; i < users.Count; i++) yield return (users[i], sources[i]);
    }

    private TriageAnswer IsSourceNormal(Incident inc)
    {
        const string q = "Is this source normal for this user?";
        var (pairUsers, pairSources) = PairLists(inc);
        if (pairUsers.Count == 0)
            return new TriageAnswer { Id = SourceNormal, Question = q, Answer = "unknown", Summary = "No account with a source host or address in the alerts." };
        var evidence = new List<string>();
        int unusual = 0;
        for (int i = 0; i < pairUsers.Count; i++)
        {
            string u = pairUsers[i], s = pairSources[i];
            int days = _baseline.SourceDaysBefore(u, s, inc.FirstSeen);
            if (days < _options.UsualSourceMinDays) unusual++;
            if (evidence.Count < MaxEvidence)
            {
                var usual = new List<string>(3);
                foreach (var x in _baseline.UsualSourcesOf(u))
                {
                    if (usual.Count == 3) break;
                    if (x.Source != s) usual.Add(x.Source + " (" + x.Days.ToString(CultureInfo.InvariantCulture) + " d)");
                }
                evidence.Add($"{u} from {s}: {days} earlier day(s) with a logon" +
                             (usual.Count > 0 ? "; usual sources: " + string.Join(", ", usual) : ""));
            }
        }
        bool normal = unusual == 0;
        return new TriageAnswer
        {
            Id = SourceNormal, Question = q, Answer = normal ? "yes" : "no", Suspicious = !normal, Evidence = evidence,
            Summary = normal
                ? $"Yes: every account/source pair was used on at least {_options.UsualSourceMinDays} earlier days."
                : $"No: {unusual} of {pairUsers.Count} account/source pair(s) have fewer than {_options.UsualSourceMinDays} earlier days of history.",
        };
    }

    private TriageAnswer IsTimeNormal(Incident inc)
    {
        const string q = "Is the time normal?";
        var evidence = new List<string>();
        int unusual = 0, judged = 0;
        // The hours of the alerts, in the order they first occur (earliest alert of each hour first).
        var firstOfHour = new long[24];
        for (int h = 0; h < 24; h++) firstOfHour[h] = long.MaxValue;
        foreach (var a in inc.Alerts) firstOfHour[a.TimeFirst.Hour] = Math.Min(firstOfHour[a.TimeFirst.Hour], a.TimeFirst.Ticks);
        var hours = new List<int>(24);
        for (int h = 0; h < 24; h++) if (firstOfHour[h] != long.MaxValue) hours.Add(h);
        hours.Sort((x, y) => firstOfHour[x].CompareTo(firstOfHour[y]));
        foreach (var u in inc.Users)
        {
            int history = _baseline.ActiveDaysBefore(u, inc.FirstSeen);
            foreach (var hour in hours)
            {
                judged++;
                bool usual;
                string why;
                if (history >= _options.UsualHourMinDays)
                {
                    int d = _baseline.HourDaysBefore(u, hour, inc.FirstSeen);
                    usual = d >= _options.UsualHourMinDays;
                    why = $"{u} at {hour:00}h UTC: active around that hour on {d} of {history} earlier day(s)";
                }
                else
                {
                    usual = hour < _options.OffHoursFirst || hour > _options.OffHoursLast;
                    why = $"{u} at {hour:00}h UTC: no per-user history ({history} earlier day(s)); " +
                          (usual ? "outside" : "inside") + $" the {_options.OffHoursFirst:00}–{_options.OffHoursLast:00}h off-hours window";
                }
                if (!usual) unusual++;
                if (evidence.Count < MaxEvidence) evidence.Add(why);
            }
        }
        if (judged == 0)
        {
            // The distinct off-hours alert times, oldest first.
            var offAlerts = new List<Alert>();
            foreach (var a in inc.Alerts) if (_options.IsOffHours(a.TimeFirst)) offAlerts.Add(a);
            StableSort.Sort(offAlerts, static (x, y) => x.TimeFirst.CompareTo(y.TimeFirst));
            var off = new List<string>();
            for (int i = 0; i < offAlerts.Count; i++)
                if (i == 0 || offAlerts[i].TimeFirst != offAlerts[i - 1].TimeFirst)
                    off.Add(offAlerts[i].TimeFirst.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture));
            return new TriageAnswer
            {
                Id = TimeNormal, Question = q, Answer = off.Count == 0 ? "yes" : "no", Suspicious = off.Count > 0,
                Summary = off.Count == 0 ? "Yes: no activity in the off-hours window (no account to baseline)." : $"No: {off.Count} alert(s) in the off-hours window.",
                Evidence = off.Take(MaxEvidence).ToList(),
            };
        }
        return new TriageAnswer
        {
            Id = TimeNormal, Question = q, Answer = unusual == 0 ? "yes" : "no", Suspicious = unusual > 0, Evidence = evidence,
            Summary = unusual == 0 ? "Yes: the activity falls in the accounts' usual hours." : $"No: {unusual} account/hour combination(s) are unusual.",
        };
    }

    private TriageAnswer WereThereFailures(Incident inc)
    {
        const string q = "Were there failures before success?";
        var from = SafeTime.Add(inc.FirstSeen, -_options.FailureLookback);
        // Each failure once (by record, time and file: numbers first, so the key reads back one way), in the order found, then oldest first.
        var list = new List<FailureFact>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Take(FailureFact f)
        {
            if (f.Time >= from && f.Time <= inc.LastSeen && seen.Add(string.Concat(f.RecordId.ToString(CultureInfo.InvariantCulture), "|", f.Time.Ticks.ToString(CultureInfo.InvariantCulture), "|", f.File)))
                list.Add(f);
        }
        foreach (var u in inc.Users)
            foreach (var f in _baseline.FailuresForUser(u)) Take(f);
        foreach (var s in inc.SourceHosts.Concat(inc.SourceIps))
            foreach (var f in _baseline.FailuresFromSource(s)) Take(f);
        bool bruteAlert = inc.Analytics.Contains("bruteforce-then-success") || inc.Techniques.Any(t => t.StartsWith("T1110", StringComparison.OrdinalIgnoreCase));
        StableSort.Sort(list, static (x, y) => x.Time.CompareTo(y.Time));
        bool brute = bruteAlert || list.Count >= _options.BruteForceMinFailures;
        var evidence = list.Take(MaxEvidence).Select(f =>
            $"{Ts(f.Time)} failure {f.EventId} for {f.User ?? "?"} from {f.Source ?? "?"} on {f.Host ?? "?"}{(f.Status is null ? "" : " status " + f.Status)}").ToList();
        if (bruteAlert) evidence.Insert(0, "a brute-force-then-success alert is part of the incident");
        return new TriageAnswer
        {
            Id = FailuresBeforeSuccess, Question = q, Answer = list.Count > 0 || bruteAlert ? "yes" : "no", Suspicious = brute, Evidence = evidence,
            Summary = list.Count == 0 && !bruteAlert
                ? $"No: no failed logon for the incident's accounts or sources from {Ts(from)} to the last alert."
                : $"Yes: {list.Count} failure(s) in the window{(brute ? " — consistent with brute force" : "")}.",
        };
    }

    private TriageAnswer IsFirstAccess(Incident inc)
    {
        const string q = "Is this the account's first access to this host?";
        var firsts = new List<string>();
        var known = new List<string>();
        int judged = 0;
        foreach (var u in inc.Users)
            foreach (var h in inc.TargetHosts)
            {
                var a = _baseline.Access(h, u);
                if (a is null) continue;
                judged++;
                if (a.FirstSuccess >= SafeTime.Minutes(inc.FirstSeen, -1))
                    firsts.Add($"{u} → {h}: first logon in the evidence at {Ts(a.FirstSuccess)}{(IsSensitive(h) ? " (sensitive host)" : "")}");
                else known.Add($"{u} → {h}: logged on before, first at {Ts(a.FirstSuccess)} ({a.Count} logon(s))");
            }
        if (judged == 0)
            return new TriageAnswer { Id = FirstAccess, Question = q, Answer = "unknown", Summary = "No logon of the incident's accounts on its targets was seen in the evidence." };
        return new TriageAnswer
        {
            Id = FirstAccess, Question = q, Answer = firsts.Count > 0 ? "yes" : "no", Suspicious = firsts.Count > 0,
            Evidence = firsts.Concat(known).Take(MaxEvidence).ToList(),
            Summary = firsts.Count > 0 ? $"Yes: {firsts.Count} account→host pair(s) have no earlier access." : "No: every account→host pair had earlier access.",
        };
    }

    private TriageAnswer IsAdminSource(Incident inc)
    {
        const string q = "Is the source an admin/jump host?";
        var sources = IncidentBuilder.SourceMachines(inc);
        if (sources.Count == 0)
            return new TriageAnswer { Id = AdminSource, Question = q, Answer = "unknown", Summary = "The alerts name no source host." };
        var evidence = new List<string>();
        int admin = 0, unknown = 0;
        foreach (var s in sources)
        {
            var role = _baseline.RoleOf(s);
            var allow = _options.AllowlistFor(s, null);
            if (allow is not null) { admin++; evidence.Add($"{s}: allowlisted — {allow.Reason}"); }
            else if (ScoringOptions.RoleIn(role, _options.BenignSourceRoles)) { admin++; evidence.Add($"{s}: asset role '{role}'"); }
            else if (role is null) { unknown++; evidence.Add($"{s}: no asset role known"); }
            else evidence.Add($"{s}: asset role '{role}' (not an admin role)");
        }
        string answer = admin == sources.Count ? "yes" : unknown == sources.Count ? "unknown" : "no";
        return new TriageAnswer
        {
            Id = AdminSource, Question = q, Answer = answer, Suspicious = answer == "no", Evidence = evidence.Take(MaxEvidence).ToList(),
            Summary = answer switch
            {
                "yes" => "Yes: every source is an admin, jump or allowlisted host.",
                "unknown" => "Unknown: no asset role for the source(s); give --assets to answer.",
                _ => $"No: {sources.Count - admin} source(s) are not admin or jump hosts.",
            },
        };
    }

    private TriageAnswer WasAnythingExecuted(Incident inc)
    {
        const string q = "Was anything executed or copied after the logon?";
        var until = SafeTime.Add(inc.LastSeen, _options.PostLogonWindow);
        var users = inc.Users.ToHashSet(StringComparer.Ordinal);
        var facts = new List<ActivityFact>();
        foreach (var h in inc.TargetHosts)
            foreach (var f in _baseline.ActivityOn(h))
            {
                if (f.Time < SafeTime.Minutes(inc.FirstSeen, -1) || f.Time > until) continue;
                // Service installs run as SYSTEM; other activity must be the incident's account
                // (or an unattributed remote-execution child).
                if (f.Kind is "service install" or "scheduled task" || f.User is null || users.Count == 0 || users.Contains(f.User)) facts.Add(f);
            }
        facts.Sort((a, b) => a.Time.CompareTo(b.Time));
        return new TriageAnswer
        {
            Id = ExecutedAfterLogon, Question = q, Answer = facts.Count > 0 ? "yes" : "no", Suspicious = facts.Count > 0,
            Evidence = facts.Take(MaxEvidence).Select(f => $"{Ts(f.Time)} {f.Kind} on {f.Host}{(f.User is null ? "" : " by " + f.User)}: {f.Detail} ({f.EventId}, {Path.GetFileName(f.File)}#{f.RecordId})").ToList(),
            Summary = facts.Count > 0
                ? $"Yes: {facts.Count} process start(s), service install(s) or share write(s) on the targets ({string.Join(", ", facts.GroupBy(f => f.Kind).Select(g => $"{g.Count()} {g.Key}"))})."
                : "No: no process start in a remote session, service install, scheduled task or share write on the targets in the window.",
        };
    }

    private TriageAnswer CredentialAccessOnSource(Incident inc)
    {
        const string q = "Are there credential-access signs on the source (LSASS access, Sysmon 10)?";
        var from = SafeTime.Add(inc.FirstSeen, -_options.CredentialAccessLookback);
        var hosts = inc.SourceHosts.Concat(inc.SourceIps).Concat(IncidentBuilder.SourceMachines(inc)).Distinct().ToList();
        var facts = new List<CredentialAccessFact>();
        foreach (var h in hosts)
            foreach (var f in _baseline.CredentialAccessOn(h))
                if (f.Time >= from && f.Time <= inc.LastSeen) facts.Add(f);
        StableSort.Sort(facts, static (x, y) => x.Time.CompareTo(y.Time));
        foreach (var n in inc.Graph.Nodes) if (facts.Any(f => f.Host == n.Id)) n.CredentialAccess = true;
        return new TriageAnswer
        {
            Id = CredentialAccess, Question = q, Answer = facts.Count > 0 ? "yes" : "no", Suspicious = facts.Count > 0,
            Evidence = facts.Take(MaxEvidence).Select(f => $"{Ts(f.Time)} {f.SourceImage ?? "?"} opened lsass.exe on {f.Host}{(f.GrantedAccess is null ? "" : " access " + f.GrantedAccess)} ({Path.GetFileName(f.File)}#{f.RecordId})").ToList(),
            Summary = facts.Count > 0
                ? $"Yes: {facts.Count} LSASS access(es) on {string.Join(", ", facts.Select(f => f.Host).Distinct())}."
                : $"No: no LSASS access on the {hosts.Count} source host(s) in the {(int)_options.CredentialAccessLookback.TotalHours} h before and during the incident.",
        };
    }

    private bool IsSensitive(string host)
    {
        var role = _baseline.RoleOf(host);
        return ScoringOptions.RoleIn(role, _options.SensitiveRoles) ||
               (role is null && IncidentBuilder.DcName.IsMatch(host));
    }

    internal static string Ts(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "Z";
}
