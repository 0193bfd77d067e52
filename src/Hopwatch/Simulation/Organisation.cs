namespace Hopwatch.Simulation;

/// <summary>
/// A simulated enterprise: domain controllers, file/app/SQL servers, departmental workstations,
/// jump hosts, a backup server, a configuration-management server, a vulnerability scanner and
/// Linux servers; users (one per workstation), admins with separate admin accounts, helpdesk
/// staff, service accounts, a shared local administrator and Linux automation accounts.
/// Everything is drawn from the given random source, so one seed gives one organisation.
/// </summary>
public sealed class Organisation
{
    public const int MinHosts = 40;
    public const string NetbiosDomain = "CORP";
    public const string DnsDomain = "corp.local";
    public const string DomainSid = "S-1-5-21-3623811015-3361044348-30300820";

    private static readonly string[] FirstNames =
    [
        "james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda", "david", "elizabeth", "william",
        "barbara", "richard", "susan", "joseph", "jessica", "thomas", "sarah", "charles", "karen", "daniel", "lisa",
        "matthew", "nancy", "anthony", "betty", "mark", "sandra", "paul", "ashley", "steven", "kimberly", "andrew",
        "emily", "kevin", "donna", "brian", "michelle", "george", "carol", "omar", "priya", "wei", "fatima", "lars",
        "ingrid", "mateo", "sofia", "kenji", "aisha",
    ];

    private static readonly string[] Surnames =
    [
        "smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis", "rodriguez", "martinez",
        "hernandez", "lopez", "gonzalez", "wilson", "anderson", "thomas", "taylor", "moore", "jackson", "martin", "lee",
        "perez", "thompson", "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson", "walker", "young",
        "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores", "green", "adams", "nelson", "baker",
        "hall", "rivera", "campbell", "mitchell", "carter", "roberts", "patel", "kim", "muller", "novak", "okafor",
    ];

    private static readonly (string Code, string Name, double Share)[] Departments =
    [
        ("HR", "Human Resources", 0.12), ("FIN", "Finance", 0.18), ("ENG", "Engineering", 0.30),
        ("SALES", "Sales", 0.20), ("LEGAL", "Legal", 0.08), ("IT", "IT", 0.12),
    ];

    private readonly List<SimHost> _hosts = new();
    private readonly List<SimAccount> _accounts = new();

    public IReadOnlyList<SimHost> Hosts => _hosts;
    public IReadOnlyList<SimAccount> Accounts => _accounts;

    public IEnumerable<SimHost> ByRole(HostRole role) => _hosts.Where(h => h.Role == role);
    public IReadOnlyList<SimHost> DomainControllers { get; private set; } = [];
    public IReadOnlyList<SimHost> WindowsServers { get; private set; } = [];
    /// <summary>File, app and SQL servers (not DCs, not infrastructure hosts).</summary>
    public IReadOnlyList<SimHost> MemberServers { get; private set; } = [];
    public IReadOnlyList<SimHost> Workstations { get; private set; } = [];
    public IReadOnlyList<SimHost> WindowsHosts { get; private set; } = [];
    public IReadOnlyList<SimHost> LinuxHosts { get; private set; } = [];
    public IReadOnlyList<SimHost> JumpHosts { get; private set; } = [];
    public IReadOnlyList<SimHost> FileServers { get; private set; } = [];
    public IReadOnlyList<SimHost> AppServers { get; private set; } = [];
    public IReadOnlyList<SimHost> SqlServers { get; private set; } = [];
    /// <summary>Workstations outside IT (helpdesk's customers).</summary>
    public IReadOnlyList<SimHost> UserWorkstations { get; private set; } = [];
    /// <summary>Windows servers admins RDP to from the jump hosts.</summary>
    public IReadOnlyList<SimHost> AdminRdpTargets { get; private set; } = [];
    public IReadOnlyList<SimAccount> Users { get; private set; } = [];
    public IReadOnlyList<SimAccount> Admins { get; private set; } = [];
    public IReadOnlyList<SimAccount> Helpdesk { get; private set; } = [];
    public SimHost BackupServer { get; private set; } = null!;
    public SimHost ConfigServer { get; private set; } = null!;
    public SimHost Scanner { get; private set; } = null!;
    public SimHost LinuxAutomation { get; private set; } = null!;

    public SimAccount BackupService { get; private set; } = null!;
    public SimAccount BackupDomainAdminService { get; private set; } = null!;
    public SimAccount ConfigService { get; private set; } = null!;
    public SimAccount ScanService { get; private set; } = null!;
    public SimAccount SqlService { get; private set; } = null!;
    public SimAccount LocalAdmin { get; private set; } = null!;
    public SimAccount AnsibleLinux { get; private set; } = null!;
    public SimAccount BackupLinux { get; private set; } = null!;
    public IReadOnlyList<SimAccount> LinuxAdmins { get; private set; } = [];

    private readonly Dictionary<string, SimHost> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, SimHost> _byIp = new(StringComparer.Ordinal);

    public SimHost Host(string name) => _byName[name];
    public SimHost? HostByIp(string ip) => _byIp.GetValueOrDefault(ip);
    public SimAccount Account(string name) => _accounts.First(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The SID of the shared local administrator on one host (local accounts have machine SIDs).</summary>
    public static string LocalAccountSid(SimHost host, int rid) =>
        $"S-1-5-21-{1200000000 + host.Index * 7919}-{2100000000 + host.Index * 104729 % 100000000}-{300000000 + host.Index * 31}-{rid}";

    public static Organisation Build(int hostCount, Random rng)
    {
        if (hostCount < MinHosts) throw new ArgumentOutOfRangeException(nameof(hostCount), $"at least {MinHosts} hosts");
        var org = new Organisation();
        org.BuildHosts(hostCount, rng);
        org.BuildAccounts(rng);
        return org;
    }

    private SimHost AddHost(string name, string ip, HostRole role, string dept, string owner)
    {
        var h = new SimHost { Index = _hosts.Count, Name = name, Ip = ip, Role = role, Department = dept, Owner = owner, DomainFqdn = DnsDomain };
        _hosts.Add(h);
        _byName[name] = h;
        _byIp[ip] = h;
        return h;
    }

    private void BuildHosts(int n, Random rng)
    {
        int serverCount = Math.Max(14, n / 5);
        int linuxCount = Math.Max(5, n / 10);
        const int infra = 7; // 2 DCs, backup, config management, scanner, 2 jump hosts
        int wsCount = n - infra - serverCount - linuxCount;

        AddHost("DC01", "10.10.0.10", HostRole.DomainController, "IT", "IT Infrastructure");
        AddHost("DC02", "10.10.0.11", HostRole.DomainController, "IT", "IT Infrastructure");
        BackupServer = AddHost("BKP01", "10.10.0.20", HostRole.BackupServer, "IT", "IT Infrastructure");
        ConfigServer = AddHost("SCCM01", "10.10.0.21", HostRole.ConfigManagement, "IT", "IT Infrastructure");
        Scanner = AddHost("SCAN01", "10.10.0.30", HostRole.VulnScanner, "IT", "Security Operations");
        AddHost("JMP01", "10.10.0.40", HostRole.JumpHost, "IT", "IT Infrastructure");
        AddHost("JMP02", "10.10.0.41", HostRole.JumpHost, "IT", "IT Infrastructure");

        int fs = Math.Max(4, serverCount * 3 / 10), sql = Math.Max(3, serverCount / 5), app = serverCount - fs - sql;
        int ip = 10;
        for (int i = 1; i <= fs; i++) AddHost($"FS{i:00}", $"10.10.1.{ip++}", HostRole.FileServer, "IT", "IT Infrastructure");
        for (int i = 1; i <= app; i++) AddHost($"APP{i:00}", $"10.10.1.{ip++}", HostRole.AppServer, "Engineering", "Application Team");
        for (int i = 1; i <= sql; i++) AddHost($"SQL{i:00}", $"10.10.1.{ip++}", HostRole.SqlServer, "IT", "Database Team");

        LinuxAutomation = AddHost("lnx-ansible01", "10.30.1.10", HostRole.LinuxAutomation, "IT", "IT Infrastructure");
        string[] linuxKinds = ["web", "db", "app", "log", "git", "ci"];
        for (int i = 1; i < linuxCount; i++)
        {
            string kind = linuxKinds[(i - 1) % linuxKinds.Length];
            AddHost($"lnx-{kind}{(i - 1) / linuxKinds.Length + 1:00}", $"10.30.1.{10 + i}", HostRole.LinuxServer, "Engineering", "Platform Team");
        }

        // Workstations per department; HR gets at least 7 (the reference alert's WS-HR-007) and IT at least 4.
        var counts = Departments.Select(d => (int)Math.Floor(wsCount * d.Share)).ToArray();
        counts[0] = Math.Max(counts[0], 7);
        counts[5] = Math.Max(counts[5], 4);
        int k = 0;
        while (counts.Sum() < wsCount) counts[(k++ % 4) + 1]++;
        while (counts.Sum() > wsCount)
        {
            // Trim the biggest of the other departments; HR and IT keep their minimums, everyone keeps one.
            int j = 1;
            for (int i = 2; i < 5; i++) if (counts[i] > counts[j]) j = i;
            if (counts[j] <= 1) break;
            counts[j]--;
        }
        int subnet = 20;
        for (int d = 0; d < Departments.Length; d++)
        {
            for (int i = 1; i <= counts[d]; i++)
                AddHost($"WS-{Departments[d].Code}-{i:000}", $"10.{subnet}.{d + 1}.{10 + i}", HostRole.Workstation, Departments[d].Name, "");
        }
        _ = rng;

        DomainControllers = ByRole(HostRole.DomainController).ToList();
        JumpHosts = ByRole(HostRole.JumpHost).ToList();
        Workstations = ByRole(HostRole.Workstation).ToList();
        LinuxHosts = _hosts.Where(h => h.IsLinux).ToList();
        WindowsHosts = _hosts.Where(h => !h.IsLinux).ToList();
        WindowsServers = _hosts.Where(h => h.IsWindowsServer).ToList();
        MemberServers = _hosts.Where(h => h.Role is HostRole.FileServer or HostRole.AppServer or HostRole.SqlServer).ToList();
        FileServers = ByRole(HostRole.FileServer).ToList();
        AppServers = ByRole(HostRole.AppServer).ToList();
        SqlServers = ByRole(HostRole.SqlServer).ToList();
        UserWorkstations = Workstations.Where(w => w.Department != "IT").ToList();
        AdminRdpTargets = WindowsServers.Where(h => h.Role != HostRole.JumpHost).ToList();
    }

    private void BuildAccounts(Random rng)
    {
        int rid = 1104;
        var used = new HashSet<string>(StringComparer.Ordinal);
        string NewPerson(out string fullName)
        {
            while (true)
            {
                string f = FirstNames[rng.Next(FirstNames.Length)], s = Surnames[rng.Next(Surnames.Length)];
                string name = f[0] + s;
                for (int i = 2; used.Contains(name); i++) name = f[0] + s + i;
                used.Add(name);
                fullName = char.ToUpperInvariant(f[0]) + f[1..] + " " + char.ToUpperInvariant(s[0]) + s[1..];
                return name;
            }
        }
        SimAccount Add(string name, AccountKind kind, string dept, string full = "", string? sid = null, string domain = NetbiosDomain, int uid = 0)
        {
            var a = new SimAccount { Name = name, Domain = domain, Sid = sid ?? $"{DomainSid}-{rid++}", Kind = kind, Department = dept, FullName = full, Uid = uid };
            _accounts.Add(a);
            return a;
        }

        var users = new List<SimAccount>();
        var admins = new List<SimAccount>();
        var helpdesk = new List<SimAccount>();
        var linuxAdmins = new List<SimAccount>();
        int itIndex = 0;
        foreach (var ws in Workstations)
        {
            string person = NewPerson(out string full);
            var u = Add(person, AccountKind.User, ws.Department, full);
            u.Workstation = ws;
            users.Add(u);
            if (ws.Department == "IT")
            {
                if (itIndex < 2)
                {
                    var adm = Add("adm-" + person, AccountKind.Admin, "IT", full);
                    adm.Workstation = ws;
                    admins.Add(adm);
                    linuxAdmins.Add(Add(person, AccountKind.Linux, "IT", full, sid: "", domain: "", uid: 1100 + itIndex));
                }
                else
                {
                    var hd = Add("hd-" + person, AccountKind.Helpdesk, "IT", full);
                    hd.Workstation = ws;
                    helpdesk.Add(hd);
                }
                itIndex++;
            }
        }
        foreach (var u in users) u.Workstation!.Owner = u.Name;

        Users = users;
        Admins = admins;
        Helpdesk = helpdesk;
        BackupService = Add("svc_backup", AccountKind.Service, "IT");
        BackupDomainAdminService = Add("DA_svc_backup", AccountKind.Service, "IT");
        ConfigService = Add("svc_sccm", AccountKind.Service, "IT");
        ScanService = Add("svc_scanner", AccountKind.Service, "IT");
        SqlService = Add("svc_sql", AccountKind.Service, "IT");
        LocalAdmin = Add("local_admin", AccountKind.LocalAdmin, "IT", sid: "", domain: "");
        AnsibleLinux = Add("ansible", AccountKind.Linux, "IT", sid: "", domain: "", uid: 1001);
        BackupLinux = Add("backup", AccountKind.Linux, "IT", sid: "", domain: "", uid: 34);
        LinuxAdmins = linuxAdmins;
    }
}
