using System.Net;
using Hopwatch.Events;

namespace Hopwatch.Scoring;

/// <summary>
/// One spelling per host and account so alerts, events and asset roles meet: host names lose their
/// domain ("ws-01.corp.local" and "WS-01" are one host), accounts lose "DOMAIN\" and "@realm".
/// </summary>
internal static class Names
{
    private static readonly HashSet<string> GenericUsers = new(StringComparer.OrdinalIgnoreCase)
    {
        "-", "system", "anonymous logon", "local service", "network service", "dwm-1", "umfd-0", "umfd-1",
    };

    private static readonly HashSet<string> NoHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        "-", "localhost", "127.0.0.1", "::1", "0.0.0.0", "::", "null", "(null)", "n/a", "unknown", "none",
    };

    public static string? HostKey(string? host)
    {
        if (string.IsNullOrWhiteSpace(host)) return null;
        // Scoring asks for the same few name instances again and again (every alert's entities, every
        // incident's hosts): the last answers are kept by instance, per thread.
        return (t_hostKeys ??= new StringInstanceMemo(MemoSlots)).Get(host, static h => ComputeHostKey(h));
    }

    private static string? ComputeHostKey(string host)
    {
        var h = host.Trim().ToLowerInvariant();
        if (h.StartsWith("\\\\", StringComparison.Ordinal)) h = h[2..];
        if (NoHosts.Contains(h)) return null;
        if (IsIp(h)) return h;
        int dot = h.IndexOf('.');
        return dot > 0 ? h[..dot] : h;
    }

    public static bool IsIp(string s) => IPAddress.TryParse(s, out _) && (s.Contains('.') || s.Contains(':'));

    public static string? UserKey(string? user)
    {
        if (string.IsNullOrWhiteSpace(user)) return null;
        return (t_userKeys ??= new StringInstanceMemo(MemoSlots)).Get(user, static u => ComputeUserKey(u));
    }

    private const int MemoSlots = 512;
    [ThreadStatic] private static StringInstanceMemo? t_hostKeys;
    [ThreadStatic] private static StringInstanceMemo? t_userKeys;

    private static string? ComputeUserKey(string user)
    {
        var u = user.Trim().ToLowerInvariant();
        int slash = u.LastIndexOf('\\');
        if (slash >= 0) u = u[(slash + 1)..];
        int at = u.IndexOf('@');
        if (at > 0) u = u[..at];
        if (u.Length == 0 || GenericUsers.Contains(u) || u.EndsWith('$')) return null;
        return u;
    }
}
