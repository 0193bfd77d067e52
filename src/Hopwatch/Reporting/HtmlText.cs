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
        if (string.IsNullOrEmpty(s) || IndexOfSpecial(s) < 0) return s ?? "";
        return new StringBuilder(s.Length + 16).AppendHtml(s.AsSpan()).ToString();
    }

    /// <summary>Escaped, and cut to <paramref name="max"/> characters with an ellipsis.</summary>
    public static string Short(string? s, int max) =>
        Escape(s is null || s.Length <= max ? s : s[..Math.Max(1, max - 1)] + "…");

    /// <summary>
    /// The ASCII characters escaping replaces; the others are the C1 controls U+0080–U+009F. Two sets
    /// because an all-ASCII set is searched much faster (vectorised) than one with non-ASCII members.
    /// </summary>
    private static readonly System.Buffers.SearchValues<char> SpecialAscii = System.Buffers.SearchValues.Create(SpecialAsciiChars());

    private static string SpecialAsciiChars()
    {
        var chars = new StringBuilder("&<>\"'\u007f");
        for (char c = (char)0; c < 0x20; c++) if (c is not '\t' and not '\n' and not '\r') chars.Append(c);
        return chars.ToString();
    }

    /// <summary>The first character escaping replaces, or -1.</summary>
    private static int IndexOfSpecial(ReadOnlySpan<char> s)
    {
        int i = s.IndexOfAny(SpecialAscii);
        int c1 = (i < 0 ? s : s[..i]).IndexOfAnyInRange('\u0080', '\u009f');
        return c1 >= 0 ? c1 : i;
    }

    /// <summary>Appends <paramref name="s"/> escaped (the one escaper: <see cref="Escape"/> uses it) without making the escaped string.</summary>
    internal static StringBuilder AppendHtml(this StringBuilder sb, string? s) => s is null ? sb : sb.AppendHtml(s.AsSpan());

    internal static StringBuilder AppendHtml(this StringBuilder sb, ReadOnlySpan<char> s)
    {
        while (true)
        {
            int i = IndexOfSpecial(s);
            if (i < 0) return sb.Append(s);
            sb.Append(s[..i]);
            sb.Append(s[i] switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => "\uFFFD",
            });
            s = s[(i + 1)..];
        }
    }

    /// <summary>Appends <see cref="Short"/>(<paramref name="s"/>, <paramref name="max"/>) without making the cut or escaped string.</summary>
    internal static StringBuilder AppendHtmlShort(this StringBuilder sb, string? s, int max)
    {
        if (s is null || s.Length <= max) return sb.AppendHtml(s);
        return sb.AppendHtml(s.AsSpan(0, Math.Max(1, max - 1))).Append('…');
    }

    /// <summary>Appends a time as <see cref="Hopwatch.Scoring.TriageAnswers.Ts"/> writes it ("yyyy-MM-dd HH:mm:ssZ"), without making the string.</summary>
    internal static StringBuilder AppendTs(this StringBuilder sb, DateTime t)
    {
        // The round-trip format (fast: no pattern to interpret) starts "yyyy-MM-ddTHH:mm:ss": the same with a 'T' for the space.
        Span<char> text = stackalloc char[40];
        if (!t.TryFormat(text, out int n, "O", System.Globalization.CultureInfo.InvariantCulture) || n < 19)
            throw new InvalidOperationException("a time did not fit its fixed-size format"); // cannot happen: 27-33 characters
        text[10] = ' ';
        return sb.Append(text[..19]).Append('Z');
    }
}
