namespace Hopwatch.Events;

/// <summary>
/// What an sshd log message says (OpenSSH on Linux, and OpenSSH for Windows event 4's payload):
/// accepted / failed / invalid user / disconnect, with user, client address and method.
/// </summary>
public readonly record struct SshMessage(EventKind Kind, string? User, string? Ip, int? Port, string? Method, string? FailureReason)
{
    public static SshMessage Parse(string message)
    {
        var m = message.AsSpan().Trim();
        // "Accepted publickey for alice from 10.0.0.5 port 51234 ssh2: RSA SHA256:..."
        if (m.StartsWith("Accepted "))
        {
            var rest = m["Accepted ".Length..];
            int sp = rest.IndexOf(' ');
            if (sp > 0)
            {
                var method = rest[..sp].ToString();
                var (user, ip, port) = ForFromPort(rest[(sp + 1)..]);
                return new SshMessage(EventKind.SshLogin, user, ip, port, method, null);
            }
        }
        // "Failed password for invalid user bob from 10.0.0.5 port 4242 ssh2"
        if (m.StartsWith("Failed "))
        {
            var rest = m["Failed ".Length..];
            int sp = rest.IndexOf(' ');
            if (sp > 0)
            {
                var method = rest[..sp].ToString();
                var tail = rest[(sp + 1)..];
                string? reason = null;
                if (tail.StartsWith("for invalid user ")) { reason = "invalid user"; tail = ("for " + tail["for invalid user ".Length..].ToString()).AsSpan(); }
                var (user, ip, port) = ForFromPort(tail);
                return new SshMessage(EventKind.SshFailedLogin, user, ip, port, method, reason ?? "failed " + method);
            }
        }
        // "Invalid user bob from 10.0.0.5 port 4242"
        if (m.StartsWith("Invalid user "))
        {
            var rest = m["Invalid user ".Length..];
            int from = rest.IndexOf(" from ");
            if (from >= 0)
            {
                var (ip, port) = IpPort(rest[(from + 6)..]);
                return new SshMessage(EventKind.SshFailedLogin, rest[..from].ToString(), ip, port, null, "invalid user");
            }
        }
        // "Disconnected from user alice 10.0.0.5 port 51234", "Disconnected from invalid user bob 10.0.0.5 port 4242 [preauth]",
        // "Received disconnect from 10.0.0.5 port 51234:11: disconnected by user", "Connection closed by authenticating user alice 10.0.0.5 port 4242 [preauth]"
        foreach (var prefix in DisconnectPrefixes)
        {
            if (!m.StartsWith(prefix)) continue;
            var rest = m[prefix.Length..];
            string? user = null;
            foreach (var userPrefix in UserPrefixes)
            {
                if (!rest.StartsWith(userPrefix)) continue;
                rest = rest[userPrefix.Length..];
                int sp = rest.IndexOf(' ');
                if (sp > 0) { user = rest[..sp].ToString(); rest = rest[(sp + 1)..]; }
                break;
            }
            var (ip, port) = IpPort(rest);
            return new SshMessage(EventKind.SshDisconnect, user, ip, port, null, null);
        }
        return default;
    }

    private static readonly string[] DisconnectPrefixes = ["Disconnected from ", "Received disconnect from ", "Connection closed by "];
    private static readonly string[] UserPrefixes = ["user ", "invalid user ", "authenticating user "];

    /// <summary>"for USER from IP port N ..." (USER may contain spaces in theory; sshd prints it raw).</summary>
    private static (string? User, string? Ip, int? Port) ForFromPort(ReadOnlySpan<char> s)
    {
        if (!s.StartsWith("for ")) return (null, null, null);
        s = s[4..];
        int from = s.LastIndexOf(" from ");
        if (from < 0) return (s.ToString(), null, null);
        var (ip, port) = IpPort(s[(from + 6)..]);
        return (s[..from].ToString(), ip, port);
    }

    /// <summary>"10.0.0.5 port 51234 ssh2..." or "10.0.0.5 port 51234:11: ..."</summary>
    private static (string? Ip, int? Port) IpPort(ReadOnlySpan<char> s)
    {
        s = s.Trim();
        int sp = s.IndexOf(' ');
        var ip = (sp < 0 ? s : s[..sp]).ToString();
        int? port = null;
        if (sp > 0 && s[(sp + 1)..].StartsWith("port "))
        {
            var p = s[(sp + 6)..];
            int end = 0;
            while (end < p.Length && char.IsAsciiDigit(p[end])) end++;
            if (end > 0 && int.TryParse(p[..end], out int v)) port = v;
        }
        return (ip, port);
    }
}
