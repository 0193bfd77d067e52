namespace Hopwatch.Simulation.Scenarios;

/// <summary>
/// DCOM lateral movement via the MMC20.Application object: RPC to 135 and a dynamic port, a type 3
/// logon, mmc.exe -Embedding started by svchost (DcomLaunch) and cmd.exe as its child on the target.
/// </summary>
public sealed class DcomMmcScenario : AttackScenario
{
    public override string Name => "dcom-mmc20";
    public override string Description => "DCOM MMC20.Application ExecuteShellCommand from a workstation to a server";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var source = ctx.Pick(org.Workstations.Where(w => w.Department == "Legal").ToList());
        var target = ctx.Pick(org.ByRole(HostRole.AppServer).ToList());
        var account = org.Admins[0];
        string user = $"{Organisation.NetbiosDomain}\\{account.Name}";
        var w = ctx.Windows;
        string ps = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe";
        w.SysmonProcess(start, source, user, ctx.NewLogonId(), ps,
            $"powershell.exe -c \"[activator]::CreateInstance([type]::GetTypeFromProgID('MMC20.Application','{target.Name}')).Document.ActiveView.ExecuteShellCommand('cmd.exe',$null,'/c whoami > C:\\Windows\\Temp\\o.txt','7')\"",
            ctx.NewGuid(), ctx.NewPid(), @"C:\Windows\explorer.exe", @"C:\Windows\Explorer.EXE");
        string p1 = ctx.NewPort(), p2 = ctx.NewPort();
        w.SysmonNetwork(start + ctx.Millis(200, 400), source, ps, user, true, source.Ip, source.Fqdn, p1, target.Ip, target.Fqdn, 135);
        w.SysmonNetwork(start + ctx.Millis(200, 400), target, @"C:\Windows\System32\svchost.exe", @"NT AUTHORITY\NETWORK SERVICE", false,
            source.Ip, source.Fqdn, p1, target.Ip, target.Fqdn, 135);
        var t = start + ctx.Millis(500, 900);
        w.KerberosService(t, org.DomainControllers[0], account, "RPCSS", target, source.Ip);
        string logonId = ctx.NewLogonId();
        w.Logon(t + ctx.Millis(10, 40), target, account, 3, "Kerberos", logonId, source.Ip, p2, "-");
        w.SpecialPrivileges(t + ctx.Millis(10, 40), target, account, logonId);
        w.SysmonNetwork(t + ctx.Millis(50, 90), source, ps, user, true, source.Ip, source.Fqdn, p2, target.Ip, target.Fqdn, 49704, "-");
        var mmc = w.SysmonProcess(t + ctx.Millis(300, 700), target, user, logonId, @"C:\Windows\System32\mmc.exe",
            @"""C:\Windows\system32\mmc.exe"" -Embedding", ctx.NewGuid(), ctx.NewPid(), @"C:\Windows\System32\svchost.exe",
            @"C:\Windows\system32\svchost.exe -k DcomLaunch -p");
        w.SysmonProcess(t + ctx.Seconds(1, 2), target, user, logonId, @"C:\Windows\System32\cmd.exe",
            @"""C:\Windows\System32\cmd.exe"" /c whoami > C:\Windows\Temp\o.txt", mmc.Guid, mmc.Pid, @"C:\Windows\System32\mmc.exe",
            @"""C:\Windows\system32\mmc.exe"" -Embedding");
        w.Logoff(t + ctx.Seconds(30, 60), target, account, logonId, 3);
        return Truth(start, t + TimeSpan.FromMinutes(1), ["T1021.003"], [source], [target], [account]);
    }
}
