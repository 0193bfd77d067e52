namespace Hopwatch.Simulation.Scenarios;

/// <summary>
/// Password spraying (one password against many accounts: 4625 on the target and failed 4776 on
/// the DC, sub-status 0xc000006a) followed by an RDP logon of one sprayed account from the same source.
/// </summary>
public sealed class SprayThenRdpScenario : AttackScenario
{
    public override string Name => "spray-then-rdp";
    public override string Description => "Password spray of 30 accounts against a server, then RDP with the account that worked";

    private static readonly string[] GuessedNames =
    [
        "administrator", "admin", "test", "guest", "backup", "scanner", "sql", "user1", "helpdesk", "support", "training",
        "reception", "temp", "ftp", "web", "print", "scan", "office", "sales", "hr", "finance", "it", "dev", "demo",
        "service", "operator", "manager", "intern", "audit", "kiosk",
    ];

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var source = ctx.Pick(org.Workstations.Where(w => w.Department == "Sales").ToList());
        var target = ctx.Pick(org.ByRole(HostRole.AppServer).ToList());
        var victims = ctx.PickDistinct(org.Users.Where(u => u.Workstation != source).ToList(), 30);
        // Spray lists mix real accounts with guessed names; the guesses fail as unknown users.
        var names = victims.Select(v => (v.Name, Real: true))
            .Concat(GuessedNames.Take(Math.Max(0, 30 - victims.Count)).Select(n => (Name: n, Real: false))).ToList();
        var t = start;
        foreach (var (name, real) in names)
        {
            string sub = real ? "0xc000006a" : "0xc0000064";
            ctx.Windows.FailedLogon(t, target, name, Organisation.NetbiosDomain, 3, "NTLM", source.Ip, source.Name, subStatus: sub);
            ctx.Windows.NtlmValidation(t + ctx.Millis(1, 20), org.DomainControllers[0], name, source.Name, sub);
            t += ctx.Seconds(4, 12);
        }
        var winner = victims[^1];
        t += ctx.Seconds(60, 120);
        ctx.Activities.RdpSession(t, source, target, winner, TimeSpan.FromMinutes(25), operatorAccount: org.Users.First(u => u.Workstation == source));
        return Truth(start, t + TimeSpan.FromMinutes(26), ["T1021.001", "T1110.003"], [source], [target], [winner]);
    }
}
