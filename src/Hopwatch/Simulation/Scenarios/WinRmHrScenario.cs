namespace Hopwatch.Simulation.Scenarios;

/// <summary>
/// Reference 000, "WinRM Remote Command Execution": from HR workstation WS-HR-007, a domain admin
/// account runs the same credential-harvesting script on 6 servers with Invoke-Command.
/// </summary>
public sealed class WinRmHrScenario : AttackScenario
{
    public override string Name => "winrm-hr-6";
    public override string Description => "WinRM/Invoke-Command from HR workstation WS-HR-007 to 6 servers with a domain admin account";

    private const string Script =
        "$s = Get-Process lsass; rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump $s.Id C:\\Windows\\Temp\\ls.dmp full; " +
        "Get-ChildItem C:\\Users\\*\\AppData\\Roaming\\Microsoft\\Credentials -Force";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var source = org.Host("WS-HR-007");
        var account = org.Admins[0];
        var targets = ctx.PickDistinct(org.MemberServers, 6);
        string user = $"{Organisation.NetbiosDomain}\\{account.Name}";
        ctx.Windows.SysmonProcess(start, source, user, ctx.NewLogonId(), @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
            "powershell.exe -nop -w hidden -c \"Invoke-Command -ComputerName " + string.Join(",", targets.Select(h => h.Name)) + " -FilePath C:\\Users\\Public\\h.ps1\"",
            ctx.NewGuid(), ctx.NewPid(), @"C:\Windows\explorer.exe", @"C:\Windows\Explorer.EXE", "High");
        var t = start + ctx.Seconds(2, 5);
        foreach (var target in targets)
        {
            ctx.Activities.WinRmCommand(t, source, target, account, Script,
                @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", "powershell.exe -nop -enc " + Convert.ToBase64String(System.Text.Encoding.Unicode.GetBytes(Script))[..60]);
            t += ctx.Seconds(20, 70);
        }
        return Truth(start, t + TimeSpan.FromMinutes(1), ["T1021.006"], [source], targets, [account]);
    }
}
