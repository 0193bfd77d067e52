using System.Globalization;

namespace Hopwatch.Sigma;

public enum SigmaCompare { Eq, Neq, Lt, Lte, Gt, Gte }

/// <summary>`lt`/`lte`/`gt`/`gte`: the field read as a number (decimal or 0x-hex) compared with the rule value.</summary>
internal sealed class SigmaNumericMatcher(SigmaCompare op, double bound) : SigmaValueMatcher
{
    public override bool Matches(string? value, SigmaEventView view) =>
        TryParseNumber(value, out double v) && Compare(op, v, bound);

    public static bool Compare(SigmaCompare op, double v, double bound) => op switch
    {
        SigmaCompare.Lt => v < bound,
        SigmaCompare.Lte => v <= bound,
        SigmaCompare.Gt => v > bound,
        SigmaCompare.Gte => v >= bound,
        SigmaCompare.Eq => v == bound,
        _ => v != bound,
    };

    public static bool TryParseNumber(ReadOnlySpan<char> s, out double v)
    {
        s = s.Trim();
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            long.TryParse(s[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long hex))
        {
            v = hex;
            return true;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out v);
    }

    public override string Describe() => op.ToString().ToLowerInvariant() + " " + bound.ToString(CultureInfo.InvariantCulture);
}
