using System.Net;
using System.Net.Sockets;

namespace Hopwatch.Sigma;

/// <summary>`cidr`: the field is an IPv4 or IPv6 address inside the network.</summary>
internal sealed class SigmaCidrMatcher : SigmaValueMatcher
{
    private readonly byte[] _network;
    private readonly int _prefix;
    private readonly AddressFamily _family;
    private readonly string _text;

    public SigmaCidrMatcher(string cidr)
    {
        _text = cidr;
        int slash = cidr.IndexOf('/');
        string addr = slash < 0 ? cidr : cidr[..slash];
        if (!IPAddress.TryParse(addr.Trim(), out var ip)) throw new FormatException($"'{cidr}' is not a CIDR network");
        _family = ip.AddressFamily;
        _network = ip.GetAddressBytes();
        int max = _network.Length * 8;
        _prefix = max;
        if (slash >= 0 && (!int.TryParse(cidr[(slash + 1)..], out _prefix) || _prefix < 0 || _prefix > max))
            throw new FormatException($"'{cidr}' has a bad prefix length");
    }

    public override bool Matches(string? value, SigmaEventView view)
    {
        if (string.IsNullOrEmpty(value)) return false;
        var span = value.AsSpan().Trim();
        if (span.StartsWith("::ffff:", StringComparison.OrdinalIgnoreCase) && _family == AddressFamily.InterNetwork)
            span = span[7..]; // IPv4-mapped IPv6, as Windows logs often write them
        if (!IPAddress.TryParse(span, out var ip) || ip.AddressFamily != _family) return false;
        Span<byte> bytes = stackalloc byte[16];
        if (!ip.TryWriteBytes(bytes, out int n) || n != _network.Length) return false;
        int full = _prefix / 8, rest = _prefix % 8;
        for (int i = 0; i < full; i++) if (bytes[i] != _network[i]) return false;
        if (rest == 0) return true;
        int mask = 0xFF << (8 - rest) & 0xFF;
        return (bytes[full] & mask) == (_network[full] & mask);
    }

    public override string Describe() => "cidr " + _text;
}
