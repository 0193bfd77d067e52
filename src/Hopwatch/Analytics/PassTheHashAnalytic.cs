using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// pass-the-hash (T1550.002): NTLM network logons (type 3, NtLmSsp, key length 0) that should have
/// been Kerberos — the account got no TGT/TGS from the DCs lately although DC logs are present — or
/// that use a local account (SAM, not domain) across hosts, especially followed by ADMIN$/C$/IPC$
/// access; and 4624 type 9 with seclogo (sekurlsa::pth / overpass-the-hash) on the source machine.
/// Grouped per source + account: reference 000, alert 3 is one alert for 12 servers.
/// </summary>
public sealed class PassTheHashAnalytic : Analytic
{
    private sealed class PthBurst : Burst
    {
        public string? Source, SourceIp, User;
        public readonly CappedSet Targets = new(StringComparer.Ordinal, 1000);
        public readonly CappedSet Shares = new(StringComparer.OrdinalIgnoreCase);
        public readonly CappedSet Reasons = new(StringComparer.Ordinal);
        public bool LocalAccount, NoKerberos, Seclogo, Privileged;
        public int Logons;
    }

    private readonly BurstTable<string, PthBurst> _bursts;
    // Logons judged suspicious, by target + logon id, so later share access can join them.
    private readonly Dictionary<(string Host, string LogonId), string> _suspectLogons = new();
    private readonly TimeSpan _window, _lookback;

    public PassTheHashAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _window = TimeSpan.FromMinutes(Config.PassTheHash.WindowMinutes);
        _lookback = TimeSpan.FromHours(Config.PassTheHash.KerberosLookbackHours);
        _bursts = new(_window, Close, StringComparer.Ordinal);
    }

    public override string Name => AnalyticNames.PassTheHash;
    public override int StateSize => _bursts.Count + _suspectLogons.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        var host = scope.Host;
        if (host is null) return;
        if (e.Kind == EventKind.Logon)
        {
            var user = EventView.User(e);
            if (user is null || EventView.IsSystemAccount(user) || EventView.IsMachineAccount(user)) return;
            if (e.LogonType == 9 && EventView.ContainsCi(e.LogonProcess, "seclogo"))
            {
                // New credentials for outbound use only: mimikatz sekurlsa::pth (and runas /netonly).
                var b = _bursts.Get("seclogo|" + host + "|" + user, e.Time);
                b.Source = host; b.User = user; b.Seclogo = true; b.Logons++;
                b.Reasons.Add("logon type 9 (NewCredentials) via seclogo on the source host: pass-the-hash/overpass-the-hash tooling");
                b.Evidence.Add(e);
                if (e.LogonId is not null) _suspectLogons[(host, LogonSessionTracker.NormaliseLogonId(e.LogonId))] = "seclogo|" + host + "|" + user;
                return;
            }
            if (e.LogonType != 3) return;
            if (!EventView.ContainsCi(e.AuthPackage, "ntlm") && !EventView.ContainsCi(e.LogonProcess, "ntlmssp")) return;
            if (e.KeyLength is int kl && kl != 0) return; // a session key of 128 bits comes with a real NTLMv2 challenge from a password login
            var domain = EventView.UserDomain(e);
            bool local = Config.PassTheHash.FlagLocalAccounts && domain is not null && (domain == host || domain == HostNames.Canonical(e.Computer));
            bool noKerberos = Ctx.Kerberos.Any && !Ctx.Kerberos.UsedKerberosRecently(user, e.Time, _lookback) && !local;
            if (!local && !noKerberos) return;
            var ip = EventView.SourceIp(e);
            var source = scope.Access?.Source ?? ip ?? EventView.SourceHostName(e) ?? "unknown";
            var key = source + "|" + user;
            var pb = _bursts.Get(key, e.Time);
            pb.Source = source; pb.SourceIp ??= ip; pb.User = user; pb.Logons++;
            pb.Targets.Add(host);
            pb.LocalAccount |= local;
            pb.NoKerberos |= noKerberos;
            pb.Privileged |= scope.Session?.Privileged == true;
            if (local) pb.Reasons.Add($"local account {domain}\\{user} used for an NTLM network logon (no domain Kerberos possible)");
            if (noKerberos) pb.Reasons.Add($"NTLM network logon although the domain uses Kerberos and {user} got no TGT/TGS in the last {Config.PassTheHash.KerberosLookbackHours} h");
            pb.Evidence.Add(e);
            if (e.LogonId is not null) _suspectLogons[(host, LogonSessionTracker.NormaliseLogonId(e.LogonId))] = key;
            return;
        }
        if (e.Kind == EventKind.SpecialPrivileges && e.LogonId is not null
            && _suspectLogons.TryGetValue((host, LogonSessionTracker.NormaliseLogonId(e.LogonId)), out var k4672)
            && _bursts.TryGetOpen(k4672, e.Time, out var b4672))
        {
            b4672.Privileged = true;
            b4672.Evidence.Add(e);
            return;
        }
        if (e.Kind == EventKind.ShareAccess && e.ShareName is { } share)
        {
            var shareName = ShareNames.Short(share);
            if (shareName is not ("admin$" or "c$" or "ipc$")) return;
            string? key = null;
            if (e.LogonId is not null) _suspectLogons.TryGetValue((host, LogonSessionTracker.NormaliseLogonId(e.LogonId)), out key);
            if (key is null)
            {
                var user = EventView.User(e);
                var ip = EventView.SourceIp(e);
                var source = Ctx.Identity.NameOf(null, ip, e.Time, host) ?? ip;
                if (user is not null && source is not null && _bursts.TryGetOpen(source + "|" + user, e.Time, out _)) key = source + "|" + user;
            }
            if (key is null || !_bursts.TryGetOpen(key, e.Time, out var b)) return;
            b.Touch(e.Time);
            if (b.Shares.Add(shareName.ToUpperInvariant()) || b.Evidence.Total < 24) b.Evidence.Add(e);
        }
    }

    public override void Advance(DateTime watermark)
    {
        _bursts.Flush(watermark);
        if (_suspectLogons.Count > 0 && watermark != DateTime.MaxValue)
        {
            List<(string, string)>? dead = null;
            foreach (var (k, key) in _suspectLogons) if (!_bursts.TryGet(key, out _)) (dead ??= new()).Add(k);
            if (dead is not null) foreach (var k in dead) _suspectLogons.Remove(k);
        }
        else if (watermark == DateTime.MaxValue) _suspectLogons.Clear();
    }

    private void Close(string key, PthBurst b)
    {
        // A lone NTLM logon of a local account with nothing after it is common (printers, NAS): it
        // needs admin-share use, several targets, or a missing Kerberos ticket to be worth an alert.
        bool adminShare = b.Shares.Contains("ADMIN$") || b.Shares.Contains("C$");
        bool spread = b.LocalAccount && b.Targets.Count >= Config.PassTheHash.MinHostsLocalAdmin;
        if (!b.Seclogo && !b.NoKerberos && !spread && b.Shares.Count == 0) return;

        var d = new AlertDraft(AnalyticNames.PassTheHash,
            b.Seclogo ? $"Pass-the-hash tooling on {b.Source} (logon type 9, seclogo)"
                      : $"Pass-the-hash: NTLM logons by {b.User} from {b.Source} to {b.Targets.Count} host(s)",
            b.Seclogo ? Severity.High : Severity.Medium, "T1550.002");
        if (!b.Seclogo) d.AddTechnique("T1021.002");
        if (b.Targets.Count >= 2) d.Raise($"{b.Targets.Count} targets");
        if (adminShare) d.Raise("admin share access (" + string.Join(", ", b.Shares) + ")");
        if (spread) d.Raise("local account reused across hosts");
        d.User(b.User);
        d.SourceHost(b.Source);
        d.SourceIp(b.SourceIp);
        foreach (var t in b.Targets) d.TargetHost(t);
        d.PrivilegedSession = b.Privileged;
        d.AddEvidence(b.Evidence.Items);
        d.Details["source"] = b.Source;
        d.Details["account"] = b.User;
        d.Details["targets"] = b.Targets.ToList();
        d.Details["target_count"] = b.Targets.Count;
        d.Details["logons"] = b.Logons;
        d.Details["shares"] = b.Shares.ToList();
        d.Details["reasons"] = b.Reasons.ToList();
        d.Details["local_account"] = b.LocalAccount;
        d.Details["kerberos_seen_for_account"] = !b.NoKerberos;
        d.Description = b.Seclogo
            ? $"{Fmt.Who(b.User)} got a logon of type 9 (NewCredentials) through seclogo on {Ctx.Describe(b.Source)} at {Fmt.Time(b.First)}: the " +
              $"signature of mimikatz sekurlsa::pth / overpass-the-hash (runas /netonly looks the same; check who ran it). Evidence: event ids {Fmt.EventIds(b.Evidence.Items)}."
            : $"{Fmt.Who(b.User)} authenticated with NTLM (network logon, NtLmSsp, key length 0) from {Ctx.Describe(b.Source)} to {b.Targets.Count} host(s) " +
              $"between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}: {Fmt.List(b.Targets)}" +
              (b.Shares.Count > 0 ? $", then accessed {string.Join(", ", b.Shares)}" : "") +
              $". {string.Join("; ", b.Reasons)}. This is how a captured NTLM hash is replayed. Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
