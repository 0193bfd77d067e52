namespace Hopwatch.Simulation.Scenarios;

/// <summary>An admin account RDPs at night from a sales workstation (never its source) to a SQL server.</summary>
public sealed class OffHoursAdminRdpScenario : AttackScenario
{
    public override string Name => "offhours-admin-rdp";
    public override string Description => "Admin account RDP at ~03:00 from an unusual source (a sales workstation) to a SQL server";
    public override bool OffHours => true;

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var source = ctx.Pick(org.Workstations.Where(w => w.Department == "Sales").ToList());
        var target = ctx.Pick(org.ByRole(HostRole.SqlServer).ToList());
        var account = org.Admins[^1];
        ctx.Activities.RdpSession(start, source, target, account, TimeSpan.FromMinutes(18), explicitCredentials: true,
            operatorAccount: org.Users.First(u => u.Workstation == source));
        return Truth(start, start + TimeSpan.FromMinutes(19), ["T1021.001"], [source], [target], [account]);
    }
}
