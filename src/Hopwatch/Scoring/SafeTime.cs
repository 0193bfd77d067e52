namespace Hopwatch.Scoring;

/// <summary>Date arithmetic that saturates at DateTime.MinValue/MaxValue: bad evidence times must not throw.</summary>
internal static class SafeTime
{
    public static DateTime Add(DateTime t, TimeSpan d)
    {
        if (d.Ticks >= 0) return DateTime.MaxValue.Ticks - t.Ticks < d.Ticks ? DateTime.SpecifyKind(DateTime.MaxValue, t.Kind) : t + d;
        return t.Ticks + d.Ticks < 0 ? DateTime.SpecifyKind(DateTime.MinValue, t.Kind) : t + d;
    }

    public static DateTime Minutes(DateTime t, double minutes) => Add(t, TimeSpan.FromMinutes(minutes));
}
