namespace Hopwatch.Analytics;

/// <summary>
/// The tuning list of reference 003 as configuration: jump hosts, vulnerability scanners, backup and
/// configuration-management servers (config entries or asset roles), helpdesk and service accounts.
/// An alert whose actor matches a list that covers its analytic is suppressed — with the reason kept.
/// </summary>
public sealed class Allowlist
{
    private readonly List<(string Name, HostAllowlist List, AssetRole Role, HashSet<string> Analytics)> _hostLists = new();
    private readonly List<(string Name, AccountAllowlist List, HashSet<string> Analytics)> _accountLists = new();
    private readonly AssetInventory _assets;

    public Allowlist(AllowlistConfig config, AssetInventory? assets)
    {
        _assets = assets ?? AssetInventory.Empty;
        AddHost("jump_hosts", config.JumpHosts, AssetRole.Jump);
        AddHost("scanners", config.Scanners, AssetRole.Scanner);
        AddHost("backup_servers", config.BackupServers, AssetRole.Backup);
        AddHost("config_mgmt_servers", config.ConfigMgmtServers, AssetRole.ConfigMgmt);
        AddAccount("helpdesk_accounts", config.HelpdeskAccounts);
        AddAccount("service_accounts", config.ServiceAccounts);
    }

    private void AddHost(string name, HostAllowlist list, AssetRole role) =>
        _hostLists.Add((name, list, role, new HashSet<string>(list.Analytics ?? (IEnumerable<string>)AllowlistConfig.DefaultAnalytics[name], StringComparer.OrdinalIgnoreCase)));

    private void AddAccount(string name, AccountAllowlist list) =>
        _accountLists.Add((name, list, new HashSet<string>(list.Analytics ?? (IEnumerable<string>)AllowlistConfig.DefaultAnalytics[name], StringComparer.OrdinalIgnoreCase)));

    /// <summary>Why the alert is suppressed, or null when it is not.</summary>
    public string? Check(string analytic, IEnumerable<string> actorHosts, IEnumerable<string> users)
    {
        foreach (var h in actorHosts)
        {
            if (string.IsNullOrEmpty(h)) continue;
            foreach (var (name, list, role, analytics) in _hostLists)
            {
                if (!analytics.Contains(analytic)) continue;
                if (MatchesHost(list.Hosts, h)) return $"source {h} is in allowlist.{name}";
                var asset = _assets.Find(h);
                if (asset is not null && asset.Role == role) return $"source {h} has asset role {role.ToString().ToLowerInvariant()} (allowlist.{name})";
            }
        }
        foreach (var u in users)
        {
            if (string.IsNullOrEmpty(u)) continue;
            foreach (var (name, list, analytics) in _accountLists)
                if (analytics.Contains(analytic) && Glob.Any(list.Accounts, u)) return $"account {u} is in allowlist.{name}";
        }
        return null;
    }

    private static bool MatchesHost(List<string> entries, string hostOrIp)
    {
        bool isIp = Ips.IsAddress(hostOrIp);
        foreach (var entry in entries)
        {
            if (isIp && (entry.Contains('/') || Ips.IsAddress(entry)))
            {
                if (Ips.InCidr(hostOrIp, entry)) return true;
            }
            else if (!isIp && Glob.Match(HostNames.Canonical(entry) ?? entry, hostOrIp)) return true;
        }
        return false;
    }
}
