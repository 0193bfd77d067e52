using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// rdp-chain / logon-chain: multi-hop movement A→B→C→… where each hop leaves the host the previous
/// hop arrived at within <c>max_hop_gap_minutes</c>, with the same account or an account active on
/// that host since the arrival (credentials taken there). All-RDP chains are rdp-chain (T1021.001);
/// chains with network logons are logon-chain. One alert per chain, with the longest path, when the
/// chain can no longer grow.
/// </summary>
public sealed class ChainAnalytic : Analytic
{
    private const int MaxArrivalsPerHost = 16;
    private const int MaxPathLength = 64;
    private readonly Dictionary<string, List<Node>> _arrivals = new(StringComparer.Ordinal);
    private readonly Dictionary<long, Node> _pending = new();
    private readonly TimeSpan _gap, _merge;
    private long _nextRoot;

    private sealed class Hop(RemoteAccess a)
    {
        public string Source = a.Source!;
        public string Target = a.Target;
        public string User = a.User;
        public DateTime Time = a.Time;
        public bool Rdp = a.Protocol == RemoteProtocol.Rdp;
        public bool Privileged;
        public EvidenceList Evidence = new(6);
    }

    private sealed class Node
    {
        public required Hop Hop;
        public Node? Prev;
        public int Length;
        public long Root;
        public bool AllRdp;
    }

    public ChainAnalytic(AnalyticsContext ctx) : base(ctx)
    {
        _gap = TimeSpan.FromMinutes(Config.RdpChain.MaxHopGapMinutes);
        _merge = TimeSpan.FromSeconds(Config.RdpChain.HopMergeSeconds);
    }

    public override string Name => "rdp-chain";
    public override int StateSize => _arrivals.Count + _pending.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        var a = scope.Access;
        if (a is null || a.Source is null || a.SourceIsLoopback || a.Source == a.Target) return;
        if (a.Protocol is not (RemoteProtocol.Rdp or RemoteProtocol.Network or RemoteProtocol.Ssh)) return;
        if (a.Protocol == RemoteProtocol.Network && !Config.RdpChain.IncludeNetworkLogons) return;

        // Several events report one hop (4624 type 3 for NLA + type 10, 1149, 21, 4778): merge them.
        if (_arrivals.TryGetValue(a.Target, out var here))
        {
            foreach (var n in here)
            {
                var h = n.Hop;
                if (h.Source == a.Source && h.User == a.User && (a.Time - h.Time).Duration() <= _merge)
                {
                    h.Evidence.Add(e);
                    if (a.Protocol == RemoteProtocol.Rdp && !h.Rdp) { h.Rdp = true; n.AllRdp = (n.Prev?.AllRdp ?? true); }
                    if (scope.Session?.Privileged == true) h.Privileged = true;
                    return;
                }
            }
        }

        Node? best = null;
        if (_arrivals.TryGetValue(a.Source, out var prevs))
        {
            foreach (var p in prevs)
            {
                var dt = a.Time - p.Hop.Time;
                if (dt < TimeSpan.FromSeconds(-5) || dt > _gap) continue;
                if (p.Hop.User != a.User && !Ctx.Activity.WasActive(a.Source, a.User, p.Hop.Time - TimeSpan.FromMinutes(1), a.Time)) continue;
                if (OnPath(p, a.Target)) continue; // no cycles
                if (best is null || p.Length > best.Length) best = p;
            }
        }

        var hop = new Hop(a) { Privileged = scope.Session?.Privileged == true };
        hop.Evidence.Add(e);
        var node = new Node
        {
            Hop = hop,
            Prev = best,
            Length = (best?.Length ?? 0) + 1,
            Root = best?.Root ?? ++_nextRoot,
        };
        node.AllRdp = hop.Rdp && (best?.AllRdp ?? true);
        if (node.Length > MaxPathLength) return;

        if (here is null) _arrivals[a.Target] = here = new List<Node>(2);
        here.Add(node);
        if (here.Count > MaxArrivalsPerHost) here.RemoveAt(0);

        if (node.Length >= Config.RdpChain.MinHops)
        {
            if (!_pending.TryGetValue(node.Root, out var cur) || node.Length >= cur.Length) _pending[node.Root] = node;
        }
    }

    private static bool OnPath(Node n, string host)
    {
        for (var x = n; x is not null; x = x.Prev)
            if (x.Hop.Target == host || x.Hop.Source == host) return true;
        return false;
    }

    public override void Advance(DateTime watermark)
    {
        // A chain is reported once nothing can extend it any more.
        List<long>? done = null;
        foreach (var (root, n) in _pending)
            if (watermark == DateTime.MaxValue || n.Hop.Time + _gap < watermark) (done ??= new()).Add(root);
        if (done is not null)
        {
            done.Sort();
            foreach (var r in done)
            {
                var n = _pending[r];
                _pending.Remove(r);
                Report(n);
            }
        }
        List<string>? empty = null;
        foreach (var (host, list) in _arrivals)
        {
            list.RemoveAll(n => n.Hop.Time + _gap < watermark);
            if (list.Count == 0) (empty ??= new()).Add(host);
        }
        if (empty is not null) foreach (var h in empty) _arrivals.Remove(h);
    }

    private void Report(Node last)
    {
        var hops = new List<Hop>();
        bool allRdp = true;
        for (var x = last; x is not null; x = x.Prev) { hops.Add(x.Hop); allRdp &= x.Hop.Rdp; }
        hops.Reverse();
        string analytic = allRdp ? AnalyticNames.RdpChain : AnalyticNames.LogonChain;
        if (!Config.IsEnabled(analytic)) return;

        var path = new List<string> { hops[0].Source };
        path.AddRange(hops.Select(h => h.Target));
        var users = hops.Select(h => h.User).Distinct().ToList();
        var duration = hops[^1].Time - hops[0].Time;
        var end = hops[^1].Target;
        bool endsAtDc = Ctx.RoleOf(end) == AssetRole.Dc;

        var d = new AlertDraft(analytic,
            allRdp ? $"RDP lateral movement chain through {hops.Count} hops" : $"Logon chain through {hops.Count} hops",
            Severity.High, "T1021");
        if (allRdp) d.AddTechnique("T1021.001");
        else
        {
            if (hops.Any(h => h.Rdp)) d.AddTechnique("T1021.001");
            d.AddTechnique("T1021.002");
        }
        foreach (var h in hops)
        {
            d.AddEvidence(h.Evidence.Items);
            d.User(h.User);
            d.SourceHost(h.Source);
            d.TargetHost(h.Target);
            if (h.Privileged) d.PrivilegedSession = true;
        }
        d.Actors = new List<string> { hops[0].Source };
        if (hops.Count >= 5) d.Raise($"{hops.Count} hops");
        if (endsAtDc) d.Raise("chain ends at a domain controller");

        var gaps = new List<double>();
        for (int i = 1; i < hops.Count; i++) gaps.Add(Math.Round((hops[i].Time - hops[i - 1].Time).TotalMinutes, 1));
        d.Details["path"] = path;
        d.Details["hops"] = hops.Select(h => new Dictionary<string, object?>
        {
            ["from"] = h.Source, ["to"] = h.Target, ["user"] = h.User, ["time"] = h.Time,
            ["protocol"] = h.Rdp ? "rdp" : "network",
        }).ToList();
        d.Details["hop_count"] = hops.Count;
        d.Details["hop_gaps_minutes"] = gaps;
        d.Details["duration_minutes"] = Math.Round(duration.TotalMinutes, 1);
        d.Details["accounts"] = users;
        d.Details["ends_at_domain_controller"] = endsAtDc;

        var steps = string.Join(" → ", new[] { $"{hops[0].Source}" }.Concat(hops.Select(h => $"{h.Target} ({Fmt.Clock(h.Time)})")));
        d.Description =
            $"Account{(users.Count > 1 ? "s" : "")} {string.Join(", ", users)} moved {(allRdp ? "over RDP" : "by remote logons")} through {hops.Count} hops " +
            $"({path.Count} systems) in {Fmt.Span(duration)}, starting {Fmt.Time(hops[0].Time)} from {Ctx.Describe(hops[0].Source)}: {steps}. " +
            $"Each hop left the previous target within {Fmt.List(gaps.Select(g => g + " min"), 20)}" +
            (endsAtDc ? $"; the chain ends at domain controller {end}" : "") +
            $". Evidence: {d.EvidenceTotal} events (event ids {Fmt.EventIds(d.Evidence)}).";
        Ctx.Emit(d);
    }
}
