namespace Hopwatch.Simulation.Scenarios;

/// <summary>
/// Reference 000, "Pass-the-Hash via SMB Admin Share": NTLM (NTLM V2, key length 0, no Kerberos)
/// network logons of local_admin to C$ on 12 servers within 8 minutes from one workstation; on the
/// source the sekurlsa::pth logon (type 9, seclogo).
/// </summary>
public sealed class PassTheHashScenario : AttackScenario
{
    public override string Name => "pth-admin-shares-12";
    public override string Description => "Pass-the-hash: local_admin NTLM logons to C$ on 12 servers in 8 minutes from one workstation";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var source = ctx.Pick(org.Workstations.Where(w => w.Department is "Finance" or "Sales").ToList());
        var account = org.LocalAdmin;
        var owner = org.Users.First(u => u.Workstation == source);
        var targets = ctx.PickDistinct(org.MemberServers, 12);
        // sekurlsa::pth starts a process with the injected hash: a type 9 logon on the source.
        ctx.Windows.Logon(start, source, owner, 9, "Negotiate", ctx.NewLogonId(), "::1", "0", "-",
            processName: @"C:\Windows\System32\svchost.exe", logonProcess: "seclogo");
        var t = start + ctx.Seconds(10, 20);
        foreach (var target in targets)
        {
            ctx.Activities.NetworkLogonWithShares(t, source, target, account, "NTLM", ["IPC$", "C$"], relativeName: @"Windows\Temp",
                keyLengthZero: true);
            t += ctx.Seconds(25, 38);
        }
        return Truth(start, t, ["T1021.002", "T1550.002"], [source], targets, [account]);
    }
}
