namespace Hopwatch.Simulation.Scenarios;

/// <summary>VNC: a viewer on a workstation connects to a VNC server on another workstation (Sysmon 1 and 3, port 5900 both ends).</summary>
public sealed class VncScenario : AttackScenario
{
    public override string Name => "vnc";
    public override string Description => "VNC viewer on a workstation connects to port 5900 of another department's workstation";

    public override TruthScenario Inject(SimContext ctx, DateTime start)
    {
        var org = ctx.Org;
        var source = ctx.Pick(org.Workstations.Where(w => w.Department == "Engineering").ToList());
        var target = ctx.Pick(org.Workstations.Where(w => w.Department == "Finance").ToList());
        var user = org.Users.First(u => u.Workstation == source);
        string u = $"{Organisation.NetbiosDomain}\\{user.Name}";
        var w = ctx.Windows;
        string viewer = @"C:\Users\" + user.Name + @"\Downloads\vncviewer.exe";
        w.SysmonProcess(start, source, u, ctx.NewLogonId(), viewer, $"\"{viewer}\" {target.Ip}:5900", ctx.NewGuid(), ctx.NewPid(),
            @"C:\Windows\explorer.exe", @"C:\Windows\Explorer.EXE", "Medium");
        string port = ctx.NewPort();
        var t = start + ctx.Seconds(2, 4);
        w.SysmonNetwork(t, source, viewer, u, true, source.Ip, source.Fqdn, port, target.Ip, target.Fqdn, 5900);
        w.SysmonNetwork(t + ctx.Millis(1, 30), target, @"C:\Program Files\RealVNC\VNC Server\vncserver.exe", @"NT AUTHORITY\SYSTEM", false,
            source.Ip, source.Fqdn, port, target.Ip, target.Fqdn, 5900);
        w.SysmonProcess(t + ctx.Seconds(1, 2), target, @"NT AUTHORITY\SYSTEM", "0x3e7", @"C:\Program Files\RealVNC\VNC Server\vncserverui.exe",
            "\"C:\\Program Files\\RealVNC\\VNC Server\\vncserverui.exe\" service 2", ctx.NewGuid(), ctx.NewPid(),
            @"C:\Program Files\RealVNC\VNC Server\vncserver.exe", "\"C:\\Program Files\\RealVNC\\VNC Server\\vncserver.exe\" -service", "System");
        return Truth(start, t + TimeSpan.FromMinutes(20), ["T1021.005"], [source], [target], [user]);
    }
}
