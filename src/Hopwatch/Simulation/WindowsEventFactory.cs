using System.Globalization;

namespace Hopwatch.Simulation;

/// <summary>
/// Builds single Windows events with the values Windows writes for them (logon types, logon
/// processes, authentication packages, status codes, %%-message ids as EVTX stores them).
/// Values are positional, in the schema's field order, because this is the simulator's hot path.
/// </summary>
public sealed class WindowsEventFactory(SimContext ctx)
{
    private const string NullSid = "S-1-0-0";
    private const string SystemSid = "S-1-5-18";
    public const string AdminPrivileges =
        "SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeImpersonatePrivilege\r\n\t\t\tSeDelegateSessionUserImpersonatePrivilege";

    private SimEvent Ev(EventSchema s, SimHost host, DateTime t, string?[] v, string? userSid = null)
    {
        var e = new SimEvent { Time = t, Host = host, Schema = s, Values = v, UserSid = userSid };
        ctx.Emit(e);
        return e;
    }

    public static string DomainOf(SimAccount a, SimHost target) => a.Kind == AccountKind.LocalAdmin ? target.Name : Organisation.NetbiosDomain;
    public static string SidOf(SimAccount a, SimHost target) => a.Kind == AccountKind.LocalAdmin ? Organisation.LocalAccountSid(target, 1001) : a.Sid;

    /// <summary>4624. <paramref name="package"/>: Kerberos, NTLM or Negotiate.</summary>
    public SimEvent Logon(DateTime t, SimHost target, SimAccount account, int logonType, string package, string logonId,
        string ipAddress = "-", string ipPort = "-", string workstation = "-", bool keyLengthZero = false, string? processName = null,
        string? logonProcess = null)
    {
        // Elevated token: Yes (%%1842) for administrators and service accounts, No (%%1843) otherwise.
        string elevated = account.IsPrivileged || account.Kind is AccountKind.Service or AccountKind.Helpdesk ? "%%1842" : "%%1843";
        bool ntlm = package == "NTLM";
        string lp = logonProcess ?? logonType switch
        {
            2 or 7 or 10 or 11 => "User32 ",
            4 or 5 => "Advapi  ",
            9 => "seclogo",
            _ => ntlm ? "NtLmSsp " : package == "Kerberos" ? "Kerberos" : "Advapi  ",
        };
        bool network = logonType == 3;
        string subjectSid = network ? NullSid : SystemSid;
        string subjectName = network ? "-" : target.MachineAccount;
        string subjectDomain = network ? "-" : Organisation.NetbiosDomain;
        string subjectLogonId = network ? "0x0" : "0x3e7";
        string pid = network ? "0x0" : "0x" + (target.LoggerPid(1) + 200).ToString("x", CultureInfo.InvariantCulture);
        string pname = processName ?? (network ? "-" : @"C:\Windows\System32\svchost.exe");
        string keyLen = ntlm && !keyLengthZero ? "128" : "0";
        return Ev(EventSchemas.Logon4624, target, t,
        [
            subjectSid, subjectName, subjectDomain, subjectLogonId,
            SidOf(account, target), account.Name, DomainOf(account, target), logonId,
            logonType.ToString(CultureInfo.InvariantCulture), lp, package,
            workstation, ntlm || logonType == 9 ? "{00000000-0000-0000-0000-000000000000}" : ctx.NewGuid(), "-",
            ntlm ? "NTLM V2" : "-", keyLen, pid, pname,
            ipAddress, ipPort, "%%1833", logonType == 10 ? "%%1843" : "-", "-", "-", "%%1843", "0x0", elevated,
        ]);
    }

    /// <summary>4625 with the given NTSTATUS (0xc000006d + sub-status 0xc000006a: bad password).</summary>
    public SimEvent FailedLogon(DateTime t, SimHost target, string user, string domain, int logonType, string package,
        string ipAddress, string workstation, string status = "0xc000006d", string subStatus = "0xc000006a")
        => Ev(EventSchemas.FailedLogon4625, target, t,
        [
            NullSid, "-", "-", "0x0", NullSid, user, domain, status, "%%2313", subStatus,
            logonType.ToString(CultureInfo.InvariantCulture), package == "NTLM" ? "NtLmSsp " : "User32 ", package,
            workstation, "-", package == "NTLM" ? "-" : "-", "0", "0x0", "-", ipAddress, ctx.NewPort(),
        ]);

    public SimEvent Logoff(DateTime t, SimHost target, SimAccount account, string logonId, int logonType)
        => Ev(EventSchemas.Logoff4634, target, t,
            [SidOf(account, target), account.Name, DomainOf(account, target), logonId, logonType.ToString(CultureInfo.InvariantCulture)]);

    public SimEvent ExplicitCredentials(DateTime t, SimHost source, SimAccount subject, string subjectLogonId, SimAccount target,
        string targetServer, string targetInfo, string processName, string ip = "-", string port = "-")
        => Ev(EventSchemas.ExplicitCredentials4648, source, t,
        [
            subject.Sid, subject.Name, Organisation.NetbiosDomain, subjectLogonId, "{00000000-0000-0000-0000-000000000000}",
            target.Name, DomainOf(target, source), "{00000000-0000-0000-0000-000000000000}", targetServer, targetInfo,
            "0x" + ctx.Rng.Next(0x400, 0x4000).ToString("x", CultureInfo.InvariantCulture), processName, ip, port,
        ]);

    public SimEvent SpecialPrivileges(DateTime t, SimHost target, SimAccount account, string logonId)
        => Ev(EventSchemas.SpecialPrivileges4672, target, t, [SidOf(account, target), account.Name, DomainOf(account, target), logonId, AdminPrivileges]);

    public SimEvent KerberosTgt(DateTime t, SimHost dc, SimAccount account, string clientIp)
        => Ev(EventSchemas.Tgt4768, dc, t,
        [
            account.Name, Organisation.DnsDomain.ToUpperInvariant(), account.Sid, "krbtgt", Organisation.DomainSid + "-502",
            "0x40810010", "0x0", "0x12", "2", "::ffff:" + clientIp, ctx.NewPort(), "", "", "",
        ]);

    public SimEvent KerberosService(DateTime t, SimHost dc, SimAccount account, string service, SimHost serviceHost, string clientIp)
        => Ev(EventSchemas.Tgs4769, dc, t,
        [
            account.Name + "@" + Organisation.DnsDomain.ToUpperInvariant(), Organisation.DnsDomain.ToUpperInvariant(),
            serviceHost.MachineAccount, Organisation.DomainSid + "-" + (2000 + serviceHost.Index).ToString(CultureInfo.InvariantCulture),
            "0x40810000", "0x12", "::ffff:" + clientIp, ctx.NewPort(), "0x0", ctx.NewGuid(), "-",
        ]);

    public SimEvent PreauthFailed(DateTime t, SimHost dc, SimAccount account, string clientIp)
        => Ev(EventSchemas.PreauthFailed4771, dc, t,
            [account.Name, account.Sid, "krbtgt/" + Organisation.DnsDomain.ToUpperInvariant(), "0x40810010", "0x18", "2", "::ffff:" + clientIp, ctx.NewPort(), "", "", ""]);

    /// <summary>4776 on the validating machine (the DC for domain accounts, the target itself for local ones).</summary>
    public SimEvent NtlmValidation(DateTime t, SimHost validator, string user, string workstation, string status = "0x0")
        => Ev(status == "0x0" ? EventSchemas.CredentialValidation4776 : EventSchemas.CredentialValidationFailed4776, validator, t,
            ["MICROSOFT_AUTHENTICATION_PACKAGE_V1_0", user, workstation, status]);

    public SimEvent ShareAccess(DateTime t, SimHost target, SimAccount account, string logonId, string ip, string port, string share, string localPath)
        => Ev(EventSchemas.ShareAccess5140, target, t,
        [
            SidOf(account, target), account.Name, DomainOf(account, target), logonId, "File", ip, port,
            @"\\*\" + share, localPath, "0x1", "%%4416\r\n\t\t\t\t",
        ]);

    public SimEvent ShareCheck(DateTime t, SimHost target, SimAccount account, string logonId, string ip, string port, string share,
        string localPath, string relativeName, string accessMask = "0x2")
        => Ev(EventSchemas.ShareCheck5145, target, t,
        [
            SidOf(account, target), account.Name, DomainOf(account, target), logonId, "File", ip, port,
            @"\\*\" + share, localPath, relativeName, accessMask, accessMask == "0x2" ? "%%4417\r\n\t\t\t\t" : "%%4416\r\n\t\t\t\t",
            "-",
        ]);

    public SimEvent ServiceInstalledSystem(DateTime t, SimHost target, string name, string imagePath, string account = "LocalSystem")
        => Ev(EventSchemas.ServiceInstalled7045, target, t, [name, imagePath, "user mode service", "demand start", account], SystemSid);

    public SimEvent ServiceInstalledSecurity(DateTime t, SimHost target, SimAccount subject, string logonId, string name, string imagePath)
        => Ev(EventSchemas.ServiceInstalled4697, target, t,
            [SidOf(subject, target), subject.Name, DomainOf(subject, target), logonId, name, imagePath, "0x10", "3", "LocalSystem"]);

    public SimEvent TaskCreated(DateTime t, SimHost target, SimAccount subject, string logonId, string taskName, string command)
        => Ev(EventSchemas.TaskCreated4698, target, t,
        [
            SidOf(subject, target), subject.Name, DomainOf(subject, target), logonId, taskName,
            "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\r\n<Task version=\"1.2\" xmlns=\"http://schemas.microsoft.com/windows/2004/02/mit/task\">\r\n  <Actions Context=\"Author\">\r\n    <Exec>\r\n      <Command>"
            + System.Security.SecurityElement.Escape(command) + "</Command>\r\n    </Exec>\r\n  </Actions>\r\n</Task>",
        ]);

    /// <summary>Sysmon 1. Returns the new process's (guid, pid) so children can name it as parent.</summary>
    public (string Guid, string Pid) SysmonProcess(DateTime t, SimHost host, string user, string logonId, string image, string commandLine,
        string parentGuid, string parentPid, string parentImage, string parentCommandLine, string integrity = "High", string? parentUser = null)
    {
        string guid = ctx.NewGuid(), pid = ctx.NewPid();
        string file = image[(image.LastIndexOf('\\') + 1)..];
        Ev(EventSchemas.SysmonProcessCreate, host, t,
        [
            "-", Utc(t), guid, pid, image, "-", "-", "-", "-", file,
            commandLine, @"C:\Windows\system32\", user, ctx.NewGuid(), logonId, "0", integrity,
            "SHA256=" + Hash(image), parentGuid, parentPid, parentImage, parentCommandLine, parentUser ?? user,
        ], "S-1-5-18");
        return (guid, pid);
    }

    /// <summary>Sysmon 3 on the host that logged it (source for outbound, target for inbound).</summary>
    public SimEvent SysmonNetwork(DateTime t, SimHost host, string image, string user, bool initiated, string srcIp, string srcHost,
        string srcPort, string dstIp, string dstHost, int dstPort, string? dstPortName = null)
        => Ev(EventSchemas.SysmonNetworkConnect, host, t,
        [
            "-", Utc(t), ctx.NewGuid(), ctx.NewPid(), image, user, "tcp", initiated ? "true" : "false", "false",
            srcIp, srcHost, srcPort, "-", "false", dstIp, dstHost, dstPort.ToString(CultureInfo.InvariantCulture),
            dstPortName ?? dstPort switch { 3389 => "ms-wbt-server", 445 => "microsoft-ds", 5985 => "wsman", 135 => "epmap", 5900 => "rfb", 22 => "ssh", _ => "-" },
        ], "S-1-5-18");

    public SimEvent SysmonPipe(DateTime t, SimHost host, string pipe, string image)
        => Ev(EventSchemas.SysmonPipeCreated, host, t, ["-", "CreatePipe", Utc(t), ctx.NewGuid(), ctx.NewPid(), pipe, image, @"NT AUTHORITY\SYSTEM"], "S-1-5-18");

    public SimEvent RdpLsm(RdpSessionEvent which, DateTime t, SimHost host, SimAccount account, int session, string address)
        => Ev(which switch
            {
                RdpSessionEvent.Logon => EventSchemas.RdpSessionLogon21,
                RdpSessionEvent.ShellStart => EventSchemas.RdpShellStart22,
                RdpSessionEvent.Disconnect => EventSchemas.RdpSessionDisconnected24,
                _ => EventSchemas.RdpSessionReconnected25,
            }, host, t, [DomainOf(account, host) + "\\" + account.Name, session.ToString(CultureInfo.InvariantCulture), address], "S-1-5-18");

    public SimEvent RdpAuthSucceeded(DateTime t, SimHost host, SimAccount account, string address)
        => Ev(EventSchemas.RdpAuthSucceeded1149, host, t, [account.Name, DomainOf(account, host), address], "S-1-5-20");

    public SimEvent SessionReconnected(DateTime t, SimHost host, SimAccount account, string logonId, string clientName, string clientIp, bool disconnected = false)
        => Ev(disconnected ? EventSchemas.SessionDisconnected4779 : EventSchemas.SessionReconnected4778, host, t,
            [account.Name, DomainOf(account, host), logonId, "RDP-Tcp#" + ctx.Rng.Next(1, 40), clientName, clientIp]);

    public SimEvent WinRmClient(DateTime t, SimHost source, SimAccount account, SimHost target)
        => Ev(EventSchemas.WinRmClientSession6, source, t, [target.Fqdn], account.Sid);

    public SimEvent WinRmShell(DateTime t, SimHost target, SimAccount account)
        => Ev(EventSchemas.WinRmShellCreated91, target, t, ["http://schemas.microsoft.com/powershell/Microsoft.PowerShell", ctx.NewGuid()], account.Sid);

    public SimEvent WinRmAuthenticated(DateTime t, SimHost target, SimAccount account, string mechanism = "Kerberos")
        => Ev(EventSchemas.WinRmUserAuthenticated169, target, t, [DomainOf(account, target) + "\\" + account.Name, mechanism], account.Sid);

    public SimEvent ScriptBlock(DateTime t, SimHost host, SimAccount account, string text)
        => Ev(EventSchemas.ScriptBlock4104, host, t, ["1", "1", text, ctx.NewGuid().Trim('{', '}').ToLowerInvariant(), ""], account.Sid);

    public static string Utc(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static string Hash(string image)
    {
        // A fixed fake hash per image name keeps events deterministic and plausible.
        uint h = 2166136261;
        foreach (char c in image.ToUpperInvariant()) h = (h ^ c) * 16777619;
        return string.Concat(Enumerable.Repeat(h.ToString("X8", CultureInfo.InvariantCulture), 8));
    }
}

/// <summary>Which TerminalServices-LocalSessionManager event.</summary>
public enum RdpSessionEvent { Logon, ShellStart, Disconnect, Reconnect }
