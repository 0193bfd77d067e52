using Hopwatch.Events;
using Hopwatch.Pipeline;

namespace Hopwatch.Scoring;

/// <summary>
/// A detector that raises nothing: it watches every event of the hunt and keeps the bounded facts
/// the triage questions need — each user's usual sources and hours, each account's first access
/// per host, failures per account and source, what ran or was written after remote logons, LSASS
/// access, and host roles from an optional asset lookup. Not thread-safe: the hunt feeds detectors
/// from one thread.
/// </summary>
public sealed class TriageBaseline : IDetector
{
    /// <summary>Most keys any one fact table holds; beyond it new keys are counted in <see cref="DroppedFacts"/>.</summary>
    public const int MaxKeys = 500_000;
    public const int MaxFailuresPerKey = 256;
    public const int MaxActivitiesPerHost = 512;
    public const int MaxCredentialAccessPerHost = 128;

    private static readonly string[] RemoteExecParents =
        ["services.exe", "wsmprovhost.exe", "wmiprvse.exe", "mmc.exe", "psexesvc.exe", "winrshost.exe", "paexec.exe", "remcomsvc.exe"];

    private readonly Func<string, string?>? _hostRole;
    private readonly Dictionary<string, string?> _roleCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, DaySet>> _userSources = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<int, int>> _userHourDays = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _userDomain = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Host, string User), AccessFact> _access = new();
    private readonly Dictionary<string, RecentList<FailureFact>> _failuresByUser = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecentList<FailureFact>> _failuresBySource = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecentList<ActivityFact>> _activity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RecentList<CredentialAccessFact>> _lsass = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Host, string LogonId), string> _remoteSessions = new();
    // Readers intern host and user names, so the same few strings come back millions of times:
    // normalise each once.
    private readonly Dictionary<string, string?> _hostKeys = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> _userKeys = new(StringComparer.Ordinal);

    private long _userSourcePairs;

    public TriageBaseline(Func<string, string?>? hostRole = null) => _hostRole = hostRole;

    public string Name => "triage-baseline";
    public long EventsSeen { get; private set; }
    /// <summary>Facts not kept because a table was full (memory bound), for the report's diagnostics.</summary>
    public long DroppedFacts { get; private set; }
    /// <summary>
    /// Earliest and latest time of the events this detector was given: the span the baseline covers. (A hunt
    /// gives every detector each event it reads; records no detector wants are not read, see <see cref="Interest"/>.)
    /// </summary>
    public DateTime? FirstEvent { get; private set; }
    public DateTime? LastEvent { get; private set; }

    public void Process(LogEvent e, Action<Alert> emit)
    {
        EventsSeen++;
        if (e.Time != default)
        {
            if (FirstEvent is null || e.Time < FirstEvent) FirstEvent = e.Time;
            if (LastEvent is null || e.Time > LastEvent) LastEvent = e.Time;
        }
        switch (e.Kind)
        {
            case EventKind.Logon:
            case EventKind.RdpSessionLogon:
            case EventKind.RdpAuthSucceeded:
            case EventKind.SshLogin:
                RecordSuccess(e);
                break;
            case EventKind.FailedLogon:
            case EventKind.KerberosPreauthFailed:
            case EventKind.SshFailedLogin:
                RecordFailure(e);
                break;
            case EventKind.NtlmValidation:
                if (!string.IsNullOrEmpty(e.Status) && e.Status != "0x0" && e.Status != "0") RecordFailure(e);
                break;
            case EventKind.ProcessStart:
                RecordProcessStart(e);
                break;
            case EventKind.ServiceInstall:
                AddActivity(e, "service install", Join(e.ServiceName, e.ServiceImage));
                break;
            case EventKind.ScheduledTask:
                AddActivity(e, "scheduled task", e.TaskName ?? "");
                break;
            case EventKind.ShareAccess:
                if (IsShareWrite(e)) AddActivity(e, "share write", Join(e.ShareName, e.RelativeTargetName));
                break;
            case EventKind.ProcessAccess:
                RecordProcessAccess(e);
                break;
        }
    }

    public void Complete(Action<Alert> emit) { }

    /// <summary>The kinds <see cref="Process"/> takes facts from (its switch).</summary>
    private static readonly HashSet<EventKind> FactKinds =
    [
        EventKind.Logon, EventKind.RdpSessionLogon, EventKind.RdpAuthSucceeded, EventKind.SshLogin,
        EventKind.FailedLogon, EventKind.KerberosPreauthFailed, EventKind.SshFailedLogin, EventKind.NtlmValidation,
        EventKind.ProcessStart, EventKind.ServiceInstall, EventKind.ScheduledTask, EventKind.ShareAccess, EventKind.ProcessAccess,
    ];

    /// <summary>Events whose kind (known from the header for Windows events; any other event) it takes facts from.</summary>
    public EventInterest? Interest => new(e => Normaliser.KindFromHeader(e) is not { } kind || FactKinds.Contains(kind));

    // ---- queries used by triage ----

    /// <summary>The asset role of a host ("dc", "jump host", "backup", ...), or null when unknown.</summary>
    public string? RoleOf(string host)
    {
        var key = Names.HostKey(host);
        if (key is null || _hostRole is null) return null;
        if (_roleCache.TryGetValue(key, out var role)) return role;
        role = _hostRole(key) ?? (key != host.ToLowerInvariant() ? _hostRole(host) : null);
        if (_roleCache.Count < MaxKeys) _roleCache[key] = role;
        return role;
    }

    /// <summary>Distinct days before <paramref name="before"/>'s day on which the user logged on from the source.</summary>
    public int SourceDaysBefore(string user, string source, DateTime before)
    {
        var u = Names.UserKey(user); var s = Names.HostKey(source);
        if (u is null || s is null) return 0;
        return _userSources.TryGetValue(u, out var m) && m.TryGetValue(s, out var d) ? d.DaysBefore(before) : 0;
    }

    /// <summary>All sources the user logged on from, with the number of distinct days, busiest first.</summary>
    public IReadOnlyList<(string Source, int Days)> SourcesOf(string user)
    {
        var list = new List<(string, int)>();
        foreach (var x in UsualSourcesOf(user)) list.Add((x.Source, x.Days));
        return list;
    }

    /// <summary>
    /// <see cref="SourcesOf"/> as objects, kept until the user's sources change: triage asks it for every
    /// account/source pair of every incident, and a busy account has thousands of sources to sort.
    /// </summary>
    internal IReadOnlyList<SourceDays> UsualSourcesOf(string user)
    {
        var u = Names.UserKey(user);
        if (u is null || !_userSources.TryGetValue(u, out var m)) return [];
        if (_usualSources.TryGetValue(u, out var cached) && cached.Version == _sourcesVersion) return cached.List;
        var list = new List<SourceDays>(m.Count);
        foreach (var (source, days) in m) list.Add(new SourceDays(source, days.Count));
        list.Sort(static (x, y) =>
        {
            int c = y.Days.CompareTo(x.Days);
            return c != 0 ? c : string.CompareOrdinal(x.Source, y.Source);
        });
        if (_usualSources.Count >= 10_000) _usualSources.Clear(); // bounded like the other tables
        _usualSources[u] = new UsualSources(_sourcesVersion, list);
        return list;
    }

    internal sealed record SourceDays(string Source, int Days);
    private sealed record UsualSources(long Version, List<SourceDays> List);
    private readonly Dictionary<string, UsualSources> _usualSources = new(StringComparer.Ordinal);
    // Counts changes to the user/source table, so cached orderings of it are known to be stale.
    private long _sourcesVersion;

    /// <summary>Distinct days before <paramref name="before"/>'s day with a logon of the user within ±1 h of <paramref name="hour"/>.</summary>
    public int HourDaysBefore(string user, int hour, DateTime before)
    {
        var u = Names.UserKey(user);
        if (u is null || !_userHourDays.TryGetValue(u, out var days)) return 0;
        int beforeDay = DaySet.DayNumber(before);
        int mask = (1 << hour) | (1 << ((hour + 23) % 24)) | (1 << ((hour + 1) % 24));
        int n = 0;
        foreach (var (day, hours) in days) if (day < beforeDay && (hours & mask) != 0) n++;
        return n;
    }

    /// <summary>Days on record for the user (any hour) before <paramref name="before"/>'s day.</summary>
    public int ActiveDaysBefore(string user, DateTime before)
    {
        var u = Names.UserKey(user);
        if (u is null || !_userHourDays.TryGetValue(u, out var days)) return 0;
        int beforeDay = DaySet.DayNumber(before);
        int n = 0;
        foreach (var day in days.Keys) if (day < beforeDay) n++;
        return n;
    }

    public AccessFact? Access(string host, string user)
    {
        var h = Names.HostKey(host); var u = Names.UserKey(user);
        return h is null || u is null ? null : _access.GetValueOrDefault((h, u));
    }

    public string? DomainOf(string user)
    {
        var u = Names.UserKey(user);
        return u is null ? null : _userDomain.GetValueOrDefault(u);
    }

    public IEnumerable<FailureFact> FailuresForUser(string user) =>
        Names.UserKey(user) is { } u && _failuresByUser.TryGetValue(u, out var l) ? l.Items : [];

    public IEnumerable<FailureFact> FailuresFromSource(string source) =>
        Names.HostKey(source) is { } s && _failuresBySource.TryGetValue(s, out var l) ? l.Items : [];

    public IEnumerable<ActivityFact> ActivityOn(string host) =>
        Names.HostKey(host) is { } h && _activity.TryGetValue(h, out var l) ? l.Items : [];

    public IEnumerable<CredentialAccessFact> CredentialAccessOn(string host) =>
        Names.HostKey(host) is { } h && _lsass.TryGetValue(h, out var l) ? l.Items : [];

    // ---- recording ----

    private void RecordSuccess(LogEvent e)
    {
        var user = UserKey(e.UserName);
        var host = HostKey(e.Host ?? e.Computer);
        if (user is null) return;
        if (!string.IsNullOrWhiteSpace(e.UserDomain) && e.UserDomain != "-" && (_userDomain.Count < MaxKeys || _userDomain.ContainsKey(user)))
            _userDomain[user] = e.UserDomain.Trim();

        if (host is not null)
        {
            if (!_access.TryGetValue((host, user), out var a))
            {
                if (_access.Count >= MaxKeys) { DroppedFacts++; goto sources; }
                _access[(host, user)] = a = new AccessFact { FirstSuccess = e.Time, LastSuccess = e.Time };
            }
            if (e.Time < a.FirstSuccess) a.FirstSuccess = e.Time;
            if (e.Time > a.LastSuccess) a.LastSuccess = e.Time;
            a.Count++;
            if (e.LogonType is >= 0 and < 16) a.AddLogonType(e.Time, e.LogonType.Value);

            // Sessions opened from elsewhere: processes started in them count as "executed after the logon".
            bool remote = e.Kind != EventKind.Logon || e.LogonType is 3 or 8 or 9 or 10;
            if (remote && !string.IsNullOrEmpty(e.LogonId) && (SourceOf(e) is not null))
            {
                if (_remoteSessions.Count >= MaxKeys) { _remoteSessions.Clear(); DroppedFacts++; }
                _remoteSessions[(host, e.LogonId)] = user;
            }
        }

    sources:
        if (!_userHourDays.TryGetValue(user, out var hourDays))
        {
            if (_userHourDays.Count >= MaxKeys) { DroppedFacts++; return; }
            _userHourDays[user] = hourDays = new Dictionary<int, int>();
        }
        int day = DaySet.DayNumber(e.Time);
        if (hourDays.Count < DaySet.MaxDays || hourDays.ContainsKey(day))
            hourDays[day] = hourDays.GetValueOrDefault(day) | (1 << e.Time.Hour);

        foreach (var src in SourcesOfEvent(e))
        {
            if (!_userSources.TryGetValue(user, out var m))
            {
                if (_userSources.Count >= MaxKeys) { DroppedFacts++; return; }
                _userSources[user] = m = new Dictionary<string, DaySet>(StringComparer.Ordinal);
            }
            if (!m.TryGetValue(src, out var days))
            {
                if (m.Count >= 4096 || _userSourcePairs >= MaxKeys) { DroppedFacts++; continue; }
                m[src] = days = new DaySet();
                _userSourcePairs++;
            }
            days.Add(e.Time);
            _sourcesVersion++;
        }
    }

    private void RecordFailure(LogEvent e)
    {
        var user = UserKey(e.UserName);
        var source = SourceOf(e);
        var fact = new FailureFact(e.Time, user, source, HostKey(e.Host ?? e.Computer), e.EventId,
            e.SubStatus is { Length: > 0 } ss && ss != "0x0" ? ss : e.Status, e.File, e.RecordId);
        if (user is not null) Add(_failuresByUser, user, fact, MaxFailuresPerKey);
        foreach (var s in SourcesOfEvent(e)) Add(_failuresBySource, s, fact, MaxFailuresPerKey);
    }

    private void RecordProcessStart(LogEvent e)
    {
        var host = HostKey(e.Host ?? e.Computer);
        if (host is null) return;
        string? sessionUser = null;
        bool inRemoteSession = !string.IsNullOrEmpty(e.LogonId) && _remoteSessions.TryGetValue((host, e.LogonId), out sessionUser);
        bool remoteParent = EndsWithAny(e.ParentImage, RemoteExecParents);
        if (!inRemoteSession && !remoteParent) return;
        var detail = e.CommandLine is { Length: > 0 } cl ? cl : e.ProcessImage ?? "";
        if (remoteParent && e.ParentImage is not null) detail = FileName(e.ParentImage) + " → " + detail;
        AddActivity(e, "process start", detail, UserKey(e.UserName) ?? sessionUser);
    }

    private void RecordProcessAccess(LogEvent e)
    {
        if (!EndsWithAny(e.TargetImage, ["lsass.exe"])) return;
        var host = HostKey(e.Host ?? e.Computer);
        if (host is null) return;
        var fact = new CredentialAccessFact(e.Time, host, e.ProcessImage ?? e.Fields.Get("SourceImage"),
            e.AccessMask ?? e.Fields.Get("GrantedAccess"), UserKey(e.UserName ?? e.SubjectUserName), e.File, e.RecordId);
        Add(_lsass, host, fact, MaxCredentialAccessPerHost);
    }

    private void AddActivity(LogEvent e, string kind, string detail, string? user = null)
    {
        var host = HostKey(e.Host ?? e.Computer);
        if (host is null) return;
        var fact = new ActivityFact(e.Time, host, kind, user ?? UserKey(e.UserName ?? e.SubjectUserName), detail, e.EventId, e.File, e.RecordId);
        Add(_activity, host, fact, MaxActivitiesPerHost);
    }

    private void Add<T>(Dictionary<string, RecentList<T>> table, string key, T fact, int max)
    {
        if (!table.TryGetValue(key, out var list))
        {
            if (table.Count >= MaxKeys) { DroppedFacts++; return; }
            table[key] = list = new RecentList<T>(max);
        }
        list.Add(fact);
    }

    private string? HostKey(string? host) => Cached(_hostKeys, host, Names.HostKey);
    private string? UserKey(string? user) => Cached(_userKeys, user, Names.UserKey);

    private static string? Cached(Dictionary<string, string?> cache, string? raw, Func<string?, string?> normalise)
    {
        if (raw is null) return null;
        if (cache.TryGetValue(raw, out var key)) return key;
        key = normalise(raw);
        if (cache.Count >= 100_000) cache.Clear(); // bounded: hostile input with endless distinct names
        cache[raw] = key;
        return key;
    }

    private static bool IsShareWrite(LogEvent e)
    {
        var mask = e.AccessMask ?? e.Fields.Get("AccessMask");
        if (mask is not null && mask.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && long.TryParse(mask.AsSpan(2), System.Globalization.NumberStyles.HexNumber, null, out long m)
            && (m & 0x2 | m & 0x4 | m & 0x40000 | m & 0x10000) != 0) // WriteData, AppendData, WRITE_DAC, DELETE
            return true;
        var list = e.Fields.Get("AccessList");
        if (list is not null && (list.Contains("%%4417") || list.Contains("%%4418") || list.Contains("WriteData", StringComparison.OrdinalIgnoreCase)))
            return true;
        return false;
    }

    private string? SourceOf(LogEvent e) => HostKey(e.SourceHost) ?? HostKey(e.SourceIp);

    private IEnumerable<string> SourcesOfEvent(LogEvent e)
    {
        var h = HostKey(e.SourceHost);
        var ip = HostKey(e.SourceIp);
        if (h is not null) yield return h;
        if (ip is not null && ip != h) yield return ip;
    }

    private static bool EndsWithAny(string? path, string[] names)
    {
        if (string.IsNullOrEmpty(path)) return false;
        var f = FileName(path);
        foreach (var n in names) if (string.Equals(f, n, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static string FileName(string path)
    {
        int i = Math.Max(path.LastIndexOf('\\'), path.LastIndexOf('/'));
        return i >= 0 ? path[(i + 1)..] : path;
    }

    private static string Join(string? a, string? b) =>
        string.IsNullOrEmpty(b) ? a ?? "" : string.IsNullOrEmpty(a) ? b : a + ": " + b;
}
