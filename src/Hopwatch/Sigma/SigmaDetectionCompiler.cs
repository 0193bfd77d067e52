using System.Text;

namespace Hopwatch.Sigma;

/// <summary>
/// Turns a parsed detection into a tree of <see cref="SigmaMatchNode"/>s for one log-source variant:
/// field names mapped, modifiers applied, values compiled. Errors throw <see cref="SigmaRuleException"/>
/// (bad rule) or <see cref="SigmaUnfilledPlaceholderException"/> (rule needs configuration).
/// </summary>
internal sealed class SigmaDetectionCompiler(SigmaFieldTable table, SigmaPlaceholders placeholders, TimeSpan regexTimeout)
{
    /// <summary>
    /// The rules compiled here compiled before (tests built on first use from cached compile facts): their
    /// regexes need no check now and are built on their first match.
    /// </summary>
    public bool RegexesChecked { get; init; }

    public static readonly HashSet<string> KnownModifiers = new(StringComparer.OrdinalIgnoreCase)
    {
        "contains", "startswith", "endswith", "all", "base64", "base64offset", "wide", "utf16le", "utf16be", "utf16",
        "windash", "re", "i", "m", "s", "ignorecase", "multiline", "dotall", "cidr", "exists", "expand", "fieldref",
        "gt", "gte", "lt", "lte", "neq", "cased", "minute", "hour", "day", "week", "month", "year",
    };

    public SigmaMatchNode Compile(SigmaDetection detection, IReadOnlyDictionary<string, string>? fieldMap)
    {
        var searches = new Dictionary<string, SigmaMatchNode>(StringComparer.Ordinal);
        foreach (var s in detection.Searches) searches[s.Name] = CompileSearch(s, fieldMap);
        return CompileCondition(detection.Condition, searches, detection);
    }

    private SigmaMatchNode CompileCondition(SigmaConditionNode node, Dictionary<string, SigmaMatchNode> searches, SigmaDetection det) => node switch
    {
        SigmaAnd a => new SigmaAndNode([CompileCondition(a.Left, searches, det), CompileCondition(a.Right, searches, det)]),
        SigmaOr o => new SigmaOrNode([CompileCondition(o.Left, searches, det), CompileCondition(o.Right, searches, det)]),
        SigmaNot n => new SigmaNotNode(CompileCondition(n.Operand, searches, det)),
        SigmaSearchRef r => searches.TryGetValue(r.Name, out var s) ? s
            : throw new SigmaRuleException(det.Line, $"condition names '{r.Name}', which is not a search identifier of the detection"),
        SigmaOf of => CompileOf(of, searches, det),
        _ => throw new InvalidOperationException("unknown condition node " + node),
    };

    private static SigmaMatchNode CompileOf(SigmaOf of, Dictionary<string, SigmaMatchNode> searches, SigmaDetection det)
    {
        var names = SigmaConditionParser.Expand(of.Pattern, det.Searches.Select(s => s.Name)).ToList();
        if (names.Count == 0)
            throw new SigmaRuleException(det.Line, $"'{(of.All ? "all" : "1")} of {of.Pattern}' matches no search identifier");
        var nodes = names.Select(n => searches[n]).ToArray();
        return of.All ? new SigmaAndNode(nodes) : new SigmaOrNode(nodes);
    }

    private SigmaMatchNode CompileSearch(SigmaSearch search, IReadOnlyDictionary<string, string>? fieldMap)
    {
        var alternatives = new List<SigmaMatchNode>();
        foreach (var alt in search.Alternatives)
        {
            // Within one map every test must hold: run the cheap ones (exact values, short lists) first.
            var parts = new SigmaMatchNode[alt.Count];
            for (int i = 0; i < parts.Length; i++) parts[i] = CompileSpec(alt[i], fieldMap);
            SortByCost(parts);
            alternatives.Add(parts.Length == 1 ? parts[0] : new SigmaAndNode(parts));
        }
        return alternatives.Count == 1 ? alternatives[0] : new SigmaOrNode(alternatives.ToArray());
    }

    /// <summary>
    /// Orders AND-ed tests cheapest first, rule order kept on ties (a stable insertion sort: maps hold a few tests, and
    /// tests are compiled on first use, in the middle of matching, where LINQ's sort cost allocations).
    /// </summary>
    private static void SortByCost(SigmaMatchNode[] parts)
    {
        if (parts.Length < 2) return;
        var costs = parts.Length <= 32 ? stackalloc int[parts.Length] : new int[parts.Length];
        for (int i = 0; i < parts.Length; i++) costs[i] = Cost(parts[i]);
        for (int i = 1; i < parts.Length; i++)
        {
            var node = parts[i];
            int cost = costs[i], j = i - 1;
            for (; j >= 0 && costs[j] > cost; j--)
            {
                parts[j + 1] = parts[j];
                costs[j + 1] = costs[j];
            }
            parts[j + 1] = node;
            costs[j + 1] = cost;
        }
    }

    /// <summary>Rough cost of a compiled test, for ordering AND-ed tests (stable sort keeps rule order on ties).</summary>
    private static int Cost(SigmaMatchNode node) => node switch
    {
        SigmaExistsNode => 0,
        SigmaFieldNode f => SumCost(f.Values),
        SigmaKeywordNode => 1000,
        _ => 100,
    };

    private static int SumCost(SigmaValueMatcher[] values)
    {
        int sum = 0;
        foreach (var m in values) sum += CostOf(m);
        return sum;
    }

    private static int CostOf(SigmaValueMatcher m) => m switch
    {
        SigmaStringMatcher s => s.Pattern.Kind switch
        {
            SigmaPatternKind.Exact => 1,
            SigmaPatternKind.Prefix or SigmaPatternKind.Suffix => 2,
            SigmaPatternKind.Contains => 4,
            _ => 6,
        },
        SigmaMultiContainsMatcher => 6,
        SigmaNullMatcher or SigmaNumericMatcher => 1,
        SigmaRegexMatcher => 50,
        _ => 5,
    };

    private string MapField(string field, IReadOnlyDictionary<string, string>? fieldMap) =>
        fieldMap is not null && fieldMap.TryGetValue(field, out var mapped) ? mapped : field;

    /// <summary>A value on its way through the modifiers: Sigma wildcard text, or a literal (after encoding).</summary>
    /// <remarks>A class, not a struct: generic collections of it then share code precompiled for reference types
    /// instead of being compiled at run time (tests are compiled on first use, in the middle of matching).</remarks>
    private sealed record Pending(string Text, bool Literal);

    internal SigmaMatchNode CompileSpec(SigmaFieldSpec spec, IReadOnlyDictionary<string, string>? fieldMap)
    {
        int line = spec.Line;
        var mods = new string[spec.Modifiers.Count];
        for (int i = 0; i < mods.Length; i++) mods[i] = spec.Modifiers[i].ToLowerInvariant();
        foreach (var m in mods)
            if (!KnownModifiers.Contains(m)) throw new SigmaRuleException(line, $"unknown value modifier '{m}'");
        int? fieldId = spec.Field is null ? null : table.IdOf(MapField(spec.Field, fieldMap));

        if (Array.IndexOf(mods, "exists") >= 0)
        {
            if (fieldId is null) throw new SigmaRuleException(line, "'exists' needs a field");
            if (spec.Values.Count != 1 || !bool.TryParse(spec.Values[0], out bool expected))
                throw new SigmaRuleException(line, "'exists' takes one value, true or false");
            return new SigmaExistsNode(fieldId.Value, expected);
        }

        bool all = false, cased = false, neq = false, regex = false, cidr = false, fieldref = false;
        bool reI = false, reM = false, reS = false, leading = false, trailing = false;
        SigmaCompare? compare = null;
        SigmaTimePart? timePart = null;
        Encoding encoding = Encoding.UTF8;
        bool bom = false;
        // The values as written, until a modifier rewrites them (windash, expand, base64...; most specs have none of those).
        List<Pending?>? rewritten = null;
        List<Pending?> Values()
        {
            if (rewritten is not null) return rewritten;
            var list = new List<Pending?>(spec.Values.Count);
            foreach (var v in spec.Values) list.Add(v is null ? null : new Pending(v, false));
            return list;
        }

        foreach (var m in mods)
        {
            switch (m)
            {
                case "all": all = true; break;
                case "cased": cased = true; break;
                case "neq": neq = true; break;
                case "contains": leading = trailing = true; break;
                case "startswith": trailing = true; break;
                case "endswith": leading = true; break;
                case "re": regex = true; break;
                case "i" or "ignorecase": RequireRe(regex, m, line); reI = true; break;
                case "m" or "multiline": RequireRe(regex, m, line); reM = true; break;
                case "s" or "dotall": RequireRe(regex, m, line); reS = true; break;
                case "cidr": cidr = true; break;
                case "fieldref": fieldref = true; break;
                case "gt": compare = SigmaCompare.Gt; break;
                case "gte": compare = SigmaCompare.Gte; break;
                case "lt": compare = SigmaCompare.Lt; break;
                case "lte": compare = SigmaCompare.Lte; break;
                case "minute": timePart = SigmaTimePart.Minute; break;
                case "hour": timePart = SigmaTimePart.Hour; break;
                case "day": timePart = SigmaTimePart.Day; break;
                case "week": timePart = SigmaTimePart.Week; break;
                case "month": timePart = SigmaTimePart.Month; break;
                case "year": timePart = SigmaTimePart.Year; break;
                case "wide" or "utf16le": encoding = new UnicodeEncoding(false, false); bom = false; break;
                case "utf16be": encoding = new UnicodeEncoding(true, false); bom = false; break;
                case "utf16": encoding = new UnicodeEncoding(false, false); bom = true; break;
                case "windash": rewritten = Map(Values(), p => p.Literal ? [p] : SigmaWindash.Expand(p.Text).Select(t => new Pending(t, false))); break;
                case "expand": rewritten = Map(Values(), p => p.Literal ? [p] : ExpandPlaceholders(p.Text, line).Select(t => new Pending(t, false))); break;
                case "base64":
                    rewritten = Map(Values(), p => [new Pending(Convert.ToBase64String(Encode(Unescape(p), encoding, bom)), true)]);
                    cased = true; // base64 text is case-sensitive by nature
                    break;
                case "base64offset":
                    rewritten = Map(Values(), p => SigmaBase64Offset.Variants(Encode(Unescape(p), encoding, bom)).Select(t => new Pending(t, true)));
                    cased = true;
                    break;
            }
        }

        int count = rewritten?.Count ?? spec.Values.Count;
        var matchers = new List<SigmaValueMatcher>(count);
        // OR-ed plain `contains` values (and keywords) become needles of one list search below: their text is the needle,
        // so no pattern is compiled for them (tests are compiled on first use, in the middle of matching) unless the list
        // ends up with fewer than two (then they are compiled in place, as any other value).
        bool deferPlain = count >= 2 && !all && !neq && !regex && !cidr && timePart is null && compare is null && !fieldref
                          && (fieldId is null || (leading && trailing));
        string?[]? deferred = null; // by position in matchers: the needle of a value not compiled yet
        for (int i = 0; i < count; i++)
        {
            string? text;
            bool literal = false;
            if (rewritten is null) text = spec.Values[i];
            else if (rewritten[i] is { } p) (text, literal) = (p.Text, p.Literal);
            else text = null;
            if (text is null) { matchers.Add(SigmaNullMatcher.Instance); continue; }
            SigmaValueMatcher matcher;
            try
            {
                if (regex)
                    matcher = new SigmaRegexMatcher(text, reI, reM, reS, regexTimeout, checkNow: !RegexesChecked);
                else if (cidr)
                    matcher = new SigmaCidrMatcher(text);
                else if (timePart is not null)
                    matcher = new SigmaTimePartMatcher(timePart.Value, compare ?? SigmaCompare.Eq, ParseNumber(text, line));
                else if (compare is not null)
                    matcher = new SigmaNumericMatcher(compare.Value, ParseNumber(text, line));
                else if (fieldref)
                {
                    string other = MapField(text, fieldMap);
                    var kind = leading && trailing ? SigmaPatternKind.Contains : leading ? SigmaPatternKind.Suffix : trailing ? SigmaPatternKind.Prefix : SigmaPatternKind.Exact;
                    matcher = new SigmaFieldRefMatcher(table.IdOf(other), other, kind, cased);
                }
                else
                {
                    if (deferPlain && text.Length > 0 && (literal || SigmaStringPattern.IsPlain(text)))
                    {
                        (deferred ??= new string?[count])[matchers.Count] = text;
                        matchers.Add(SigmaNullMatcher.Instance); // its place, filled in by CombineDeferred
                        continue;
                    }
                    // Keywords search inside any field value, so they are substring matches by nature.
                    bool kw = fieldId is null;
                    matcher = new SigmaStringMatcher(SigmaStringPattern.Compile(text, literal, leading || kw, trailing || kw, cased));
                }
            }
            catch (ArgumentException e) { throw new SigmaRuleException(line, $"bad regular expression '{text}': {e.Message}"); }
            catch (FormatException e) { throw new SigmaRuleException(line, e.Message); }
            matchers.Add(neq ? new SigmaNotMatcher(matcher) : matcher);
        }
        if (matchers.Count == 0) throw new SigmaRuleException(line, $"'{spec.Field}' has no values");
        if (deferred is not null) matchers = CombineDeferred(matchers, deferred, cased);
        else if (!all && !neq) matchers = CombineContains(matchers);
        // neq over a list: the field differs from every value.
        if (neq) all = true;
        var arr = matchers.ToArray();
        return fieldId is null ? new SigmaKeywordNode(arr, all) : new SigmaFieldNode(fieldId.Value, arr, all);
    }

    /// <summary>OR-ed plain `contains` values (same casing) become one multi-needle search.</summary>
    private static List<SigmaValueMatcher> CombineContains(List<SigmaValueMatcher> matchers)
    {
        if (matchers.Count < 2) return matchers;
        // Plain loops: rules hold tens of thousands of values, and this runs for every list of them.
        int Combinable(bool cased)
        {
            int n = 0;
            foreach (var m in matchers)
                if (IsPlainContains(m, cased)) n++;
            return n;
        }
        int uncased = Combinable(false), cased = Combinable(true);
        if (uncased < 2 && cased < 2) return matchers;
        var result = new List<SigmaValueMatcher>();
        foreach (bool c in (ReadOnlySpan<bool>)[false, true])
        {
            if ((c ? cased : uncased) < 2) continue;
            var needles = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var m in matchers)
                if (IsPlainContains(m, c) && seen.Add(((SigmaStringMatcher)m).Pattern.Literal)) needles.Add(((SigmaStringMatcher)m).Pattern.Literal);
            result.Add(new SigmaMultiContainsMatcher(needles, c));
        }
        foreach (var m in matchers)
        {
            bool combined = (uncased >= 2 && IsPlainContains(m, false)) || (cased >= 2 && IsPlainContains(m, true));
            if (!combined) result.Add(m);
        }
        return result;
    }

    /// <summary>
    /// <see cref="CombineContains"/> for a list whose plain `contains` values were not compiled (<paramref name="deferred"/>:
    /// their texts by position, all of one casing, as every string value of one spec is): the same needles in the same
    /// order, the same other matchers after them; or, with fewer than two needles, those values compiled in place.
    /// </summary>
    private static List<SigmaValueMatcher> CombineDeferred(List<SigmaValueMatcher> matchers, string?[] deferred, bool cased)
    {
        int combinable = 0;
        for (int i = 0; i < matchers.Count; i++)
            if (deferred[i] is not null || IsPlainContains(matchers[i], cased)) combinable++;
        if (combinable < 2)
        {
            // Plain texts compile straight to a contains pattern of themselves (the shape Compile gives them).
            for (int i = 0; i < matchers.Count; i++)
                if (deferred[i] is { } text)
                    matchers[i] = new SigmaStringMatcher(SigmaStringPattern.Compile(text, literal: true, leadingStar: true, trailingStar: true, cased));
            return matchers;
        }
        var needles = new List<string>(combinable);
        // Repeats dropped: by a look through the list for the usual few needles, by a set (sized at once) for long lists
        // (a growing set was ~8 % of building tests on first use).
        var seen = combinable > 16 ? new HashSet<string>(combinable, StringComparer.Ordinal) : null;
        for (int i = 0; i < matchers.Count; i++)
        {
            string? needle = deferred[i] ?? (IsPlainContains(matchers[i], cased) ? ((SigmaStringMatcher)matchers[i]).Pattern.Literal : null);
            if (needle is not null && (seen is null ? !needles.Contains(needle) : seen.Add(needle))) needles.Add(needle);
        }
        var result = new List<SigmaValueMatcher> { new SigmaMultiContainsMatcher(needles, cased) };
        for (int i = 0; i < matchers.Count; i++)
            if (deferred[i] is null && !IsPlainContains(matchers[i], cased)) result.Add(matchers[i]);
        return result;
    }

    private static bool IsPlainContains(SigmaValueMatcher m, bool cased) =>
        m is SigmaStringMatcher { Pattern: { Kind: SigmaPatternKind.Contains, Literal.Length: > 0 } p } && p.Cased == cased;

    private static void RequireRe(bool regex, string m, int line)
    {
        if (!regex) throw new SigmaRuleException(line, $"modifier '{m}' only applies after 're'");
    }

    private static List<Pending?> Map(List<Pending?> values, Func<Pending, IEnumerable<Pending>> f)
    {
        var result = new List<Pending?>();
        foreach (var v in values)
            if (v is null) result.Add(null); else result.AddRange(f(v));
        return result;
    }

    private static double ParseNumber(string text, int line) =>
        SigmaNumericMatcher.TryParseNumber(text, out double d) ? d : throw new SigmaRuleException(line, $"'{text}' is not a number");

    private static byte[] Encode(string s, Encoding enc, bool bom)
    {
        var bytes = enc.GetBytes(s);
        return bom ? [0xFF, 0xFE, .. bytes] : bytes;
    }

    /// <summary>The plain text of a wildcard value (escapes removed), for encoding modifiers.</summary>
    private static string Unescape(Pending p)
    {
        if (p.Literal) return p.Text;
        var sb = new StringBuilder(p.Text.Length);
        for (int i = 0; i < p.Text.Length; i++)
        {
            char c = p.Text[i];
            if (c == '\\' && i + 1 < p.Text.Length && p.Text[i + 1] is '*' or '?' or '\\') { sb.Append(p.Text[i + 1]); i++; }
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>`%name%` → each configured value (cartesian product for several); `\%` is a plain percent.</summary>
    private IEnumerable<string> ExpandPlaceholders(string text, int line)
    {
        var results = new List<StringBuilder> { new() };
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] == '%')
            {
                foreach (var r in results) r.Append('%');
                i += 2;
                continue;
            }
            int end = c == '%' ? text.IndexOf('%', i + 1) : -1;
            if (end > i + 1)
            {
                string name = text[(i + 1)..end];
                if (!placeholders.TryGet(name, out var vals) || vals.Length == 0)
                    throw new SigmaUnfilledPlaceholderException(name, line);
                var next = new List<StringBuilder>();
                foreach (var r in results)
                    foreach (var v in vals) next.Add(new StringBuilder(r.ToString()).Append(v));
                results = next;
                i = end + 1;
                continue;
            }
            foreach (var r in results) r.Append(c);
            i++;
        }
        return results.Select(r => r.ToString());
    }
}
