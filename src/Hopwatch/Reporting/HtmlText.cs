using System.Text;

namespace Hopwatch.Reporting;

/// <summary>
/// HTML escaping for text and double-quoted attribute values. Every string that comes from logs
/// goes through here: &amp; &lt; &gt; &quot; and &#39; are encoded and control characters (which
/// could smuggle terminal or parser tricks) become U+FFFD.
/// </summary>
public static class HtmlText
{
    public static string Escape(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "";
        int i = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c is '&' or '<' or '>' or '"' or '\'' || (c < 0x20 && c is not '\t' and not '\n' and not '\r') || c is >= (char)0x7f and <= (char)0x9f) break;
        }
        if (i == s.Length) return s;
        var sb = new StringBuilder(s.Length + 16);
        sb.Append(s, 0, i);
        for (; i < s.Length; i++)
        {
            char c = s[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if ((c < 0x20 && c is not '\t' and not '\n' and not '\r') || c is >= (char)0x7f and <= (char)0x9f) sb.Append('\uFFFD');
                    else sb.Append(c);
                    break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Escaped, and cut to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Short(string? s, int max) =>
        Escape(s is null || s.Length <= max ? s : s[..Math.Max(1, max - 1)] + "…");
}
