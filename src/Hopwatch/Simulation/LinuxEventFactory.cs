using System.Globalization;

namespace Hopwatch.Simulation;

/// <summary>auth.log lines as OpenSSH, PAM, CRON and sudo write them on Debian/Ubuntu.</summary>
public sealed class LinuxEventFactory(SimContext ctx)
{
    private SimEvent Line(DateTime t, SimHost host, string program, string pid, string message)
    {
        var e = new SimEvent { Time = t, Host = host, Schema = EventSchemas.AuthLogLine, Values = [program, pid, message] };
        ctx.Emit(e);
        return e;
    }

    /// <summary>A complete key-based SSH session: accept, PAM open, disconnect, PAM close.</summary>
    public void SshKeySession(DateTime t, SimHost target, SimAccount user, string sourceIp, string keyFingerprint, TimeSpan duration)
    {
        string pid = ctx.Rng.Next(1000, 60000).ToString(CultureInfo.InvariantCulture);
        string port = ctx.NewPort();
        Line(t, target, "sshd", pid, $"Accepted publickey for {user.Name} from {sourceIp} port {port} ssh2: ED25519 SHA256:{keyFingerprint}");
        Line(t + ctx.Millis(5, 40), target, "sshd", pid, $"pam_unix(sshd:session): session opened for user {user.Name}(uid={user.Uid}) by (uid=0)");
        var end = t + duration;
        Line(end, target, "sshd", pid, $"Received disconnect from {sourceIp} port {port}:11: disconnected by user");
        Line(end + ctx.Millis(1, 10), target, "sshd", pid, $"Disconnected from user {user.Name} {sourceIp} port {port}");
        Line(end + ctx.Millis(10, 30), target, "sshd", pid, $"pam_unix(sshd:session): session closed for user {user.Name}");
    }

    public void SshFailedPassword(DateTime t, SimHost target, string user, string sourceIp, bool invalidUser)
    {
        string pid = ctx.Rng.Next(1000, 60000).ToString(CultureInfo.InvariantCulture);
        Line(t, target, "sshd", pid, $"Failed password for {(invalidUser ? "invalid user " : "")}{user} from {sourceIp} port {ctx.NewPort()} ssh2");
    }

    public void Cron(DateTime t, SimHost host, string user, int uid)
    {
        string pid = ctx.Rng.Next(1000, 60000).ToString(CultureInfo.InvariantCulture);
        Line(t, host, "CRON", pid, $"pam_unix(cron:session): session opened for user {user}(uid={uid}) by (uid=0)");
        Line(t + ctx.Millis(200, 3000), host, "CRON", pid, $"pam_unix(cron:session): session closed for user {user}");
    }

    public void Sudo(DateTime t, SimHost host, string user, string command)
    {
        Line(t, host, "sudo", "-", $"{user} : TTY=pts/0 ; PWD=/home/{user} ; USER=root ; COMMAND={command}");
        string pid = ctx.Rng.Next(1000, 60000).ToString(CultureInfo.InvariantCulture);
        Line(t + ctx.Millis(1, 5), host, "sudo", pid, $"pam_unix(sudo:session): session opened for user root(uid=0) by {user}(uid=0)");
        Line(t + ctx.Millis(200, 900), host, "sudo", pid, "pam_unix(sudo:session): session closed for user root");
    }

    /// <summary>A stable key fingerprint per (user, origin): the same key is seen from the same place.</summary>
    public static string Fingerprint(string user, string origin)
    {
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(user + "@" + origin), hash);
        return Convert.ToBase64String(hash).TrimEnd('=');
    }
}
