using System.Text;

namespace Hopwatch.Simulation;

/// <summary>The asset inventory of a simulated organisation: host, ip, role, owner, department.</summary>
public static class AssetsCsv
{
    public static string RoleName(HostRole role) => role switch
    {
        HostRole.DomainController => "domain_controller",
        HostRole.FileServer => "file_server",
        HostRole.AppServer => "app_server",
        HostRole.SqlServer => "sql_server",
        HostRole.Workstation => "workstation",
        HostRole.JumpHost => "jump_host",
        HostRole.BackupServer => "backup_server",
        HostRole.ConfigManagement => "config_management",
        HostRole.VulnScanner => "vulnerability_scanner",
        HostRole.LinuxServer => "linux_server",
        HostRole.LinuxAutomation => "linux_automation",
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
