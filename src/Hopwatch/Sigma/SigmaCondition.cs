namespace Hopwatch.Sigma;

/// <summary>The condition of a detection, as a tree.</summary>
public abstract record SigmaConditionNode;
public sealed record SigmaAnd(SigmaConditionNode Left, SigmaConditionNode Right) : SigmaConditionNode;
public sealed record SigmaOr(SigmaConditionNode Left, SigmaConditionNode Right) : SigmaConditionNode;
public sealed record SigmaNot(SigmaConditionNode Operand) : SigmaConditionNode;
public sealed record SigmaSearchRef(string Name) : SigmaConditionNode;
/// <summary>`1 of pattern`, `all of pattern`, `1 of them`, `all of them` (<see cref="Pattern"/> is "them").</summary>
public sealed record SigmaOf(bool All, string Pattern) : SigmaConditionNode;

/// <summary>
/// Parses Sigma condition expressions. Precedence, loosest first: or, and, not, `x of`, brackets.
/// The obsolete pipe aggregations (`| count() by x > 5`) are rejected with a pointer to correlation rules.
/// </summary>
public static class SigmaConditionParser
{
    public static SigmaConditionNode Parse(string text)
    {
        if (text.Contains('|'))
            throw new FormatException("aggregation expressions ('| count() ...') are obsolete in Sigma 2; use a correlation rule");
        var tokens = Tokenize(text);
        int pos = 0;
        var node = ParseOr(tokens, ref pos);
        if (pos != tokens.Count) throw new FormatException($"unexpected '{tokens[pos]}' in condition '{text}'");
        return node;
    }

    private static List<string> Tokenize(string text)
    {
        var list = new List<string>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c is '(' or ')') { list.Add(c.ToString()); i++; continue; }
            int start = i;
            while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not '(' and not ')') i++;
            list.Add(text[start..i]);
        }
        if (list.Count == 0) throw new FormatException("empty condition");
        return list;
    }

    private static bool Is(List<string> t, int pos, string word) =>
        pos < t.Count && string.Equals(t[pos], word, StringComparison.OrdinalIgnoreCase);

    private static SigmaConditionNode ParseOr(List<string> t, ref int pos)
    {
        var left = ParseAnd(t, ref pos);
        while (Is(t, pos, "or"))
        {
            pos++;
            left = new SigmaOr(left, ParseAnd(t, ref pos));
        }
        return left;
    }

    private static SigmaConditionNode ParseAnd(List<string> t, ref int pos)
    {
        var left = ParseNot(t, ref pos);
        while (Is(t, pos, "and"))
        {
            pos++;
            left = new SigmaAnd(left, ParseNot(t, ref pos));
        }
        return left;
    }

    private static SigmaConditionNode ParseNot(List<string> t, ref int pos)
    {
        if (Is(t, pos, "not"))
        {
            pos++;
            return new SigmaNot(ParseNot(t, ref pos));
        }
        return ParsePrimary(t, ref pos);
    }

    private static SigmaConditionNode ParsePrimary(List<string> t, ref int pos)
    {
        if (pos >= t.Count) throw new FormatException("condition ends too early");
        string tok = t[pos];
        if (tok == "(")
        {
            pos++;
            var inner = ParseOr(t, ref pos);
            if (!Is(t, pos, ")")) throw new FormatException("missing ')' in condition");
            pos++;
            return inner;
        }
        if (tok == ")") throw new FormatException("unexpected ')' in condition");
        if (Is(t, pos + 1, "of"))
        {
            bool all;
            if (tok.Equals("all", StringComparison.OrdinalIgnoreCase)) all = true;
            else if (tok is "1" || tok.Equals("any", StringComparison.OrdinalIgnoreCase)) all = false;
            else throw new FormatException($"'{tok} of' is not supported: use '1 of' or 'all of'");
            pos += 2;
            if (pos >= t.Count || t[pos] is "(" or ")") throw new FormatException($"'{tok} of' needs a search identifier pattern or 'them'");
            string pattern = t[pos++];
            return new SigmaOf(all, pattern.Equals("them", StringComparison.OrdinalIgnoreCase) ? "them" : pattern);
        }
        if (tok.Equals("and", StringComparison.OrdinalIgnoreCase) || tok.Equals("or", StringComparison.OrdinalIgnoreCase)
            || tok.Equals("of", StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"unexpected '{tok}' in condition");
        pos++;
        return new SigmaSearchRef(tok);
    }

    /// <summary>Search names a `x of pattern` covers: `*` is any run of characters; `them` is every name not starting with '_'.</summary>
    public static IEnumerable<string> Expand(string pattern, IEnumerable<string> names)
    {
        if (pattern == "them") return names.Where(n => !n.StartsWith('_'));
        return names.Where(n => WildcardMatch(pattern, n));
    }

    private static bool WildcardMatch(string pattern, string name)
    {
        // Small, once-per-load matcher: '*' any run.
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = n; }
            else if (p < pattern.Length && pattern[p] == name[n]) { p++; n++; }
            else if (star >= 0) { p = star + 1; n = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}
