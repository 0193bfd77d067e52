using System.Globalization;

namespace Hopwatch.Sigma;

/// <summary>
/// The EventIDs a detection can only match (from `EventID: n` / `EventID: [a, b]` tests its condition
/// requires), or null when it can match any. Lets the index file a `service: security` rule under
/// 4624 alone instead of testing it against every Security event.
/// </summary>
internal static class SigmaEventIdConstraint
{
    public static HashSet<int>? Of(SigmaDetection d) => Of(d.Condition, d);

    private static HashSet<int>? Of(SigmaConditionNode node, SigmaDetection d) => node switch
    {
        SigmaAnd a => Both(Of(a.Left, d), Of(a.Right, d)),
        SigmaOr o => Either(Of(o.Left, d), Of(o.Right, d)),
        SigmaNot => null,
        SigmaSearchRef r => d.Find(r.Name) is { } s ? OfSearch(s) : null,
        SigmaOf of => Combine(of, d),
        _ => null,
    };

    private static HashSet<int>? Combine(SigmaOf of, SigmaDetection d)
    {
        var sets = SigmaConditionParser.Expand(of.Pattern, d.Searches.Select(s => s.Name))
            .Select(n => d.Find(n) is { } s ? OfSearch(s) : null).ToList();
        if (sets.Count == 0) return null;
        var acc = sets[0];
        foreach (var s in sets.Skip(1)) acc = of.All ? Both(acc, s) : Either(acc, s);
        return acc;
    }

    /// <summary>Alternatives are OR-ed: every one must constrain the id.</summary>
    private static HashSet<int>? OfSearch(SigmaSearch s)
    {
        HashSet<int>? acc = null;
        foreach (var alt in s.Alternatives)
        {
            HashSet<int>? altIds = null;
            foreach (var spec in alt)
            {
                if (spec.Field is null || !spec.Field.Equals("EventID", StringComparison.OrdinalIgnoreCase) || spec.Modifiers.Count > 0) continue;
                var ids = new HashSet<int>();
                bool ok = true;
                foreach (var v in spec.Values)
                    if (v is not null && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int id)) ids.Add(id);
                    else { ok = false; break; }
                if (ok && ids.Count > 0) altIds = Both(altIds, ids);
            }
            if (altIds is null) return null;
            acc = acc is null ? altIds : Either(acc, altIds);
        }
        return acc;
    }

    private static HashSet<int>? Both(HashSet<int>? a, HashSet<int>? b)
    {
        if (a is null) return b;
        if (b is null) return a;
        var r = new HashSet<int>(a);
        r.IntersectWith(b);
        return r;
    }

    private static HashSet<int>? Either(HashSet<int>? a, HashSet<int>? b)
    {
        if (a is null || b is null) return null;
        var r = new HashSet<int>(a);
        r.UnionWith(b);
        return r;
    }
}
