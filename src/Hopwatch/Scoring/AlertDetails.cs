using System.Collections;
using System.Text.Json;
using Hopwatch.Events;

namespace Hopwatch.Scoring;

/// <summary>
/// Reads analytic details whatever shape they arrive in: CLR lists straight from an analytic, or
/// JsonElements when alerts were read back from alerts.jsonl.
/// </summary>
internal static class AlertDetails
{
    /// <summary>The ordered host path of a chain alert (Details["path"]), host keys; empty when absent.</summary>
    public static IReadOnlyList<string> Path(Alert a)
    {
        // Most alerts have no path (every Sigma alert): no list for them.
        if (a.Details is null || !a.Details.TryGetValue("path", out var v) || v is null) return [];
        var result = new List<string>();
        foreach (var s in Strings(v))
        {
            var k = Names.HostKey(s);
            if (k is not null && (result.Count == 0 || result[^1] != k)) result.Add(k);
        }
        return result;
    }

    public static IEnumerable<string> Strings(object v)
    {
        switch (v)
        {
            case string s:
                foreach (var part in s.Split(["->", "→", ",", ">"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    yield return part;
                break;
            case JsonElement { ValueKind: JsonValueKind.Array } arr:
                foreach (var x in arr.EnumerateArray())
                    if (x.ValueKind == JsonValueKind.String) yield return x.GetString()!;
                    else if (x.ValueKind == JsonValueKind.Object && TryHost(x, out var h)) yield return h;
                break;
            case JsonElement { ValueKind: JsonValueKind.String } str:
                foreach (var s2 in Strings(str.GetString()!)) yield return s2;
                break;
            case IEnumerable e:
                // Only strings, or hop objects naming a host: never an object's ToString().
                foreach (var x in e)
                    if (x is string xs) yield return xs;
                    else if (x is JsonElement { ValueKind: JsonValueKind.String } je) yield return je.GetString()!;
                    else if (x is JsonElement { ValueKind: JsonValueKind.Object } jo && TryHost(jo, out var jh)) yield return jh;
                    else if (x is IDictionary<string, object?> d && HostOf(d) is { } dh) yield return dh;
                break;
        }
    }

    /// <summary>An integer detail (e.g. "logon_type"), if present.</summary>
    public static int? Int(Alert a, string key)
    {
        if (a.Details is null || !a.Details.TryGetValue(key, out var v) || v is null) return null;
        return v switch
        {
            int i => i,
            long l => (int)l,
            JsonElement { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out int j) => j,
            string s when int.TryParse(s, out int k) => k,
            _ => null,
        };
    }

    private static string? HostOf(IDictionary<string, object?> d)
    {
        foreach (var name in new[] { "host", "to", "target" })
            if (d.TryGetValue(name, out var v) && v is string s) return s;
        return null;
    }

    private static bool TryHost(JsonElement o, out string host)
    {
        foreach (var name in new[] { "host", "to", "target" })
            if (o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.String) { host = p.GetString()!; return true; }
        host = "";
        return false;
    }
}
