using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// vnc (T1021.005): connections to VNC ports (5900-5910 by default) between hosts, from either
/// end's connection log (Sysmon 3, WFP 5156), grouped per source→target pair.
/// </summary>
public sealed class VncAnalytic : Analytic
{
    private sealed class VncBurst : Burst
    {
        public string? Source, Target, SourceIp, TargetIp, User;
        public int Port;
        public readonly CappedSet Images = new(StringComparer.Ordinal);
    }

    private readonly BurstTable<string, VncBurst> _bursts;

    public VncAnalytic(AnalyticsContext ctx) : base(ctx) => _bursts = new(TimeSpan.FromMinutes(Config.Vnc.WindowMinutes), Close, StringComparer.Ordinal);

    public override string Name => AnalyticNames.Vnc;
    public override int StateSize => _bursts.Count;

    public override void Observe(LogEvent e, EventScope scope)
    {
        if (Connection.From(e, scope.Host) is not { } c || c.ServicePort is not int port) return;
        if (port < Config.Vnc.PortMin || port > Config.Vnc.PortMax) return;
        if (c.RemoteIp is null || Ips.IsLoopback(c.RemoteIp)) return;
        var remote = Ctx.Identity.NameOf(c.RemoteName, c.RemoteIp, e.Time, scope.Host) ?? c.RemoteIp;
        var local = scope.Host!;
        var (src, dst, srcIp, dstIp) = c.Inbound ? (remote, local, c.RemoteIp, c.LocalIp) : (local, remote, c.LocalIp, c.RemoteIp);
        var b = _bursts.Get(src + "|" + dst, e.Time);
        b.Source = src; b.Target = dst; b.SourceIp ??= srcIp; b.TargetIp ??= dstIp; b.Port = port;
        b.User ??= EventView.User(e) is { } u && !EventView.IsSystemAccount(u) ? u : null;
        var image = EventView.ImageName(e.ProcessImage);
        if (image.Length > 0) b.Images.Add(image);
        if (b.Evidence.Total < 12) b.Evidence.Add(e);
        else b.Evidence.Add(e); // counted; the list itself is bounded
    }

    public override void Advance(DateTime watermark) => _bursts.Flush(watermark);

    private void Close(string key, VncBurst b)
    {
        var d = new AlertDraft(AnalyticNames.Vnc, $"VNC connection from {b.Source} to {b.Target}", Severity.Medium, "T1021.005");
        d.SourceHost(b.Source);
        d.SourceIp(b.SourceIp);
        d.TargetHost(b.Target);
        d.User(b.User);
        d.AddEvidence(b.Evidence.Items);
        d.Details["source"] = b.Source;
        d.Details["target"] = b.Target;
        d.Details["port"] = b.Port;
        d.Details["connections"] = b.Evidence.Total;
        d.Details["processes"] = b.Images.ToList();
        d.Description =
            $"{Ctx.Describe(b.Source)}{(b.SourceIp is not null && b.SourceIp != b.Source ? " (" + b.SourceIp + ")" : "")} connected to VNC port {b.Port} on " +
            $"{Ctx.Describe(b.Target)}{(b.TargetIp is not null && b.TargetIp != b.Target ? " (" + b.TargetIp + ")" : "")} {b.Evidence.Total} time(s) between {Fmt.Time(b.First)} and {Fmt.Time(b.Last)}" +
            (b.Images.Count > 0 ? $" ({string.Join(", ", b.Images)})" : "") +
            ". VNC gives full remote control and is rarely sanctioned between internal hosts. " +
            $"Evidence: event ids {Fmt.EventIds(b.Evidence.Items)}.";
        Ctx.Emit(d);
    }
}
