using System.Runtime.CompilerServices;

namespace Hopwatch.Events;

/// <summary>Which log (provider family) an event comes from — decides how its event id is read.</summary>
public enum EventSource
{
    Other = 0,
    Security,
    Sysmon,
    PowerShell,
    WinRm,
    SmbServer,
    TerminalServicesLocalSessionManager,
    TerminalServicesRemoteConnectionManager,
    RdpCoreTs,
    OpenSsh,
    ServiceControlManager,
    Defender,
    LinuxAuth,
}

/// <summary>Recognises the <see cref="EventSource"/> from channel and provider names.</summary>
public static class EventSources
{
    [ThreadStatic] private static string? _lastChannel, _lastProvider;
    [ThreadStatic] private static SourceFormat _lastFormat;
    [ThreadStatic] private static EventSource _last;

    public static EventSource Of(LogEvent e)
    {
        // Consecutive events mostly share channel and provider, but not always the string instances
        // (readers render them per record): compare contents before classifying again.
        if (e.Format == _lastFormat && SameText(e.Channel, _lastChannel) && SameText(e.Provider, _lastProvider))
        {
            _lastChannel = e.Channel;
            _lastProvider = e.Provider;
            return _last;
        }
        // Files of a few channels and providers interleave (one per host and log): the last classifications
        // are kept by channel and provider instance (readers hand out one per repeated value), so a change
        // of file does not run the case-insensitive searches of Classify again.
        var memo = t_memo ??= new SourceMemo[MemoSlots];
        ref var slot = ref memo[(RuntimeHelpers.GetHashCode(e.Channel) * 31 + RuntimeHelpers.GetHashCode(e.Provider)) & (MemoSlots - 1)];
        EventSource s;
        if (ReferenceEquals(slot.Channel, e.Channel) && ReferenceEquals(slot.Provider, e.Provider) && slot.Format == e.Format) s = slot.Source;
        else
        {
            s = Classify(e.Format, e.Channel, e.Provider);
            slot = new SourceMemo { Channel = e.Channel, Provider = e.Provider, Format = e.Format, Source = s };
        }
        _lastChannel = e.Channel;
        _lastProvider = e.Provider;
        _lastFormat = e.Format;
        _last = s;
        return s;
    }

    private struct SourceMemo
    {
        public string? Channel, Provider;
        public SourceFormat Format;
        public EventSource Source;
    }

    private const int MemoSlots = 64;
    [ThreadStatic] private static SourceMemo[]? t_memo;

    private static bool SameText(string a, string? b) => ReferenceEquals(a, b) || string.Equals(a, b, StringComparison.Ordinal);

    public static EventSource Classify(SourceFormat format, string channel, string provider)
    {
        if (format == SourceFormat.JsonDefender) return EventSource.Defender;
        if (format is SourceFormat.AuthLog or SourceFormat.Syslog or SourceFormat.Journald) return EventSource.LinuxAuth;
        bool Has(string part) => channel.Contains(part, StringComparison.OrdinalIgnoreCase) || provider.Contains(part, StringComparison.OrdinalIgnoreCase);
        if (channel.Equals("Security", StringComparison.OrdinalIgnoreCase) || Has("Security-Auditing")) return EventSource.Security;
        if (Has("Sysmon")) return EventSource.Sysmon;
        if (Has("PowerShell")) return EventSource.PowerShell;
        if (Has("WinRM")) return EventSource.WinRm;
        if (Has("SMBServer")) return EventSource.SmbServer;
        if (Has("LocalSessionManager")) return EventSource.TerminalServicesLocalSessionManager;
        if (Has("RemoteConnectionManager")) return EventSource.TerminalServicesRemoteConnectionManager;
        if (Has("RdpCoreTS")) return EventSource.RdpCoreTs;
        if (Has("OpenSSH")) return EventSource.OpenSsh;
        if (Has("Service Control Manager") || channel.Equals("System", StringComparison.OrdinalIgnoreCase)) return EventSource.ServiceControlManager;
        return EventSource.Other;
    }
}
