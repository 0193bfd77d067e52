using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// Joins events of one logon by host + logon id: 4624 opens a session, 4672 marks it privileged,
/// 4634/4647 close it, 4778/4779 move it between clients; process starts, share accesses and
/// explicit-credential events look their session up. RDP LocalSessionManager events (21/22/24/25)
/// are joined by host + RDP session id. State expires on logoff (after a grace) or when idle.
/// </summary>
public sealed class LogonSessionTracker
{
    private readonly Dictionary<(string Host, string LogonId), LogonSession> _sessions = new();
    private readonly Dictionary<(string Host, string SessionId), RdpSessionInfo> _rdp = new();
    private readonly TimeSpan _idle;

    /// <summary>An RDP session as the LocalSessionManager reports it.</summary>
    public sealed class RdpSessionInfo
    {
        public string? User;
        public string? SourceIp;
        public DateTime Start;
        public DateTime LastSeen;
        public bool Ended;
    }

    public LogonSessionTracker(TimeSpan idle) => _idle = idle;

    public int Count => _sessions.Count + _rdp.Count;

    public LogonSession? Find(string? host, string? logonId)
    {
        if (host is null || logonId is null) return null;
        return _sessions.TryGetValue((host, NormaliseLogonId(logonId)), out var s) ? s : null;
    }

    public RdpSessionInfo? FindRdp(string? host, string? sessionId)
        => host is not null && sessionId is not null && _rdp.TryGetValue((host, sessionId), out var s) ? s : null;

    /// <summary>Updates sessions from one event; returns the session the event belongs to, if any.</summary>
    public LogonSession? Observe(LogEvent e, string? host, HostIdentity identity)
    {
        if (host is null) return null;
        var id = e.LogonId is null ? null : NormaliseLogonId(e.LogonId);
        switch (e.Kind)
        {
            case EventKind.Logon:
            {
                if (id is null) return null;
                var ip = EventView.SourceIp(e);
                var s = new LogonSession
                {
                    Host = host,
                    LogonId = id,
                    User = EventView.User(e),
                    Domain = EventView.UserDomain(e),
                    SourceIp = ip,
                    Source = identity.NameOf(e.SourceHost, ip, e.Time, host),
                    LogonType = e.LogonType ?? 0,
                    AuthPackage = e.AuthPackage,
                    Start = e.Time,
                    LastSeen = e.Time,
                };
                if (_sessions.TryGetValue((host, id), out var old) && old.Privileged && (e.Time - old.Start).Duration() < TimeSpan.FromSeconds(5))
                    s.Privileged = true; // 4672 logged just before its 4624
                _sessions[(host, id)] = s;
                return s;
            }
            case EventKind.SpecialPrivileges:
            {
                if (id is null) return null;
                if (_sessions.TryGetValue((host, id), out var s)) { s.Privileged = true; s.LastSeen = Max(s.LastSeen, e.Time); return s; }
                // 4672 can precede 4624 by a tick: keep a placeholder the 4624 inherits.
                _sessions[(host, id)] = new LogonSession { Host = host, LogonId = id, User = EventView.User(e), Start = e.Time, LastSeen = e.Time, Privileged = true };
                return null;
            }
            case EventKind.Logoff:
            {
                if (id is null) return null;
                if (_sessions.TryGetValue((host, id), out var s)) { s.End = e.Time; s.LastSeen = Max(s.LastSeen, e.Time); return s; }
                return null;
            }
            case EventKind.RdpSessionLogon:
            case EventKind.RdpSessionReconnect:
            {
                var sid = e.SessionId;
                if (sid is not null)
                {
                    var ip = EventView.SourceIp(e);
                    if (!_rdp.TryGetValue((host, sid), out var r) || r.Ended)
                        _rdp[(host, sid)] = r = new RdpSessionInfo { Start = e.Time };
                    r.User = EventView.User(e) ?? r.User;
                    r.SourceIp = ip ?? r.SourceIp;
                    r.LastSeen = e.Time;
                }
                if (id is not null && _sessions.TryGetValue((host, id), out var s))
                {
                    s.SourceIp = EventView.SourceIp(e) ?? s.SourceIp;
                    s.LastSeen = Max(s.LastSeen, e.Time);
                    return s;
                }
                return null;
            }
            case EventKind.RdpSessionLogoff:
            case EventKind.RdpSessionDisconnect:
            {
                if (e.SessionId is not null && _rdp.TryGetValue((host, e.SessionId), out var r)) { r.LastSeen = e.Time; if (e.Kind == EventKind.RdpSessionLogoff) r.Ended = true; }
                return id is not null ? Find(host, id) : null;
            }
            default:
            {
                if (id is null) return null;
                if (_sessions.TryGetValue((host, id), out var s)) { s.LastSeen = Max(s.LastSeen, e.Time); return s; }
                return null;
            }
        }
    }

    /// <summary>Forgets sessions idle since before <paramref name="watermark"/> - idle, and closed ones after a grace.</summary>
    public void Expire(DateTime watermark)
    {
        var idleCut = watermark - _idle;
        var closedCut = watermark - TimeSpan.FromMinutes(30);
        List<(string, string)>? dead = null;
        foreach (var (k, s) in _sessions)
            if (s.LastSeen < idleCut || (s.End is { } end && end < closedCut)) (dead ??= new()).Add(k);
        if (dead is not null) foreach (var k in dead) _sessions.Remove(k);
        List<(string, string)>? deadRdp = null;
        foreach (var (k, r) in _rdp)
            if (r.LastSeen < idleCut || (r.Ended && r.LastSeen < closedCut)) (deadRdp ??= new()).Add(k);
        if (deadRdp is not null) foreach (var k in deadRdp) _rdp.Remove(k);
    }

    /// <summary>"0x000000000003BFAB" and "0x3bfab" are the same logon.</summary>
    public static string NormaliseLogonId(string id)
    {
        var s = id.AsSpan().Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            var hex = s[2..].TrimStart('0');
            if (hex.Length == 0) return "0x0";
            bool lower = true;
            foreach (var c in hex) if (char.IsUpper(c)) { lower = false; break; }
            if (lower && hex.Length == s.Length - 2) return id;
            return "0x" + hex.ToString().ToLowerInvariant();
        }
        return id;
    }

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
