using System.Globalization;

namespace Hopwatch.Reading;

/// <summary>Parses the timestamps evidence sources write, always to UTC (no zone given = UTC).</summary>
internal static class TimeParser
{
    private static readonly string[] ExtraFormats =
    [
        "M/d/yyyy, h:mm:ss.fff tt", "M/d/yyyy, h:mm:ss tt", "M/d/yyyy h:mm:ss tt", "M/d/yyyy h:mm:ss.fff tt",
        "MMM d, yyyy h:mm:ss tt", "MMM d, yyyy h:mm:ss.fff tt",
    ];

    public static bool TryParseUtc(string? s, out DateTime utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(s)) return false;
        s = s.Trim();
        // Epoch numbers: seconds, milliseconds or microseconds by magnitude.
        if (s.Length >= 9 && s.Length <= 19 && char.IsAsciiDigit(s[0]) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long epoch))
            return TryFromEpoch(epoch, out utc);
        // .NET parses at most 7 fractional digits; evtxexport writes 9 ("...28.621489700Z").
        int dot = s.IndexOf('.');
        if (dot > 0)
        {
            int end = dot + 1;
            while (end < s.Length && char.IsAsciiDigit(s[end])) end++;
            if (end - dot - 1 > 7) s = string.Concat(s.AsSpan(0, dot + 8), s.AsSpan(end));
        }
        const DateTimeStyles styles = DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal | DateTimeStyles.AllowWhiteSpaces;
        if (DateTime.TryParse(s, CultureInfo.InvariantCulture, styles, out utc)
            || DateTime.TryParseExact(s, ExtraFormats, CultureInfo.InvariantCulture, styles, out utc))
        {
            utc = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
            return true;
        }
        return false;
    }

    /// <summary>Seconds, milliseconds, microseconds or nanoseconds since 1970, told apart by size.</summary>
    public static bool TryFromEpoch(long value, out DateTime utc)
    {
        utc = default;
        if (value <= 0) return false;
        long ticks = value switch
        {
            < 100_000_000_000L => value * TimeSpan.TicksPerSecond,
            < 100_000_000_000_000L => value * TimeSpan.TicksPerMillisecond,
            < 100_000_000_000_000_000L => value * 10,
            _ => value / 100,
        };
        if (ticks > DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) return false;
        utc = new DateTime(DateTime.UnixEpoch.Ticks + ticks, DateTimeKind.Utc);
        return true;
    }
}
