using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// pass-the-ticket (T1550.003): a Kerberos ticket for an account used from an address that never
/// requested a TGT for it — a 4769 service-ticket request or a Kerberos 4624 network logon from
/// address X while the DCs issued that account's TGTs only to other addresses. Judged only once the
/// DC logs cover a TGT lifetime (<c>kerberos_history_hours</c>), so tickets from before the evidence
/// started are not mistaken for stolen ones.
/// </summary>
public sealed class PassTheTicketAnalytic : Analytic
{
    private sealed class PttBurst : Burst
    {
        public string? User, Ip, Source;
        public readonly CappedSet Targets = new(StringComparer.Ordinal, 1000);
        public readonly CappedSet TgtIps = new(StringComparer.Ordinal);
        public readonly CappedSet Services = new(StringComparer.OrdinalIgnoreCase);
    }

    private readonly BurstTable<string, PttBurst> _bursts;
    private readonly TimeSpan _history;

    public PassTheTicketAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _bursts = new(TimeSpan.FromMinutes(Config.PassTheTicket.WindowMinutes), Close, StringComparer.Ordinal);
        _history = TimeSpan.FromHours(Config.PassTheTicket.KerberosHistoryHours);
    }

    public override string Name => AnalyticNames.PassTheTicket;
    public override int StateSize => _bursts.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        bool tgs = e.Kind == EventKind.KerberosService;
        bool kerbLogon = e.Kind == EventKind.Logon && e.LogonType == 3 && EventView.ContainsCi(e.AuthPackage, "kerberos");
        if (!tgs && !kerbLogon) return;
        if (tgs && !EventView.IsSuccessStatus(e.Status)) return;
        var first = Ctx.Kerberos.FirstSeen;
        if (first is null || e.Time - first.Value < _history) return;
        var user = EventView.User(e);
        if (user is null || EventView.IsMachineAccount(user) || EventView.IsSystemAccount(user) || user == "krbtgt") return;
        var ip = EventView.SourceIp(e);
        if (ip is null || Ips.IsLoopback(ip)) return;
        var acct = Ctx.Kerberos.Find(user);
        if (acct is null || acct.TgtIps.Count == 0) return; // never saw its TGT: nothing to compare with
        var host = Ctx.Identity.Resolve(ip, e.Time);
        foreach (var (tgtIp, _) in acct.TgtIps)
        {
            if (tgtIp == ip) return;
            if (host is not null && Ctx.Identity.Resolve(tgtIp, e.Time) == host) return; // same machine, new lease
        }
        var b = _bursts.Get(user + "|" + ip, e.Time);
        b.User = user; b.Ip = ip; b.Source = host ?? ip;
        foreach (var (t, _) in acct.TgtIps) b.TgtIps.Add(t);
        if (kerbLogon && scope.Host is not null) b.Targets.Add(scope.Host);
        if (tgs && e.ServiceName is { } svc) b.Services.Add(svc);
        b.Evidence.Add(e);
    }

    public override void Advance(DateTime watermark) => _bursts.Flush(watermark);

    private void Close(string key, PttBurst b)
    {
        var d = new AlertDraft(AnalyticNames.PassTheTicket, $"Pass-the-ticket: {b.User}'s Kerberos ticket used from {b.Source}", Severity.High, "T1550.003");
        d.User(b.User);
        d.SourceHost(b.Source);
        d.SourceIp(b.Ip);
        foreach (var t in b.Targets) d.TargetHost(t);
        d.AddEvidence(b.Evidence.Items);
        if (b.Targets.Count > 0) d.AddTechnique("T1021");
        d.Details["account"] = b.User;
        d.Details["ticket_used_from"] = b.Ip;
        d.Details["tgt_requested_from"] = b.TgtIps.ToList();
        d.Details["services"] = b.Services.ToList();
        d.Details["targets"] = b.Targets.ToList();
        d.Description =
            $"Kerberos tickets of {b.User} were used from {Ctx.Describe(b.Source)}{(b.Source != b.Ip ? " (" + b.Ip + ")" : "")} between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}" +
            (b.Services.Count > 0 ? $" to request service tickets for {Fmt.List(b.Services)}" : "") +
            (b.Targets.Count > 0 ? $" to log on to {Fmt.List(b.Targets)}" : "") +
            $", but the domain controllers issued {b.User}'s TGTs only to {Fmt.List(b.TgtIps)}: a ticket exported from one host and injected on another. " +
            $"Evidence: {b.Evidence.Total} events (event ids {Fmt.EventIds(b.Evidence.Items)}).";
        Ctx.Emit(d);
    }
}
