using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>What a host is for; drives allowlists (jump/scanner/backup/config-mgmt) and severity (dc).</summary>
public enum AssetRole
{
    Unknown = 0,
    Workstation,
    Server,
    Dc,
    Jump,
    Scanner,
    Backup,
    ConfigMgmt,
}

/// <summary>One row of the asset inventory.</summary>
public sealed record Asset(string Host, string? Ip, AssetRole Role, string? Owner, string? Department);

/// <summary>
/// The optional asset inventory (`--assets FILE`): CSV with a header naming the columns host, ip,
/// role, owner, department (any order; only host is required). Roles: workstation, server, dc,
/// jump, scanner, backup, config-mgmt (a few synonyms accepted). Bad rows are warnings, not errors;
/// a missing file is a <see cref="FileNotFoundException"/>, a header without `host` a <see cref="FormatException"/>.
/// </summary>
public sealed class AssetInventory
{
    private readonly Dictionary<string, Asset> _byHost = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Asset> _byIp = new(StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<Asset> Assets => _byHost.Values;
    public List<string> Warnings { get; } = new();

    public static AssetInventory Empty { get; } = new();

    public static AssetInventory Load(string csvPath)
    {
        if (!File.Exists(csvPath)) throw new FileNotFoundException($"asset inventory '{csvPath}' not found", csvPath);
        using var reader = new StreamReader(csvPath);
        return Parse(reader, csvPath);
    }

    public static AssetInventory Parse(TextReader reader, string displayName)
    {
        var inv = new AssetInventory();
        string? header = reader.ReadLine();
        if (header is null) return inv;
        var cols = SplitCsv(header).Select(c => c.Trim().ToLowerInvariant()).ToList();
        int iHost = cols.IndexOf("host"), iIp = cols.IndexOf("ip"), iRole = cols.IndexOf("role"),
            iOwner = cols.IndexOf("owner"), iDept = cols.IndexOf("department");
        if (iHost < 0) throw new FormatException($"{displayName}: header has no 'host' column (got: {header})");
        int lineNo = 1;
        for (string? line; (line = reader.ReadLine()) is not null;)
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line) || line.TrimStart().StartsWith('#')) continue;
            var f = SplitCsv(line);
            string? Col(int i) => i >= 0 && i < f.Count && !string.IsNullOrWhiteSpace(f[i]) ? f[i].Trim() : null;
            var host = HostNames.Canonical(Col(iHost));
            if (host is null) { inv.Warnings.Add($"{displayName}: line {lineNo}: no host name"); continue; }
            var ipRaw = Col(iIp);
            var ip = Ips.Clean(ipRaw);
            if (ipRaw is not null && ip is null) inv.Warnings.Add($"{displayName}: line {lineNo}: '{ipRaw}' is not an IP address");
            var roleText = Col(iRole);
            var role = ParseRole(roleText);
            if (roleText is not null && role == AssetRole.Unknown) inv.Warnings.Add($"{displayName}: line {lineNo}: unknown role '{roleText}'");
            var asset = new Asset(host, ip, role, Col(iOwner), Col(iDept));
            inv._byHost[host] = asset;
            if (ip is not null) inv._byIp[ip] = asset;
        }
        return inv;
    }

    public static AssetRole ParseRole(string? s) => s?.Trim().ToLowerInvariant().Replace('_', '-').Replace(' ', '-') switch
    {
        "workstation" or "ws" or "desktop" or "laptop" => AssetRole.Workstation,
        "server" or "srv" => AssetRole.Server,
        "dc" or "domain-controller" or "domain controller" => AssetRole.Dc,
        "jump" or "jump-host" or "jumphost" or "bastion" => AssetRole.Jump,
        "scanner" or "vulnerability-scanner" or "vuln-scanner" => AssetRole.Scanner,
        "backup" or "backup-server" => AssetRole.Backup,
        "config-mgmt" or "configuration-management" or "sccm" or "ansible" or "puppet" or "chef" => AssetRole.ConfigMgmt,
        _ => AssetRole.Unknown,
    };

    public Asset? ByHost(string? host) => host is not null && _byHost.TryGetValue(host, out var a) ? a : null;
    public Asset? ByIp(string? ip) => ip is not null && _byIp.TryGetValue(ip, out var a) ? a : null;

    /// <summary>The asset a host name or address names.</summary>
    public Asset? Find(string? hostOrIp) => ByHost(hostOrIp) ?? ByIp(hostOrIp);

    public AssetRole RoleOf(string? hostOrIp) => Find(hostOrIp)?.Role ?? AssetRole.Unknown;

    /// <summary>Splits one CSV line (RFC 4180 quotes).</summary>
    internal static List<string> SplitCsv(string line)
    {
        var result = new List<string>();
        var sb = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { result.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        result.Add(sb.ToString());
        return result;
    }
}
