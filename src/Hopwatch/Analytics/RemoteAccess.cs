using Hopwatch.Events;

namespace Hopwatch.Analytics;

public enum RemoteProtocol { Rdp, Network, Ssh, WinRm, Explicit }

/// <summary>
/// One successful remote access into a host, whatever event reported it: 4624 type 3/10/12,
/// RDP 1149/21/25, 4778, sshd/OpenSSH accepted logins. The unit chains, fan-out and rare-path reason about.
/// </summary>
public sealed record RemoteAccess(
    RemoteProtocol Protocol,
    string Target,
    string? Source,
    string? SourceIp,
    string User,
    DateTime Time,
    int LogonType,
    LogEvent Event)
{
    public bool SourceIsLoopback => SourceIp is not null && Ips.IsLoopback(SourceIp);

    /// <summary>Classifies an event as a remote access, or null. Machine and built-in accounts are not people moving.</summary>
    public static RemoteAccess? From(LogEvent e, string? host, HostIdentity identity)
    {
        if (host is null) return null;
        RemoteProtocol proto;
        int lt = e.LogonType ?? 0;
        switch (e.Kind)
        {
            case EventKind.Logon:
                if (lt is 10 or 12) proto = RemoteProtocol.Rdp;
                else if (lt is 3 or 8) proto = RemoteProtocol.Network;
                else return null;
                break;
            case EventKind.RdpAuthSucceeded:
            case EventKind.RdpSessionLogon:
            case EventKind.RdpSessionReconnect:
                proto = RemoteProtocol.Rdp;
                lt = 10;
                break;
            case EventKind.SshLogin:
                proto = RemoteProtocol.Ssh;
                break;
            default:
                return null;
        }
        var user = EventView.User(e);
        if (user is null || EventView.IsSystemAccount(user) || EventView.IsMachineAccount(user)) return null;
        var ip = EventView.SourceIp(e);
        var ws = EventView.SourceHostName(e);
        string? source;
        if (ip is not null) source = Ips.IsLoopback(ip) ? host : identity.NameOf(ws, ip, e.Time, host);
        else if (ws is not null && proto != RemoteProtocol.Rdp) source = ws; // RDP events name the server, not the client
        else if (ws is not null && e.Kind == EventKind.Logon) source = ws;
        else source = null;
        if (source is null && ip is null) return null; // "LOCAL" console sessions and the like
        return new RemoteAccess(proto, host, source, ip, user, e.Time, lt, e);
    }
}
