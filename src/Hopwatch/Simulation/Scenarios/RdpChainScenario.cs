namespace Hopwatch.Simulation.Scenarios;

/// <summary>
/// Reference 000, "RDP Lateral Movement Chain": DA_svc_backup RDPs sequentially to 8 systems in
/// about 35 minutes, from a compromised workstation through file servers to a domain controller,
/// each hop 3-5 minutes after arriving on the previous system.
/// </summary>
public sealed class RdpChainScenario : AttackScenario
{
    public override string Name => "rdp-chain-8";
    public override string Description => "Service account DA_svc_backup RDPs through 8 systems in ~35 minutes, ending at a domain controller";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var account = org.BackupDomainAdminService;
        var origin = ctx.Pick(org.Workstations.Where(w => w.Department != "IT").ToList());
        var fileServers = ctx.PickDistinct(org.ByRole(HostRole.FileServer).ToList(), 3);
        var others = ctx.PickDistinct(org.MemberServers.Except(fileServers).ToList(), 4);
        var path = new List<SimHost>(fileServers.Take(2));
        path.AddRange(others.Take(2));
        path.Add(fileServers[2]);
        path.AddRange(others.Skip(2));
        path.Add(org.DomainControllers[0]);  // 8 targets

        var t = start;
        var from = origin;
        foreach (var hop in path)
        {
            var arrived = ctx.Activities.RdpSession(t, from, hop, account, TimeSpan.FromMinutes(40), explicitCredentials: true);
            from = hop;
            t = arrived + ctx.Seconds(180, 290);
        }
        return Truth(start, t, ["T1021.001"], [origin], path, [account]);
    }
}
