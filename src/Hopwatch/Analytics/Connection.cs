using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// A network connection event (Sysmon 3, WFP 5156) seen from the logging host: which end is local,
/// which remote, and who opened it. Sysmon is not consistent about which end it calls "source" for
/// inbound connections, so the local end is found from the host names first, then the ports.
/// </summary>
public readonly record struct Connection(bool Inbound, string? LocalIp, int? LocalPort, string? RemoteIp, int? RemotePort, string? RemoteName)
{
    public static Connection? From(LogEvent e, string? host)
    {
        if (e.Kind != EventKind.NetworkConnection) return null;
        var srcIp = EventView.SourceIp(e);
        var dstIp = EventView.DestinationIp(e);
        // Raw Sysmon host names first: the typed view may have defaulted an empty one to the logging host.
        var srcName = HostNames.Canonical(RawOr(e, "SourceHostname", e.SourceHost));
        var dstName = HostNames.Canonical(RawOr(e, "DestinationHostname", e.DestinationHost));
        var init = EventView.Initiated(e);
        bool sourceIsLocal;
        if (host is not null && srcName == host && dstName != host) sourceIsLocal = true;
        else if (host is not null && dstName == host && srcName != host) sourceIsLocal = false;
        else if (init == true) sourceIsLocal = true;
        else if (init == false) sourceIsLocal = IsServicePort(e.SourcePort) && !IsServicePort(e.DestinationPort);
        else return null;
        bool inbound = init is bool i ? !i : !sourceIsLocal;
        return sourceIsLocal
            ? new Connection(inbound, srcIp, e.SourcePort, dstIp, e.DestinationPort, dstName)
            : new Connection(inbound, dstIp, e.DestinationPort, srcIp, e.SourcePort, srcName);
    }

    private static string? RawOr(LogEvent e, string raw, string? typed)
    {
        if (e.Fields.Count > 0 && e.Fields.TryGet(raw, out var v)) return string.IsNullOrWhiteSpace(v) ? null : v;
        return typed;
    }

    private static bool IsServicePort(int? p) => p is int v && (v < 1024 || v is 3389 or 5985 or 5986 || (v >= 5900 && v <= 5910));

    /// <summary>Port of the listening side (the service reached).</summary>
    public int? ServicePort => Inbound ? LocalPort : RemotePort;
}
