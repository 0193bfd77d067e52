namespace Hopwatch.Events;

/// <summary>
/// Compares texts such as "chunk 10 offset 0x1a0" so that the numbers in them order by value: runs of decimal digits,
/// and "0x" followed by hex digits, compare as numbers (shorter after leading zeros are dropped means smaller); the
/// rest compares ordinally. Ties between differently written equal numbers ("07" and "7") fall back to ordinal order,
/// so the order is total and the same on every run.
/// </summary>
public static class NaturalOrder
{
    public static int Compare(string? a, string? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            bool hexA = IsHexStart(a, i), hexB = IsHexStart(b, j);
            if ((hexA && hexB) || (!hexA && !hexB && char.IsAsciiDigit(a[i]) && char.IsAsciiDigit(b[j])))
            {
                if (hexA) { i += 2; j += 2; }
                var na = Number(a, ref i, hexA);
                var nb = Number(b, ref j, hexB);
                // Leading zeros dropped, a longer run of digits is a larger number; equal lengths compare digit by digit
                // (hex digits case-insensitively).
                int c = na.Length.CompareTo(nb.Length);
                if (c == 0) c = na.CompareTo(nb, StringComparison.OrdinalIgnoreCase);
                if (c != 0) return c;
                continue;
            }
            if (a[i] != b[j]) return a[i].CompareTo(b[j]);
            i++;
            j++;
        }
        int rest = (a.Length - i).CompareTo(b.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(a, b);
    }

    private static bool IsHexStart(string s, int i) =>
        i + 2 < s.Length && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X') && char.IsAsciiHexDigit(s[i + 2]);

    /// <summary>The digits from <paramref name="i"/> on (hex or decimal), without leading zeros; moves past them.</summary>
    private static ReadOnlySpan<char> Number(string s, ref int i, bool hex)
    {
        int start = i;
        while (i < s.Length && (hex ? char.IsAsciiHexDigit(s[i]) : char.IsAsciiDigit(s[i]))) i++;
        var digits = s.AsSpan(start, i - start);
        int zeros = 0;
        while (zeros < digits.Length - 1 && digits[zeros] == '0') zeros++;
        return digits[zeros..];
    }
}
