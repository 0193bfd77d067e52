namespace Hopwatch.Simulation;

/// <summary>
/// A day of normal work with an office-hours rhythm (quiet weekends): sign-ins and Kerberos
/// traffic, file and application server access, admins working through jump hosts (RDP and
/// WinRM), helpdesk RDP to workstations, the backup server reaching every server's admin shares
/// at night, configuration-management pushes, the vulnerability scanner touching every host,
/// scheduled batch logons and tasks, Linux automation over SSH keys and cron.
/// Every event of a day falls on or after that day's midnight (UTC).
/// </summary>
public sealed class BenignActivity(SimContext ctx)
{
    private Organisation Org => ctx.Org;
    private WindowsEventFactory W => ctx.Windows;
    private Activities A => ctx.Activities;

    private static readonly string[] AdminScripts =
    [
        "Get-Service -Name W3SVC, MSSQLSERVER | Select-Object Name, Status",
        "Get-EventLog -LogName System -Newest 50 -EntryType Error",
        "Restart-Service -Name Spooler",
        "Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5",
        "Get-PSDrive -PSProvider FileSystem | Select-Object Name, Used, Free",
    ];

    public void GenerateDay(DateTime day)
    {
        bool weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
        foreach (var user in Org.Users) UserDay(day, user, weekend);
        if (!weekend)
        {
            foreach (var admin in Org.Admins) AdminDay(day, admin);
            foreach (var hd in Org.Helpdesk) HelpdeskDay(day, hd);
            ConfigManagementDay(day);
            LinuxAdminDay(day);
            AppToSqlDay(day);
        }
        MachineAccountTraffic(day);
        BackupNight(day);
        ScannerNight(day);
        ScheduledWork(day);
        LinuxAutomation(day);
    }

    private DateTime At(DateTime day, double fromHour, double toHour) =>
        day.AddHours(fromHour + ctx.Rng.NextDouble() * (toHour - fromHour));

    private void UserDay(DateTime day, SimAccount user, bool weekend)
    {
        var ws = user.Workstation!;
        if (weekend ? ctx.Rng.NextDouble() > 0.05 : ctx.Rng.NextDouble() > 0.92) return;
        var arrive = weekend ? At(day, 10, 14) : At(day, 7.5, 9.5);
        var leave = weekend ? arrive.AddHours(1 + ctx.Rng.NextDouble() * 2) : At(day, 16.5, 18.5);
        string logonId = A.InteractiveLogon(arrive, ws, user);
        var fileServers = Org.FileServers;
        int accesses = weekend ? 1 : ctx.Rng.Next(3, 8);
        for (int i = 0; i < accesses; i++)
        {
            var t = arrive + TimeSpan.FromTicks((long)((leave - arrive).Ticks * ctx.Rng.NextDouble()));
            var fs = fileServers[(ws.Index + i) % fileServers.Count];
            A.NetworkLogonWithShares(t, ws, fs, user, "Kerberos", [user.Department.Replace(" ", "")], sourceImage: "System");
        }
        if (!weekend)
        {
            var apps = Org.AppServers;
            var app = apps[ws.Index % apps.Count];
            int n = ctx.Rng.Next(1, 4);
            for (int i = 0; i < n; i++)
            {
                var t = At(day, 9, 17);
                W.KerberosService(t, ctx.Pick(Org.DomainControllers), user, "HTTP", app, ws.Ip);
                string id = ctx.NewLogonId();
                W.Logon(t + ctx.Millis(10, 50), app, user, 3, "Kerberos", id, ws.Ip, ctx.NewPort(), "-");
                W.Logoff(t + ctx.Seconds(1, 20), app, user, id, 3);
            }
            // Lunch: screen lock and unlock (type 7).
            var unlock = At(day, 12.5, 13.5);
            W.Logon(unlock, ws, user, 7, "Negotiate", ctx.NewLogonId(), "127.0.0.1", "0", ws.Name);
            W.SysmonProcess(arrive + ctx.Seconds(30, 90), ws, $"{Organisation.NetbiosDomain}\\{user.Name}", logonId,
                @"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE", "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\"",
                ctx.NewGuid(), ctx.NewPid(), @"C:\Windows\explorer.exe", @"C:\Windows\Explorer.EXE", "Medium");
        }
        W.Logoff(leave, ws, user, logonId, 2);
    }

    private void AdminDay(DateTime day, SimAccount admin)
    {
        if (ctx.Rng.NextDouble() > 0.9) return;
        var ws = admin.Workstation!;
        var jump = Org.JumpHosts[admin.Name.Length % Org.JumpHosts.Count];
        var start = At(day, 8.5, 10);
        var arrived = A.RdpSession(start, ws, jump, admin, TimeSpan.FromHours(6 + ctx.Rng.NextDouble()));
        var t = arrived + ctx.Seconds(120, 600);
        int rdp = ctx.Rng.Next(2, 6), winrm = ctx.Rng.Next(1, 5);
        for (int i = 0; i < rdp; i++)
        {
            var target = ctx.Pick(Org.AdminRdpTargets);
            A.RdpSession(t, jump, target, admin, ctx.Seconds(300, 2400));
            t += ctx.Seconds(1200, 3600);
        }
        for (int i = 0; i < winrm; i++)
        {
            var target = ctx.Pick(Org.MemberServers);
            A.WinRmCommand(arrived + ctx.Seconds(600, 5 * 3600), jump, target, admin, ctx.Pick(AdminScripts));
        }
    }

    private void HelpdeskDay(DateTime day, SimAccount hd)
    {
        int n = ctx.Rng.Next(2, 6);
        for (int i = 0; i < n; i++)
        {
            var target = ctx.Pick(Org.UserWorkstations);
            A.RdpSession(At(day, 9, 17), hd.Workstation!, target, hd, ctx.Seconds(300, 1800));
        }
    }

    private void ConfigManagementDay(DateTime day)
    {
        // Software deployment: the site server's account reaches a slice of workstations over ADMIN$.
        var targets = ctx.PickDistinct(Org.Workstations, Math.Max(2, Org.Workstations.Count / 8));
        foreach (var ws in targets)
        {
            var t = At(day, 10, 15);
            A.NetworkLogonWithShares(t, Org.ConfigServer, ws, Org.ConfigService, "Kerberos", ["ADMIN$"], @"ccmsetup\ccmsetup.exe",
                sourceImage: @"C:\Program Files\Microsoft Configuration Manager\bin\x64\smsexec.exe");
        }
        // A client (re)install now and then, which installs the ccmsetup service.
        if (ctx.Rng.NextDouble() < 0.3)
        {
            var ws = ctx.Pick(Org.Workstations);
            var t = At(day, 10, 15);
            A.NetworkLogonWithShares(t, Org.ConfigServer, ws, Org.ConfigService, "Kerberos", ["ADMIN$"], @"ccmsetup\ccmsetup.exe");
            W.ServiceInstalledSystem(t + ctx.Seconds(3, 8), ws, "ccmsetup", @"C:\Windows\ccmsetup\ccmsetup.exe /source:http://SCCM01 /service");
        }
    }

    private void BackupNight(DateTime day)
    {
        var t = At(day, 1, 1.2);
        foreach (var server in Org.WindowsServers)
        {
            if (server == Org.BackupServer) continue;
            A.NetworkLogonWithShares(t, Org.BackupServer, server, Org.BackupService, "Kerberos", ["ADMIN$", "C$"],
                hold: ctx.Seconds(300, 1500), sourceImage: @"C:\Program Files\Veeam\Backup and Replication\Backup\Veeam.Backup.Manager.exe");
            t += ctx.Seconds(60, 240);
        }
        foreach (var dc in Org.DomainControllers)
            A.NetworkLogonWithShares(t + ctx.Seconds(60, 300), Org.BackupServer, dc, Org.BackupDomainAdminService, "Kerberos", ["C$"],
                hold: ctx.Seconds(600, 1200));
        foreach (var lnx in Org.LinuxHosts)
            ctx.Linux.SshKeySession(At(day, 2, 3), lnx, Org.BackupLinux, Org.BackupServer.Ip,
                LinuxEventFactory.Fingerprint(Org.BackupLinux.Name, Org.BackupServer.Name), ctx.Seconds(120, 900));
    }

    private void ScannerNight(DateTime day)
    {
        // Authenticated vulnerability scan: NTLM network logons with IPC$ and ADMIN$ on every Windows host.
        var t = At(day, 22, 22.2);
        foreach (var host in Org.WindowsHosts)
        {
            if (host == Org.Scanner) continue;
            A.NetworkLogonWithShares(t, Org.Scanner, host, Org.ScanService, "NTLM", ["IPC$", "ADMIN$"], sysmonOnSource: false,
                hold: ctx.Seconds(5, 60));
            t += ctx.Seconds(2, 12);
        }
    }

    private void MachineAccountTraffic(DateTime day)
    {
        // Group policy refresh: each computer's account authenticates to a DC every ~90 minutes.
        foreach (var host in Org.WindowsHosts)
        {
            if (host.Role == HostRole.DomainController) continue;
            var machine = new SimAccount
            {
                Name = host.MachineAccount, Domain = Organisation.NetbiosDomain, Sid = Organisation.DomainSid + "-" + (3000 + host.Index),
                Kind = AccountKind.Service, Department = "IT",
            };
            for (double h = ctx.Rng.NextDouble() * 1.5; h < 23.8; h += 1.5)
            {
                var dc = ctx.Pick(Org.DomainControllers);
                var t = day.AddHours(h);
                W.KerberosService(t, dc, machine, "ldap", dc, host.Ip);
                string id = ctx.NewLogonId();
                W.Logon(t + ctx.Millis(5, 40), dc, machine, 3, "Kerberos", id, host.Ip, ctx.NewPort(), "-");
                W.Logoff(t + ctx.Millis(100, 2000), dc, machine, id, 3);
            }
        }
    }

    private void AppToSqlDay(DateTime day)
    {
        var sqls = Org.SqlServers;
        foreach (var app in Org.AppServers)
        {
            var sql = sqls[app.Index % sqls.Count];
            for (int h = 8; h < 19; h += 2)
            {
                var t = At(day, h, h + 2);
                W.KerberosService(t, ctx.Pick(Org.DomainControllers), Org.SqlService, "MSSQLSvc", sql, app.Ip);
                string id = ctx.NewLogonId();
                W.Logon(t + ctx.Millis(5, 40), sql, Org.SqlService, 3, "Kerberos", id, app.Ip, ctx.NewPort(), "-");
                W.Logoff(t + ctx.Seconds(1, 30), sql, Org.SqlService, id, 3);
            }
        }
    }

    private void ScheduledWork(DateTime day)
    {
        foreach (var sql in Org.SqlServers)
        {
            var t = At(day, 0.2, 0.8);
            string id = ctx.NewLogonId();
            W.Logon(t, sql, Org.SqlService, 4, "Negotiate", id, "-", "-", sql.Name, processName: @"C:\Windows\System32\svchost.exe");
            W.Logoff(t + ctx.Seconds(60, 600), sql, Org.SqlService, id, 4);
        }
        if (day.DayOfWeek == DayOfWeek.Tuesday && Org.Admins.Count > 0)
        {
            var admin = Org.Admins[0];
            var server = ctx.Pick(Org.MemberServers);
            W.TaskCreated(At(day, 10, 16), server, admin, ctx.NewLogonId(), @"\Maintenance\CleanupLogs",
                @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -File C:\Scripts\cleanup.ps1");
        }
    }

    private void LinuxAutomation(DateTime day)
    {
        string fp = LinuxEventFactory.Fingerprint(Org.AnsibleLinux.Name, Org.LinuxAutomation.Name);
        foreach (var lnx in Org.LinuxHosts)
        {
            if (lnx != Org.LinuxAutomation)
            {
                ctx.Linux.SshKeySession(At(day, 3, 3.5), lnx, Org.AnsibleLinux, Org.LinuxAutomation.Ip, fp, ctx.Seconds(30, 240));
                if (day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && ctx.Rng.NextDouble() < 0.5)
                    ctx.Linux.SshKeySession(At(day, 10, 16), lnx, Org.AnsibleLinux, Org.LinuxAutomation.Ip, fp, ctx.Seconds(30, 240));
            }
            for (int h = 0; h < 24; h++)
                ctx.Linux.Cron(day.AddHours(h).AddMinutes(17).AddSeconds(ctx.Rng.Next(0, 2)), lnx, "root", 0);
        }
    }

    private void LinuxAdminDay(DateTime day)
    {
        foreach (var a in Org.LinuxAdmins)
        {
            var ws = Org.Users.First(u => u.Name == a.Name).Workstation!;
            int n = ctx.Rng.Next(0, 4);
            for (int i = 0; i < n; i++)
            {
                var target = ctx.Pick(Org.LinuxHosts);
                var t = At(day, 9, 17);
                ctx.Linux.SshKeySession(t, target, a, ws.Ip, LinuxEventFactory.Fingerprint(a.Name, ws.Name), ctx.Seconds(120, 1800));
                if (ctx.Rng.NextDouble() < 0.5) ctx.Linux.Sudo(t + ctx.Seconds(10, 60), target, a.Name, "/usr/bin/systemctl restart nginx");
            }
        }
    }
}
