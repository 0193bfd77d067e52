namespace Hopwatch.Simulation.Scenarios;

/// <summary>RDP nesting: a user RDPs to a server and, from inside that session, on to two more servers.</summary>
public sealed class RdpNestingScenario : AttackScenario
{
    public override string Name => "rdp-nesting";
    public override string Description => "A regular user RDPs to an app server, then from inside that session to two more servers";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var user = ctx.Pick(org.Users.Where(u => u.Department == "Engineering").ToList());
        var source = user.Workstation!;
        var first = ctx.Pick(org.ByRole(HostRole.AppServer).ToList());
        var second = ctx.Pick(org.ByRole(HostRole.SqlServer).ToList());
        var third = ctx.Pick(org.ByRole(HostRole.FileServer).ToList());
        var t1 = ctx.Activities.RdpSession(start, source, first, user, TimeSpan.FromMinutes(50));
        var t2 = ctx.Activities.RdpSession(t1 + ctx.Seconds(120, 300), first, second, user, TimeSpan.FromMinutes(30));
        var t3 = ctx.Activities.RdpSession(t2 + ctx.Seconds(120, 300), second, third, user, TimeSpan.FromMinutes(15));
        return Truth(start, t3 + TimeSpan.FromMinutes(16), ["T1021.001"], [source], [first, second, third], [user]);
    }
}
