namespace Hopwatch.Analytics;

/// <summary>Share name normalisation: "\\*\ADMIN$" and "\\host\admin$" are both "admin$".</summary>
internal static class ShareNames
{
    public static string Short(string share)
    {
        var s = share.Trim();
        int i = s.LastIndexOf('\\');
        if (i >= 0) s = s[(i + 1)..];
        return s.ToLowerInvariant();
    }
}
