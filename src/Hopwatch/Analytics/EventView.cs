using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// Defensive accessors over the normalised view of a <see cref="LogEvent"/>. Sources disagree on
/// shapes ("DOMAIN\user", "user@realm", "[10.0.0.1]:5000", "-"), so analytics read through here and
/// never trust a typed field to be already clean. Raw fields are the fallback for data the typed
/// view does not carry (Sysmon TargetObject, DCOM 10016 params, RdpCoreTS ClientIP, ...).
/// </summary>
internal static class EventView
{
    /// <summary>Short lower-case name of the host that logged the event.</summary>
    public static string? Host(LogEvent e)
    {
        var h = e.HostShort;
        if (!string.IsNullOrEmpty(h)) return h;
        return HostNames.Canonical(e.Host ?? e.Computer);
    }

    /// <summary>The account the event is about, lower-case, without domain.</summary>
    public static string? User(LogEvent e) => Names.User(e.UserName) ?? Names.User(e.SubjectUserName);

    /// <summary>Domain of the target account, from the typed field or a "DOMAIN\user" value.</summary>
    public static string? UserDomain(LogEvent e)
    {
        if (!string.IsNullOrEmpty(e.UserDomain) && e.UserDomain != "-") return e.UserDomain.ToLowerInvariant();
        var u = e.UserName;
        if (u is null) return null;
        int slash = u.IndexOf('\\');
        if (slash > 0) return u[..slash].ToLowerInvariant();
        int at = u.IndexOf('@');
        return at > 0 && at < u.Length - 1 ? u[(at + 1)..].ToLowerInvariant() : null;
    }

    public static string? SourceIp(LogEvent e) => Ips.Clean(e.SourceIp)
        ?? Ips.Clean(Raw(e, "IpAddress")) ?? Ips.Clean(Raw(e, "ClientIP")) ?? Ips.Clean(Raw(e, "ClientAddress"));

    public static string? DestinationIp(LogEvent e) => Ips.Clean(e.DestinationIp);

    public static string? SourceHostName(LogEvent e) => HostNames.Canonical(e.SourceHost);

    public static string? Raw(LogEvent e, string name) => e.Fields.Count == 0 ? null : e.Fields.Get(name);

    public static bool IsMachineAccount(string? user) => user is not null && user.EndsWith('$');

    /// <summary>Built-in identities whose network logons are system noise, not a person moving.</summary>
    public static bool IsSystemAccount(string? user) => user is null || user.Length == 0 || user == "-"
        || user is "anonymous logon" or "local service" or "network service" or "system" or "dwm-1" or "dwm-2" or "umfd-0" or "umfd-1"
        || user.StartsWith("dwm-", StringComparison.Ordinal) || user.StartsWith("umfd-", StringComparison.Ordinal);

    /// <summary>Lower-case file name of an image path ("C:\Windows\System32\cmd.exe" → "cmd.exe").</summary>
    public static string ImageName(string? path)
    {
        if (string.IsNullOrEmpty(path)) return "";
        int i = Math.Max(path.LastIndexOf('\\'), path.LastIndexOf('/'));
        var name = i >= 0 ? path[(i + 1)..] : path;
        return name.Trim().Trim('"').ToLowerInvariant();
    }

    public static bool ContainsCi(string? haystack, string needle) =>
        haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);

    /// <summary>Sysmon 3 "Initiated": true = this host opened the connection.</summary>
    public static bool? Initiated(LogEvent e)
    {
        var v = Raw(e, "Initiated");
        if (v is null) return null;
        return v.Equals("true", StringComparison.OrdinalIgnoreCase) || v == "1";
    }

    public static bool IsSuccessStatus(string? status) =>
        string.IsNullOrEmpty(status) || status == "0" || status.Equals("0x0", StringComparison.OrdinalIgnoreCase)
        || status.Equals("0x00000000", StringComparison.OrdinalIgnoreCase) || status.Equals("success", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Account name normalisation.</summary>
internal static class Names
{
    public static string? User(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw == "-") return null;
        var s = raw.Trim();
        int slash = s.LastIndexOf('\\');
        if (slash >= 0) s = s[(slash + 1)..];
        int at = s.IndexOf('@');
        if (at > 0) s = s[..at];
        if (s.Length == 0) return null;
        return IsLower(s) ? s : s.ToLowerInvariant();
    }

    internal static bool IsLower(string s)
    {
        foreach (var c in s) if (char.IsUpper(c)) return false;
        return true;
    }
}

/// <summary>Host name normalisation: lower-case, no domain, no machine-account '$'.</summary>
public static class HostNames
{
    public static string? Canonical(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw == "-") return null;
        var s = raw.Trim();
        if (s.StartsWith(@"\\", StringComparison.Ordinal)) s = s[2..];
        if (s.EndsWith('$')) s = s[..^1];
        if (Ips.MaybeAddress(s) && Ips.Clean(s) is { } ip) return ip; // an address is kept as it is
        int dot = s.IndexOf('.');
        if (dot > 0) s = s[..dot];
        if (s.Length == 0) return null;
        return Names.IsLower(s) ? s : s.ToLowerInvariant();
    }
}
