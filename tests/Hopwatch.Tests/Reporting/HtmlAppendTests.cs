using System.Text;
using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Reporting;
using Hopwatch.Scoring;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Reporting;

/// <summary>
/// The report appends escaped, cut and dated text straight into its builder (AppendHtml, AppendHtmlShort, AppendTs,
/// AppendF); each must give exactly what the string-making helpers it replaced give (HtmlText.Escape, HtmlText.Short,
/// TriageAnswers.Ts, SvgHopGraph.F), on hostile text and on every string of a real hunt.
/// </summary>
public sealed class HtmlAppendTests
{
    private static readonly string[] Hostile =
    [
        "", "plain text", "<script>alert('x')</script>", "a & b \"quoted\" 'single'", "tab\there\nnew\rline",
        "\u0000\u0001\u001f\u007f control", "c1 \u0080\u0085\u009f end", "\u00a0 nbsp and \u00e9 and \u2014 dash",
        "emoji \ud83d\ude00 pair", "lone \ud83d high", "lone \ude00 low", new string('x', 700) + "<", "<" + new string('é', 300),
        "ends with &", "&", "'", "\u009f", "\ud83d",
    ];

    private static string Appended(Func<StringBuilder, StringBuilder> append) => append(new StringBuilder("prefix|")).ToString()["prefix|".Length..];

    [Fact]
    public void Hostile_text_is_escaped_and_cut_as_the_string_helpers_do()
    {
        foreach (var s in Hostile.Append(null))
        {
            Assert.Equal(HtmlText.Escape(s), Appended(sb => sb.AppendHtml(s)));
            foreach (int max in new[] { 1, 2, 5, 24, 160, 600 })
                Assert.Equal(HtmlText.Short(s, max), Appended(sb => sb.AppendHtmlShort(s, max)));
        }
    }

    /// <summary>What escaping gives, written out (Escape and AppendHtml share one escaper, so they are also checked against the text itself).</summary>
    [Fact]
    public void Escaping_replaces_markup_characters_and_controls_and_keeps_the_rest()
    {
        Assert.Equal("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;", HtmlText.Escape("<script>alert('x')</script>"));
        Assert.Equal("a &amp; b &quot;q&quot;", HtmlText.Escape("a & b \"q\""));
        Assert.Equal("tab\there\nnew\rline", HtmlText.Escape("tab\there\nnew\rline"));
        Assert.Equal("\uFFFD\uFFFD\uFFFD\uFFFD x", HtmlText.Escape("\u0000\u0001\u001f\u007f x"));
        Assert.Equal("c1 \uFFFD\uFFFD\uFFFD \u00a0\u00e9\u2014\ud83d\ude00", HtmlText.Escape("c1 \u0080\u0085\u009f \u00a0\u00e9\u2014\ud83d\ude00"));
        Assert.Equal("", HtmlText.Escape(null));
        Assert.Equal("x&amp;", Appended(sb => sb.AppendHtml("x&")));
        Assert.Equal("ab…", HtmlText.Short("abcdef", 3));
        Assert.Equal("&lt;b…", Appended(sb => sb.AppendHtmlShort("<bcdef", 3)));
    }

    [Fact]
    public void Times_and_coordinates_are_written_as_the_string_helpers_write_them()
    {
        var times = new[]
        {
            DateTime.MinValue, DateTime.MaxValue, new DateTime(2026, 10, 5, 9, 33, 42, DateTimeKind.Utc).AddTicks(1234567),
            new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified), new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Local),
            new DateTime(5, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        };
        foreach (var t in times) Assert.Equal(TriageAnswers.Ts(t), Appended(sb => sb.AppendTs(t)));
        var numbers = new[] { 0.0, -0.0, 1, 130, 553.66, 553.65, 129.96, 0.05, 0.04999, -5, -5.25, 1e9, 1e9 + 0.5, 2.5e15, double.NaN, double.PositiveInfinity, 999_999_999.0 };
        foreach (var v in numbers) Assert.Equal(SvgHopGraph.F(v), Appended(sb => sb.AppendF(v)));
    }

    [Fact]
    public void Every_string_of_a_real_hunt_is_escaped_as_before()
    {
        var result = HuntRunner.Run(new HuntOptions
        {
            Inputs = [Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement")],
            SigmaDirs = [Path.Combine(SharedData.Sigma, "rules", "windows")],
            Analytics = true,
        });
        var strings = new List<string?>();
        foreach (var a in result.Alerts)
        {
            strings.AddRange([a.Title, a.Description, a.RuleId, a.Analytic]);
            strings.AddRange(a.Entities.Users.Concat(a.Entities.SourceHosts).Concat(a.Entities.TargetHosts));
            foreach (var ev in a.Evidence) strings.AddRange([ev.File, ev.Host, ev.Channel]);
            if (a.Details is { } details)
                foreach (var v in details.Values) if (v is string s) strings.Add(s);
        }
        Assert.True(strings.Count > 1000, $"expected the lateral-movement samples to raise alerts, got {strings.Count} strings");
        foreach (var s in strings)
        {
            Assert.Equal(HtmlText.Escape(s), Appended(sb => sb.AppendHtml(s)));
            Assert.Equal(HtmlText.Short(s, 60), Appended(sb => sb.AppendHtmlShort(s, 60)));
        }
    }
}
