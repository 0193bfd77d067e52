namespace Hopwatch.Simulation.Scenarios;

/// <summary>
/// Reference 003 atomic test 1: RDP to localhost through a tunnel. cmdkey stages the credential
/// (4648), plink forwards a local port, and the host logs 4624 type 10, 1149 and LSM 21 from 127.0.0.1.
/// </summary>
public sealed class RdpLocalhostTunnelScenario : AttackScenario
{
    public override string Name => "rdp-localhost-tunnel";
    public override string Description => "RDP to localhost (127.0.0.1) through a plink port forward, credential staged with cmdkey";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var host = ctx.Pick(org.MemberServers);
        var account = org.Admins[^1];
        string user = $"{Organisation.NetbiosDomain}\\{account.Name}";
        var w = ctx.Windows;
        var shell = w.SysmonProcess(start, host, user, ctx.NewLogonId(), @"C:\Windows\System32\cmd.exe", "cmd.exe", ctx.NewGuid(), ctx.NewPid(),
            @"C:\Windows\explorer.exe", @"C:\Windows\Explorer.EXE");
        w.SysmonProcess(start + ctx.Seconds(3, 6), host, user, ctx.NewLogonId(), @"C:\Users\Public\plink.exe",
            @"C:\Users\Public\plink.exe -ssh -N -L 127.0.0.2:3389:127.0.0.1:3389 tunnel@203.0.113.50 -pw hunter2", shell.Guid, shell.Pid,
            @"C:\Windows\System32\cmd.exe", "cmd.exe");
        w.SysmonProcess(start + ctx.Seconds(10, 15), host, user, ctx.NewLogonId(), @"C:\Windows\System32\cmdkey.exe",
            $"cmdkey /generic:TERMSRV/localhost /user:{Organisation.NetbiosDomain}\\{account.Name} /pass:*", shell.Guid, shell.Pid,
            @"C:\Windows\System32\cmd.exe", "cmd.exe");
        var t = start + ctx.Seconds(20, 30);
        w.ExplicitCredentials(t, host, account, ctx.NewLogonId(), account, "localhost", "TERMSRV/localhost", @"C:\Windows\System32\mstsc.exe", "127.0.0.1", "3389");
        w.SysmonProcess(t, host, user, ctx.NewLogonId(), @"C:\Windows\System32\mstsc.exe", "mstsc.exe /v:localhost", shell.Guid, shell.Pid,
            @"C:\Windows\System32\cmd.exe", "cmd.exe");
        ctx.Activities.RdpSession(t + ctx.Seconds(1, 2), host, host, account, TimeSpan.FromMinutes(12), sourceIp: "127.0.0.1");
        return Truth(start, t + TimeSpan.FromMinutes(13), ["T1021.001", "T1572"], [host], [host], [account], ["127.0.0.1"]);
    }
}
