namespace Hopwatch.Scoring;

/// <summary>
/// Containment steps built from the incident's own accounts, hosts and ports (never generic text
/// alone): disable/reset these accounts, revoke their sessions on these hosts, isolate these hosts,
/// block this source at these ports. Benign verdicts get the record-keeping step instead.
/// </summary>
public sealed class ContainmentPlanner
{
    private readonly TriageBaseline _baseline;

    public ContainmentPlanner(TriageBaseline baseline) => _baseline = baseline;

    /// <summary>Ports the incident's techniques and analytics travel over.</summary>
    public static List<string> PortsOf(Incident inc)
    {
        var ports = new List<string>();
        void Add(string p) { if (!ports.Contains(p)) ports.Add(p); }
        foreach (var t in inc.Techniques.Concat(inc.Analytics))
            switch (t.ToUpperInvariant())
            {
                case "T1021.001": case "RDP-CHAIN": case "RDP-NESTING": Add("3389/tcp (RDP)"); break;
                case "T1021.002": case "ADMIN-SHARE-EXEC": case "PASS-THE-HASH": case "T1550.002": Add("445/tcp (SMB)"); Add("139/tcp (NetBIOS)"); break;
                case "T1021.003": case "DCOM-EXEC": Add("135/tcp (RPC/DCOM) + dynamic RPC 49152-65535/tcp"); break;
                case "T1021.004": case "SSH-LATERAL": Add("22/tcp (SSH)"); break;
                case "T1021.005": Add("5900-5910/tcp (VNC)"); break;
                case "T1021.006": case "WINRM-EXEC": Add("5985/tcp (WinRM HTTP)"); Add("5986/tcp (WinRM HTTPS)"); break;
            }
        return ports;
    }

    public List<ContainmentStep> Plan(Incident inc, VerdictKind verdict, string reason)
    {
        var steps = new List<ContainmentStep>();
        var users = inc.Users.Select(u => Qualified(u)).ToList();
        var sources = IncidentBuilder.SourceMachines(inc);
        // Firewalls block addresses: the block step names the source IPs too.
        var blockable = sources.Concat(inc.SourceIps).Distinct().ToList();
        var targets = inc.TargetHosts.ToList();
        var ports = PortsOf(inc);
        var credHosts = inc.Graph.Nodes.Where(n => n.CredentialAccess).Select(n => n.Id).ToList();

        if (verdict == VerdictKind.LikelyBenign)
        {
            steps.Add(new ContainmentStep
            {
                Action = "record",
                Targets = sources.Concat(users).ToList(),
                Text = $"No containment. Record why: {reason}. Confirm that {Describe(users, "the account")} from {Describe(sources, "the source")} " +
                       $"reaching {targets.Count} host(s) between {TriageAnswers.Ts(inc.FirstSeen)} and {TriageAnswers.Ts(inc.LastSeen)} is the scheduled job; if not, treat as INVESTIGATE.",
            });
            return steps;
        }

        if (verdict == VerdictKind.Investigate)
        {
            steps.Add(new ContainmentStep
            {
                Action = "confirm-with-owner", Targets = users.Concat(sources).ToList(),
                Text = $"Ask the owner of {Describe(users, "the account")} whether the logons from {Describe(sources, "the source")} to {Describe(targets, "the targets")} " +
                       $"between {TriageAnswers.Ts(inc.FirstSeen)} and {TriageAnswers.Ts(inc.LastSeen)} were theirs; check recent password changes.",
            });
            if (users.Count > 0)
                steps.Add(new ContainmentStep
                {
                    Action = "reset-password", Targets = users,
                    Text = $"If not confirmed: reset the password of {Describe(users, "")} and revoke their sessions on {Describe(targets, "the targets")}.",
                });
            if (sources.Count > 0 && ports.Count > 0)
                steps.Add(new ContainmentStep
                {
                    Action = "block-source", Targets = blockable, Ports = ports,
                    Text = $"If not confirmed: block {Describe(blockable, "")} → {Describe(targets, "the targets")} at {string.Join(", ", ports)}.",
                });
            return steps;
        }

        if (users.Count > 0)
        {
            steps.Add(new ContainmentStep
            {
                Action = "disable-account", Targets = users,
                Text = $"Disable {Describe(users, "")} now, then reset the password(s) (twice for accounts whose hashes may be taken" +
                       (inc.Techniques.Any(t => t.StartsWith("T1550")) ? ", pass-the-hash seen: rotate every credential cached on the sources" : "") + ").",
            });
            steps.Add(new ContainmentStep
            {
                Action = "revoke-sessions", Targets = targets,
                Text = $"Revoke sessions of {Describe(users, "")} on {Describe(targets, "")}: log off RDP/SMB/WinRM sessions (quser/logoff, Close-SmbSession), purge Kerberos tickets (klist purge), and revoke refresh tokens in the identity provider.",
            });
        }
        var isolate = sources.Concat(credHosts).Concat(targets.Where(t => inc.Graph.Nodes.Any(n => n.Id == t && n.Kind == "both"))).Distinct().ToList();
        if (isolate.Count > 0)
            steps.Add(new ContainmentStep
            {
                Action = "isolate-host", Targets = isolate,
                Text = $"Isolate {Describe(isolate, "")} from the network (EDR network containment or switch port); " +
                       (credHosts.Count > 0 ? $"{string.Join(", ", credHosts)} showed LSASS access: image memory before reboot. " : "") +
                       "Keep them powered on for forensics.",
            });
        if (sources.Count > 0 && ports.Count > 0)
            steps.Add(new ContainmentStep
            {
                Action = "block-source", Targets = blockable, Ports = ports,
                Text = $"Block {Describe(blockable, "")} from reaching {Describe(targets, "the targets")} at {string.Join(", ", ports)} until they are rebuilt or cleared.",
            });
        var sensitive = inc.Graph.Nodes.Where(n => n.Sensitive).Select(n => n.Id).ToList();
        if (sensitive.Count > 0)
            steps.Add(new ContainmentStep
            {
                Action = "review-sensitive", Targets = sensitive,
                Text = $"{string.Join(", ", sensitive)} is sensitive (domain controller or similar): review new accounts, group changes, GPOs and replication since {TriageAnswers.Ts(inc.FirstSeen)}.",
            });
        if (steps.Count == 0)
        {
            // The alerts named no account or host: point at the evidence that must be read to find them.
            var files = inc.Alerts.SelectMany(a => a.Evidence).Select(e => $"{e.File}#{e.RecordId}").Distinct().Take(10).ToList();
            steps.Add(new ContainmentStep
            {
                Action = "examine-evidence", Targets = files,
                Text = files.Count > 0
                    ? $"The alerts name no account or host: read {string.Join(", ", files)} to identify them, then disable the account and isolate the hosts."
                    : $"The alerts name no account, host or evidence: re-run the hunt on the source logs of {TriageAnswers.Ts(inc.FirstSeen)} to identify them.",
            });
        }
        return steps;
    }

    private string Qualified(string user)
    {
        var d = _baseline.DomainOf(user);
        return string.IsNullOrEmpty(d) ? user : d + "\\" + user;
    }

    private static string Describe(List<string> items, string fallback) => items.Count switch
    {
        0 => fallback,
        <= 8 => string.Join(", ", items),
        _ => string.Join(", ", items.Take(8)) + $" and {items.Count - 8} more",
    };
}
