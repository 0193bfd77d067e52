using System.Text;

namespace Hopwatch.Simulation;

/// <summary>The asset inventory of a simulated organisation: host, ip, role, owner, department.</summary>
public static class AssetsCsv
{
    public static string RoleName(HostRole role) => role switch
    {
        HostRole.DomainController => "domain-controller",
        HostRole.FileServer or HostRole.AppServer or HostRole.SqlServer or HostRole.LinuxServer => "server",
        HostRole.Workstation => "workstation",
        HostRole.JumpHost => "jump-host",
        HostRole.BackupServer => "backup-server",
        HostRole.ConfigManagement => "sccm",
        HostRole.VulnScanner => "vulnerability-scanner",
        HostRole.LinuxAutomation => "ansible",
        _ => "unknown",
    };

    public static string Render(Organisation org)
    {
        var sb = new StringBuilder("host,ip,role,owner,department\n");
        foreach (var h in org.Hosts)
            sb.Append(h.Name).Append(',').Append(h.Ip).Append(',').Append(RoleName(h.Role)).Append(',')
              .Append(Quote(h.Owner)).Append(',').Append(Quote(h.Department)).Append('\n');
        return sb.ToString();
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
