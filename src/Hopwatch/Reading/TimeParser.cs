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
        if (TryIso(s, out utc)) return true;
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

    /// <summary>
    /// The common shapes read by position, without the framework's general parser (several times a
    /// record on the hot path): "yyyy-MM-ddTHH:mm:ss", 'T' or ' ', 1-7 fraction digits, optional 'Z'.
    /// Anything else (offsets, more digits, out-of-range parts) is left to the general parser.
    /// </summary>
    internal static bool TryIso(string s, out DateTime utc)
    {
        utc = default;
        int n = s.Length;
        if (n < 19 || s[4] != '-' || s[7] != '-' || s[10] is not ('T' or ' ') || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out int year) || !Digits(s, 5, 2, out int month) || !Digits(s, 8, 2, out int day)
            || !Digits(s, 11, 2, out int hour) || !Digits(s, 14, 2, out int minute) || !Digits(s, 17, 2, out int second)) return false;
        int end = s[n - 1] == 'Z' ? n - 1 : n;
        long fraction = 0;
        int at = 19;
        if (at < end)
        {
            if (s[at] != '.' || end - at - 1 is < 1 or > 7) return false;
            for (int i = at + 1; i < end; i++)
            {
                if (!char.IsAsciiDigit(s[i])) return false;
                fraction = fraction * 10 + (s[i] - '0');
            }
            for (int i = end - at - 1; i < 7; i++) fraction *= 10;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        utc = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fraction);
        return true;
    }

    private static bool Digits(string s, int at, int count, out int value)
    {
        value = 0;
        for (int i = at; i < at + count; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
            value = value * 10 + (s[i] - '0');
        }
        return true;
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
