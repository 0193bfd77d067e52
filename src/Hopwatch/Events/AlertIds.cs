using System.Security.Cryptography;
using System.Text;

namespace Hopwatch.Events;

/// <summary>Deterministic alert ids, so a re-run or a restart never duplicates an alert.</summary>
public static class AlertIds
{
    /// <summary>A 32-hex-digit id from the analytic, the rule and the identities of the evidence.</summary>
    public static string For(string analytic, string ruleId, IEnumerable<AlertEvidence> evidence)
    {
        var sb = new StringBuilder();
        sb.Append(analytic).Append('\n').Append(ruleId);
        foreach (var ev in evidence)
            sb.Append('\n').Append(ev.File).Append('#').Append(ev.RecordId).Append('@').Append(ev.Time.Ticks)
              .Append('/').Append(ev.Host).Append('/').Append(ev.EventId);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
