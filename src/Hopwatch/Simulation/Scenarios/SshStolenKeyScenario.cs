namespace Hopwatch.Simulation.Scenarios;

/// <summary>
/// Reference 003 atomic test 4 turned hostile: the automation account's private key, stolen from
/// a web server, is used from there to reach three other Linux servers (auth.log "Accepted publickey").
/// </summary>
public sealed class SshStolenKeyScenario : AttackScenario
{
    public override string Name => "ssh-stolen-key";
    public override string Description => "The ansible SSH key used from a compromised web server to three Linux servers";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var linux = org.ByRole(HostRole.LinuxServer).ToList();
        var source = linux[0];
        var targets = ctx.PickDistinct(linux.Skip(1).ToList(), 3);
        var account = org.AnsibleLinux;
        var t = start;
        foreach (var target in targets)
        {
            ctx.Linux.SshKeySession(t, target, account, source.Ip, LinuxEventFactory.Fingerprint(account.Name, org.LinuxAutomation.Name),
                TimeSpan.FromMinutes(ctx.Rng.Next(3, 9)));
            ctx.Linux.Sudo(t + ctx.Seconds(20, 60), target, account.Name, "/usr/bin/cat /etc/shadow");
            t += ctx.Seconds(120, 300);
        }
        return Truth(start, t + TimeSpan.FromMinutes(9), ["T1021.004"], [source], targets, [account]);
    }
}
