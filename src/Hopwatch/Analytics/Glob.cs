namespace Hopwatch.Analytics;

/// <summary>Case-insensitive '*' wildcard matching for account and host patterns from the config.</summary>
public static class Glob
{
    public static bool Match(string pattern, string text)
    {
        if (pattern.IndexOf('*') < 0) return string.Equals(pattern, text, StringComparison.OrdinalIgnoreCase);
        return MatchAt(pattern.AsSpan(), text.AsSpan());
    }

    private static bool MatchAt(ReadOnlySpan<char> p, ReadOnlySpan<char> t)
    {
        // Iterative wildcard match with single backtrack point: linear for the patterns configs use.
        int pi = 0, ti = 0, star = -1, mark = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && p[pi] != '*' && char.ToLowerInvariant(p[pi]) == char.ToLowerInvariant(t[ti])) { pi++; ti++; }
            else if (pi < p.Length && p[pi] == '*') { star = pi++; mark = ti; }
            else if (star >= 0) { pi = star + 1; ti = ++mark; }
            else return false;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }

    public static bool Any(IEnumerable<string> patterns, string? text)
    {
        if (text is null) return false;
        foreach (var p in patterns) if (Match(p, text)) return true;
        return false;
    }
}
