namespace Hopwatch.Simulation.Scenarios;

/// <summary>
/// SMB admin share + PsExec: ADMIN$ write of PSEXESVC.exe (5140/5145), the PSEXESVC service
/// install (7045, 4697), its named pipe, and cmd.exe spawned by PSEXESVC.exe on the target.
/// </summary>
public sealed class PsExecScenario : AttackScenario
{
    public override string Name => "psexec-admin-share";
    public override string Description => "PsExec: ADMIN$ copy of PSEXESVC.exe, service install and remote cmd.exe on a server";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var source = ctx.Pick(org.Workstations.Where(w => w.Department == "Engineering").ToList());
        var target = ctx.Pick(org.MemberServers);
        var account = org.Admins[0];
        string user = $"{Organisation.NetbiosDomain}\\{account.Name}";
        var w = ctx.Windows;
        w.SysmonProcess(start, source, user, ctx.NewLogonId(), @"C:\Tools\PsExec64.exe", $@"PsExec64.exe \\{target.Name} -accepteula -s cmd.exe",
            ctx.NewGuid(), ctx.NewPid(), @"C:\Windows\System32\cmd.exe", "cmd.exe");
        var t = start + ctx.Seconds(1, 2);
        string logonId = ctx.Activities.NetworkLogonWithShares(t, source, target, account, "Kerberos", ["IPC$", "ADMIN$"], "PSEXESVC.exe",
            hold: TimeSpan.FromMinutes(6), sourceImage: @"C:\Tools\PsExec64.exe");
        t += ctx.Seconds(2, 3);
        w.ServiceInstalledSystem(t, target, "PSEXESVC", "%SystemRoot%\\PSEXESVC.exe");
        w.ServiceInstalledSecurity(t, target, account, logonId, "PSEXESVC", "%SystemRoot%\\PSEXESVC.exe");
        var svc = w.SysmonProcess(t + ctx.Millis(300, 800), target, @"NT AUTHORITY\SYSTEM", "0x3e7", @"C:\Windows\PSEXESVC.exe",
            @"C:\Windows\PSEXESVC.exe", ctx.NewGuid(), "688", @"C:\Windows\System32\services.exe", @"C:\Windows\system32\services.exe", "System");
        w.SysmonPipe(t + ctx.Millis(900, 1200), target, @"\PSEXESVC", @"C:\Windows\PSEXESVC.exe");
        w.SysmonPipe(t + ctx.Millis(1300, 1500), target, $@"\PSEXESVC-{source.Name}-4242-stdin", @"C:\Windows\PSEXESVC.exe");
        w.SysmonProcess(t + ctx.Seconds(2, 3), target, @"NT AUTHORITY\SYSTEM", "0x3e7", @"C:\Windows\System32\cmd.exe", "\"cmd.exe\"",
            svc.Guid, svc.Pid, @"C:\Windows\PSEXESVC.exe", @"C:\Windows\PSEXESVC.exe", "System");
        return Truth(start, t + TimeSpan.FromMinutes(6), ["T1021.002", "T1569.002"], [source], [target], [account]);
    }
}
