using System.Globalization;

namespace Hopwatch.Sigma;

public enum SigmaTimePart { Minute, Hour, Day, Week, Month, Year }

/// <summary>
/// `minute`/`hour`/`day`/`week`/`month`/`year`: a number taken from the field read as a date, compared
/// with the rule value (equality, or the numeric modifier that follows). No time-zone conversion,
/// as the spec says.
/// </summary>
internal sealed class SigmaTimePartMatcher(SigmaTimePart part, SigmaCompare op, double bound) : SigmaValueMatcher
{
    public override bool Matches(string? value, SigmaEventView view)
    {
        if (string.IsNullOrWhiteSpace(value)) return false;
        if (!DateTime.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return false;
        int n = part switch
        {
            SigmaTimePart.Minute => t.Minute,
            SigmaTimePart.Hour => t.Hour,
            SigmaTimePart.Day => t.Day,
            SigmaTimePart.Week => ISOWeek.GetWeekOfYear(t),
            SigmaTimePart.Month => t.Month,
            _ => t.Year,
        };
        return SigmaNumericMatcher.Compare(op, n, bound);
    }

    public override string Describe() => part.ToString().ToLowerInvariant() + " " + op.ToString().ToLowerInvariant() + " " + bound.ToString(CultureInfo.InvariantCulture);
}
