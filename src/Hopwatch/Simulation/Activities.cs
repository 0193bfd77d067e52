namespace Hopwatch.Simulation;

/// <summary>
/// Composite activities, each writing every event Windows and Sysmon log for it on every machine
/// involved (source, target, domain controller): an RDP session, a network logon with share
/// access, a WinRM command, an interactive logon. Benign activity and attacks use the same code,
/// so attacks differ from normal work only in who, where, when and how much.
/// </summary>
public sealed class Activities(SimContext ctx)
{
    private WindowsEventFactory W => ctx.Windows;
    private Organisation Org => ctx.Org;

    private SimHost Dc => ctx.Pick(Org.DomainControllers);

    /// <summary>
    /// An RDP session from <paramref name="source"/> to <paramref name="target"/>: mstsc and its
    /// connection on the source, the Kerberos service ticket on a DC, and on the target 1149,
    /// 4624 type 10, 4672 for admins, LocalSessionManager 21/22, then at the end 24, 4779 and 4634.
    /// </summary>
    /// <param name="sourceIp">Override the address the target sees (tunnels: 127.0.0.1).</param>
    public DateTime RdpSession(DateTime t, SimHost source, SimHost target, SimAccount account, TimeSpan duration,
        string? sourceIp = null, bool explicitCredentials = false, SimAccount? operatorAccount = null, string package = "Negotiate")
    {
        string ip = sourceIp ?? source.Ip;
        string port = ctx.NewPort();
        var user = operatorAccount ?? account;
        bool kerberos = account.Kind != AccountKind.LocalAdmin && package != "NTLM";
        if (!source.IsLinux && sourceIp is null)
        {
            W.SysmonProcess(t, source, $"{Organisation.NetbiosDomain}\\{user.Name}", ctx.NewLogonId(), @"C:\Windows\System32\mstsc.exe",
                $"\"C:\\Windows\\system32\\mstsc.exe\" /v:{target.Name}", ctx.NewGuid(), ctx.NewPid(), @"C:\Windows\explorer.exe",
                @"C:\Windows\Explorer.EXE", "Medium");
            if (explicitCredentials)
                W.ExplicitCredentials(t + ctx.Millis(100, 900), source, user, ctx.NewLogonId(), account, target.Fqdn, "TERMSRV/" + target.Fqdn,
                    @"C:\Windows\System32\mstsc.exe", target.Ip, "3389");
            W.SysmonNetwork(t + ctx.Millis(200, 1200), source, @"C:\Windows\System32\mstsc.exe", $"{Organisation.NetbiosDomain}\\{user.Name}", true,
                source.Ip, source.Fqdn, port, target.Ip, target.Fqdn, 3389);
        }
        var at = t + ctx.Millis(1000, 2500);
        if (kerberos) W.KerberosService(at, Dc, account, "TERMSRV", target, ip);
        else if (account.Kind != AccountKind.LocalAdmin) W.NtlmValidation(at, Dc, account.Name, source.Name);
        at += ctx.Millis(300, 1500);
        W.SysmonNetwork(at, target, @"C:\Windows\System32\svchost.exe", @"NT AUTHORITY\NETWORK SERVICE", false, ip, sourceIp is null ? source.Fqdn : "-",
            port, target.Ip, target.Fqdn, 3389);
        W.RdpAuthSucceeded(at + ctx.Millis(100, 600), target, account, ip);
        string logonId = ctx.NewLogonId();
        var logonAt = at + ctx.Millis(1500, 4000);
        // Type 10: Workstation Name is the RDP client's computer name, Source Network Address its address.
        W.Logon(logonAt, target, account, 10, "Negotiate", logonId, ip, ctx.NewPort(), sourceIp is null ? source.Name : target.Name,
            processName: @"C:\Windows\System32\svchost.exe");
        if (account.IsPrivileged || account.Kind is AccountKind.Helpdesk or AccountKind.Service) W.SpecialPrivileges(logonAt, target, account, logonId);
        int session = ctx.Rng.Next(2, 9);
        W.RdpLsm(RdpSessionEvent.Logon, logonAt + ctx.Millis(500, 1500), target, account, session, ip);
        W.RdpLsm(RdpSessionEvent.ShellStart, logonAt + ctx.Millis(2000, 4000), target, account, session, ip);
        var end = logonAt + duration;
        W.RdpLsm(RdpSessionEvent.Disconnect, end, target, account, session, ip);
        W.SessionReconnected(end + ctx.Millis(5, 50), target, account, logonId, source.Name, ip, disconnected: true);
        W.Logoff(end + ctx.Seconds(5, 60), target, account, logonId, 10);
        return logonAt;
    }

    /// <summary>
    /// A network (type 3) logon from <paramref name="source"/> to <paramref name="target"/> and
    /// access to the given admin or data shares: the Kerberos ticket or NTLM validation, Sysmon 3
    /// to 445 on the source, 4624/4672/5140/5145 and 4634 on the target.
    /// </summary>
    public string NetworkLogonWithShares(DateTime t, SimHost source, SimHost target, SimAccount account, string package,
        IReadOnlyList<string> shares, string? relativeName = null, bool keyLengthZero = false, bool sysmonOnSource = true,
        TimeSpan? hold = null, string? sourceIp = null, string sourceImage = "System")
    {
        string ip = sourceIp ?? source.Ip;
        string port = ctx.NewPort();
        bool local = account.Kind == AccountKind.LocalAdmin;
        if (sysmonOnSource && !source.IsLinux)
            W.SysmonNetwork(t, source, sourceImage, @"NT AUTHORITY\SYSTEM", true, ip, source.Fqdn, port, target.Ip, target.Fqdn, 445);
        var at = t + ctx.Millis(5, 80);
        if (package == "Kerberos") W.KerberosService(at, Dc, account, "cifs", target, ip);
        else W.NtlmValidation(at, local ? target : Dc, account.Name, source.Name);
        string logonId = ctx.NewLogonId();
        at += ctx.Millis(5, 60);
        W.Logon(at, target, account, 3, package, logonId, ip, port, package == "NTLM" ? source.Name : "-", keyLengthZero);
        if (account.IsPrivileged || account.Kind == AccountKind.Service && shares.Any(s => s.EndsWith('$') && s != "IPC$"))
            W.SpecialPrivileges(at, target, account, logonId);
        foreach (var share in shares)
        {
            at += ctx.Millis(10, 200);
            string path = share switch { "C$" => @"\??\C:\", "ADMIN$" => @"\??\C:\Windows", "IPC$" => "", _ => @"\??\D:\Shares\" + share };
            W.ShareAccess(at, target, account, logonId, ip, port, share, path);
            if (relativeName is not null && share != "IPC$")
                W.ShareCheck(at + ctx.Millis(1, 20), target, account, logonId, ip, port, share, path, relativeName);
        }
        W.Logoff(at + (hold ?? ctx.Seconds(2, 30)), target, account, logonId, 3);
        return logonId;
    }

    /// <summary>
    /// PowerShell remoting (Invoke-Command / Enter-PSSession) from source to target: WinRM 6 and
    /// Sysmon 3 to 5985 on the source, the HTTP service ticket, and on the target 4624 type 3
    /// (Kerberos), 4672, WinRM 169 and 91, wsmprovhost.exe, the script block (4104) and any child process.
    /// </summary>
    public void WinRmCommand(DateTime t, SimHost source, SimHost target, SimAccount account, string script,
        string? childImage = null, string? childCommandLine = null)
    {
        string user = $"{Organisation.NetbiosDomain}\\{account.Name}";
        string port = ctx.NewPort();
        W.WinRmClient(t, source, account, target);
        W.SysmonNetwork(t + ctx.Millis(20, 200), source, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", user, true,
            source.Ip, source.Fqdn, port, target.Ip, target.Fqdn, 5985);
        var at = t + ctx.Millis(200, 600);
        W.KerberosService(at, Dc, account, "HTTP", target, source.Ip);
        string logonId = ctx.NewLogonId();
        at += ctx.Millis(20, 200);
        W.Logon(at, target, account, 3, "Kerberos", logonId, source.Ip, port, "-");
        if (account.IsPrivileged || account.Kind == AccountKind.Service) W.SpecialPrivileges(at, target, account, logonId);
        W.WinRmAuthenticated(at + ctx.Millis(5, 40), target, account);
        W.WinRmShell(at + ctx.Millis(50, 200), target, account);
        var host = W.SysmonProcess(at + ctx.Millis(200, 600), target, user, logonId, @"C:\Windows\System32\wsmprovhost.exe",
            @"C:\Windows\system32\wsmprovhost.exe -Embedding", ctx.NewGuid(), ctx.NewPid(), @"C:\Windows\System32\svchost.exe",
            @"C:\Windows\system32\svchost.exe -k DcomLaunch -p");
        W.ScriptBlock(at + ctx.Seconds(1, 2), target, account, script);
        if (childImage is not null)
            W.SysmonProcess(at + ctx.Seconds(2, 4), target, user, logonId, childImage, childCommandLine ?? childImage, host.Guid, host.Pid,
                @"C:\Windows\System32\wsmprovhost.exe", @"C:\Windows\system32\wsmprovhost.exe -Embedding");
        W.Logoff(at + ctx.Seconds(5, 40), target, account, logonId, 3);
    }

    /// <summary>A user signs in at their own workstation: TGT, host ticket, 4624 type 2.</summary>
    public string InteractiveLogon(DateTime t, SimHost workstation, SimAccount user, int logonType = 2)
    {
        var dc = Dc;
        W.KerberosTgt(t, dc, user, workstation.Ip);
        W.KerberosService(t + ctx.Millis(20, 200), dc, user, "host", workstation, workstation.Ip);
        string logonId = ctx.NewLogonId();
        W.Logon(t + ctx.Millis(300, 900), workstation, user, logonType, "Negotiate", logonId, "127.0.0.1", "0", workstation.Name,
            processName: @"C:\Windows\System32\svchost.exe");
        if (user.IsPrivileged) W.SpecialPrivileges(t + ctx.Millis(300, 900), workstation, user, logonId);
        return logonId;
    }
}
