using System.Security.Cryptography;
using System.Text;

namespace Hopwatch.Service.Api;

/// <summary>
/// Checks "Authorization: Bearer TOKEN" against the configured tokens in constant time (hashes
/// compared with FixedTimeEquals), and tells who the caller is for the audit trail.
/// </summary>
public sealed class TokenAuthenticator
{
    private readonly (byte[] Hash, string Name)[] _tokens;
    public bool Disabled { get; }

    public TokenAuthenticator(IEnumerable<ApiToken> tokens, bool disabled)
    {
        _tokens = tokens.Select(t => (SHA256.HashData(Encoding.UTF8.GetBytes(t.Token)), t.Name)).ToArray();
        Disabled = disabled;
    }

    /// <summary>The token's name, "anonymous" when authentication is off, null when refused.</summary>
    public string? Authenticate(string? authorizationHeader)
    {
        if (Disabled) return "anonymous";
        if (authorizationHeader is null || !authorizationHeader.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorizationHeader[7..].Trim()));
        string? match = null;
        // Compare with every token so the time taken does not tell which one nearly matched.
        foreach (var (hash, name) in _tokens)
            if (CryptographicOperations.FixedTimeEquals(hash, presented)) match ??= name;
        return match;
    }
}
