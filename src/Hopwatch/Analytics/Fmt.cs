using System.Globalization;

namespace Hopwatch.Analytics;

/// <summary>Formatting for alert descriptions (stable, culture-independent).</summary>
internal static class Fmt
{
    public static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    public static string Clock(DateTime t) => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Span(TimeSpan d)
    {
        if (d.TotalSeconds < 90) return $"{(int)Math.Round(d.TotalSeconds)} s";
        if (d.TotalMinutes < 90) return $"{(int)Math.Round(d.TotalMinutes)} min";
        return (d.TotalHours).ToString("0.#", CultureInfo.InvariantCulture) + " h";
    }

    public static string List(IEnumerable<string> items, int max = 12)
    {
        var l = items.ToList();
        if (l.Count <= max) return string.Join(", ", l);
        return string.Join(", ", l.Take(max)) + $" and {l.Count - max} more";
    }

    public static string EventIds(IEnumerable<Hopwatch.Events.AlertEvidence> evidence) =>
        string.Join(", ", evidence.GroupBy(e => e.EventId).OrderBy(g => g.Key).Select(g => g.Count() > 1 ? $"{g.Key}×{g.Count()}" : g.Key.ToString(CultureInfo.InvariantCulture)));

    public static string Who(string? user) => user ?? "an unknown account";
    public static string Host(string? host) => host ?? "an unknown host";
}
