using System.Net;
using System.Net.Sockets;

namespace Hopwatch.Analytics;

/// <summary>IP address cleaning and classification (loopback, private, CIDR membership).</summary>
public static class Ips
{
    /// <summary>
    /// The address in canonical text form, or null when the value is not an address ("-", "LOCAL",
    /// empty). Strips ports and brackets ("[10.0.0.1]:5000", "10.0.0.1:5000") and the IPv4-mapped prefix.
    /// </summary>
    public static string? Clean(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw) || raw == "-") return null;
        if (IsPlainIPv4(raw)) return raw; // hot path: already canonical, no parse, no allocation
        var s = raw.AsSpan().Trim();
        if (s.Length > 0 && s[0] == '[')
        {
            int close = s.IndexOf(']');
            if (close < 0) return null;
            s = s[1..close];
        }
        else if (s.Count(':') == 1)
        {
            s = s[..s.IndexOf(':')]; // a.b.c.d:port
        }
        if (s.Length == 0 || !IPAddress.TryParse(s, out var addr)) return null;
        if (addr.IsIPv4MappedToIPv6) addr = addr.MapToIPv4();
        // Fast path: already canonical text.
        var text = addr.ToString();
        return s.SequenceEqual(text) && raw.Length == text.Length ? raw : text;
    }

    /// <summary>"a.b.c.d" with 1-3 digit parts 0-255 and no leading zeros: canonical as it stands.</summary>
    private static bool IsPlainIPv4(string s)
    {
        if (s.Length < 7 || s.Length > 15) return false;
        int parts = 0, digits = 0, value = 0;
        for (int i = 0; i <= s.Length; i++)
        {
            char c = i < s.Length ? s[i] : '.';
            if (c == '.')
            {
                if (digits == 0 || value > 255) return false;
                parts++; digits = 0; value = 0;
            }
            else if (c >= '0' && c <= '9')
            {
                if (digits > 0 && value == 0) return false; // leading zero
                value = value * 10 + (c - '0');
                if (++digits > 3) return false;
            }
            else return false;
        }
        return parts == 4;
    }

    /// <summary>Could this text be an address at all (cheap pre-check before parsing)?</summary>
    internal static bool MaybeAddress(string s)
    {
        foreach (var c in s)
            if (c == ':' || c == '[') return true;
            else if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
        return true;
    }

    public static bool IsLoopback(string? ip) => ip is "127.0.0.1" or "::1" || (ip is not null && ip.StartsWith("127.", StringComparison.Ordinal));

    /// <summary>RFC 1918, link-local, CGNAT and IPv6 ULA/link-local: addresses that stay inside an organisation.</summary>
    public static bool IsInternal(string? ip)
    {
        if (ip is null || !IPAddress.TryParse(ip, out var a)) return false;
        if (IPAddress.IsLoopback(a)) return true;
        if (a.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            a.TryWriteBytes(b, out _);
            return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] >= 64 && b[1] <= 127);
        }
        Span<byte> v6 = stackalloc byte[16];
        a.TryWriteBytes(v6, out _);
        return (v6[0] & 0xfe) == 0xfc || (v6[0] == 0xfe && (v6[1] & 0xc0) == 0x80);
    }

    /// <summary>True when <paramref name="ip"/> is inside "a.b.c.d/n" (or equals a bare address).</summary>
    public static bool InCidr(string ip, string cidr)
    {
        int slash = cidr.IndexOf('/');
        if (!IPAddress.TryParse(ip, out var addr)) return false;
        if (slash < 0) return IPAddress.TryParse(cidr, out var single) && single.Equals(addr);
        if (!IPAddress.TryParse(cidr.AsSpan(0, slash), out var net) || !int.TryParse(cidr.AsSpan(slash + 1), out int bits)) return false;
        if (net.AddressFamily != addr.AddressFamily) return false;
        var a = addr.GetAddressBytes();
        var n = net.GetAddressBytes();
        if (bits < 0 || bits > a.Length * 8) return false;
        for (int i = 0; i < a.Length && bits > 0; i++, bits -= 8)
        {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((a[i] & mask) != (n[i] & mask)) return false;
        }
        return true;
    }

    public static bool IsAddress(string? s) => s is not null && MaybeAddress(s) && IPAddress.TryParse(s, out _);
}
