namespace Hopwatch.Simulation.Scenarios;

/// <summary>Reference 003 atomic test 3: one Invoke-Command from a workstation to a server (4624 type 3, WinRM 91/169, 4104).</summary>
public sealed class WinRmRemoteCommandScenario : AttackScenario
{
    public override string Name => "winrm-remote-command";
    public override string Description => "Invoke-Command from a finance workstation to a SQL server with an admin account";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var source = ctx.Pick(org.Workstations.Where(w => w.Department == "Finance").ToList());
        var target = ctx.Pick(org.ByRole(HostRole.SqlServer).ToList());
        var account = org.Admins[^1];
        ctx.Activities.WinRmCommand(start, source, target, account,
            "Invoke-Command -ComputerName " + target.Name + " -ScriptBlock { whoami /all; net localgroup administrators; Get-Process }",
            @"C:\Windows\System32\whoami.exe", "\"C:\\Windows\\system32\\whoami.exe\" /all");
        return Truth(start, start + TimeSpan.FromMinutes(2), ["T1021.006"], [source], [target], [account]);
    }
}
