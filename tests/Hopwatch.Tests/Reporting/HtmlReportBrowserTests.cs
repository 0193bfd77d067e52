using System.Text.RegularExpressions;
using Hopwatch.Events;
using Hopwatch.Reporting;
using Hopwatch.Scoring;
using Hopwatch.Tests.Scoring;
using Hopwatch.Tests.Support;
using Xunit.Abstractions;

namespace Hopwatch.Tests.Reporting;

/// <summary>report.html in a real browser: hostile log text never runs, big reports load cleanly.</summary>
public class HtmlReportBrowserTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "hopwatch-html-" + Guid.NewGuid().ToString("n"));
    private readonly ITestOutputHelper _out;

    public HtmlReportBrowserTests(ITestOutputHelper output)
    {
        _out = output;
        Directory.CreateDirectory(_dir);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }

    /// <summary>Each payload, if it ever ran, sets document.title or a data-xss marker on &lt;html&gt;.</summary>
    private static readonly string[] Payloads =
    [
        "<script>document.title='XSS1'</script>",
        "\"><img src=x onerror=\"document.documentElement.setAttribute('data-xss','2')\">",
        "'><svg onload=document.documentElement.setAttribute('data-xss','3')>",
        "javascript:document.documentElement.setAttribute('data-xss','4')",
        "</title><script>document.title='XSS5'</script>",
        "</style><script>document.title='XSS6'</script>",
        "<iframe srcdoc=\"<script>parent.document.title='XSS7'</script>\"></iframe>",
        "]]></text><script>document.title='XSS8'</script>",
        "<a href=\"javascript:document.title='XSS9'\" id=\"xsslink\">click</a>",
        "<details open ontoggle=\"document.documentElement.setAttribute('data-xss','10')\">",
        "</script><script>document.title='XSS11'</script>",
        "<body onload=\"document.documentElement.setAttribute('data-xss','12')\">",
    ];

    private static Scenario HostileScenario()
    {
        var s = Scenario.RdpChain();
        int i = 0;
        string Next() => Payloads[i++ % Payloads.Length];
        foreach (var a in s.Alerts)
        {
            a.Title = Next() + " RDP";
            a.Description = Next();
            a.RuleId = Next();
            a.Entities.Users.Add(Next());
            a.Entities.SourceHosts.Add(Next());
            a.Entities.TargetHosts.Add(Next());
            a.Techniques.Add(Next());
            foreach (var ev in a.Evidence) { ev.File = Next(); ev.Channel = Next(); ev.Host = Next(); }
        }
        var t = Scenario.ChainStart.AddMinutes(3);
        foreach (var p in Payloads)
        {
            s.ServiceInstall(t, "srv-app01", p, p);
            s.LsassAccess(t.AddMinutes(-20), "ws-fin-012", p);
            s.Failure(t.AddMinutes(-5), "fs01", Scenario.ChainUser, "ws-fin-012", null).File = p;
        }
        return s;
    }

    private string WriteHostileReport(out string html)
    {
        var s = HostileScenario();
        var plain = s.Hunt();
        var hunt = new Hopwatch.Pipeline.HuntResult
        {
            Alerts = plain.Alerts, Diagnostics = plain.Diagnostics, EventCount = plain.EventCount, Elapsed = plain.Elapsed,
            Suppressed = s.Alerts.Take(3).Select((a, i) => (a, Payloads[i])).ToList(),
        };
        foreach (var p in Payloads) hunt.Diagnostics.Warn(p, p, p);
        ReportSet.WriteAll(_dir, hunt, s.Analyse(), new ReportOptions { Title = "Hostile report", Inputs = Payloads });
        var path = Path.Combine(_dir, "report.html");
        html = File.ReadAllText(path);
        return path;
    }

    [Fact]
    public void HostileLogTextIsEscapedInTheMarkup()
    {
        WriteHostileReport(out var html);
        // The report's own script is the only one, and no payload survives as markup.
        Assert.Single(Regex.Matches(html, "<script", RegexOptions.IgnoreCase));
        foreach (var bad in new[] { "<img", "<iframe", "<svg onload", "<details open ontoggle", "<body onload", "<a href=\"javascript", "onerror=\"", "</title><script" })
            Assert.DoesNotContain(bad, html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;document.title=&#39;XSS1&#39;&lt;/script&gt;", html);
    }

    [Fact]
    public void NoInjectedScriptRunsInChromium()
    {
        var path = WriteHostileReport(out _);
        AssertNoScriptRan(HeadlessChromium.DumpDom(path), "Hostile report");
    }

    [Fact]
    public void EscapingAloneStopsInjectionWithoutTheContentSecurityPolicy()
    {
        // The CSP is a second wall; prove the first (escaping) holds by taking the CSP away.
        var path = WriteHostileReport(out var html);
        var noCsp = Regex.Replace(html, "<meta http-equiv=\"Content-Security-Policy\"[^>]*>", "");
        Assert.NotEqual(html, noCsp);
        var bare = Path.Combine(_dir, "report-no-csp.html");
        File.WriteAllText(bare, noCsp);
        AssertNoScriptRan(HeadlessChromium.DumpDom(bare), "Hostile report");
    }

    [Fact]
    public void TheMarkerWouldBeSeenIfAScriptRan()
    {
        // Guards the two tests above against passing vacuously: an unescaped payload is detected.
        var bad = Path.Combine(_dir, "bad.html");
        File.WriteAllText(bad, "<!DOCTYPE html><html><head><title>t</title></head><body><img src=x onerror=\"document.documentElement.setAttribute('data-xss','2')\"></body></html>");
        var page = HeadlessChromium.DumpDom(bad);
        Assert.Contains("data-xss=\"2\"", Regex.Match(page.Dom, "<html[^>]*>").Value);
    }

    private static void AssertNoScriptRan(HeadlessChromium.Page page, string title)
    {
        // Payloads mark <html> itself; its start tag shows what scripts set on it.
        var htmlTag = Regex.Match(page.Dom, "<html[^>]*>").Value;
        Assert.Contains("data-report-ready=\"1\"", htmlTag); // the report's own script did run
        Assert.DoesNotContain("data-xss", htmlTag);
        var domTitle = Regex.Match(page.Dom, "<title>(.*?)</title>", RegexOptions.Singleline).Groups[1].Value;
        Assert.Equal(title, domTitle);
        Assert.DoesNotContain("<img", page.Dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", page.Dom, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("<a [^>]*xsslink", page.Dom); // as text it serialises as "&lt;a ..."
        Assert.Empty(page.ConsoleMessages);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(5000)]
    public void RendersWithoutConsoleErrorsAndStaysSmall(int incidents)
    {
        var s = SyntheticIncidents.Build(incidents);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var analysis = s.Analyse();
        var analyseTime = sw.Elapsed;
        Assert.Equal(incidents, analysis.Incidents.Count);
        ReportSet.WriteAll(_dir, s.Hunt(), analysis, new ReportOptions());
        var path = Path.Combine(_dir, "report.html");
        long size = new FileInfo(path).Length;
        Assert.True(size < 10_000_000, $"report.html is {size:N0} bytes for {incidents} incidents");
        sw.Restart();
        var page = HeadlessChromium.DumpDom(path);
        _out.WriteLine($"{incidents} incidents, {s.Alerts.Count} alerts: analysis {analyseTime.TotalMilliseconds:F0} ms, report.html {size:N0} bytes, chromium load {sw.Elapsed.TotalSeconds:F1} s");
        Assert.Empty(page.ConsoleMessages);
        Assert.Contains("data-report-ready=\"1\"", page.Dom);
        Assert.Equal(incidents, Regex.Matches(page.Dom, "<tr><td class=\"num\">\\d+</td><td class=\"num\">").Count);
    }

    [Fact]
    public void FanOutToSixtyHostsIsLaidOutInWrappedColumns()
    {
        var s = SyntheticIncidents.Build(7); // incident 0 is a 60-host fan-out
        var inc = s.Analyse().Incidents.Single(i => i.TargetHostCount == 60);
        Assert.Equal(61, inc.Graph.Nodes.Count);
        var sb = new System.Text.StringBuilder();
        SvgHopGraph.Render(sb, inc, "g", 250);
        var xs = Regex.Matches(sb.ToString(), "<rect x=\"([0-9.]+)\" y=\"([0-9.]+)\"").Select(m => (X: double.Parse(m.Groups[1].Value), Y: double.Parse(m.Groups[2].Value))).ToList();
        Assert.Equal(61, xs.Count);
        Assert.Equal(61, xs.Distinct().Count()); // no two hosts on the same spot
        Assert.True(xs.GroupBy(p => p.X).All(g => g.Count() <= 12)); // columns of at most 12
        Assert.Equal(6, xs.Select(p => p.X).Distinct().Count()); // source column + 5 columns of targets
    }

    /// <summary>Set HOPWATCH_SCREENSHOT_OUT=docs/report-screenshot.png to refresh the screenshot kept in docs/.</summary>
    [Fact]
    public void ScenarioReportScreenshot()
    {
        var s = Scenario.RdpChain();
        var b = Scenario.BackupFanOut();
        s.Alerts.AddRange(b.Alerts); s.Events.AddRange(b.Events);
        foreach (var (k, v) in b.Roles) s.Roles[k] = v;
        ReportSet.WriteAll(_dir, s.Hunt(), s.Analyse(), new ReportOptions { Title = "Hopwatch — RDP chain scenario (reference 000)", Inputs = ["scenario/*.evtx"] });
        var png = Environment.GetEnvironmentVariable("HOPWATCH_SCREENSHOT_OUT") is { Length: > 0 } o
            ? Path.GetFullPath(Path.Combine(SharedData.RepoRoot, o)) : Path.Combine(_dir, "shot.png");
        HeadlessChromium.Screenshot(Path.Combine(_dir, "report.html"), png, 1400, 2000);
        var bytes = File.ReadAllBytes(png);
        Assert.True(bytes.Length > 20_000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes.Take(4));
    }
}

/// <summary>Many independent incidents of varied shapes, for size and load tests.</summary>
internal static class SyntheticIncidents
{
    public static Scenario Build(int count)
    {
        var s = new Scenario();
        var t0 = new DateTime(2024, 7, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 0; i < count; i++)
        {
            var t = t0.AddHours(3 * i); // 3 h apart: beyond the incident window, so each is its own incident
            var user = $"user{i:0000}";
            if (i % 7 == 0)
            {
                var logons = Enumerable.Range(0, 60).Select(k => s.Logon(t.AddSeconds(5 * k), $"srv{i:0000}-{k:00}", user, $"ws{i:0000}", null, 3, "NTLM")).ToList();
                s.Alert("fan-out", "hopwatch-fan-out", "Fan-out to 60 hosts", Severity.High, ["T1021.002"], logons);
            }
            else if (i % 10 == 1)
            {
                var hosts = Enumerable.Range(0, 5).Select(k => $"h{i:0000}-{k}").ToList();
                var logons = new List<LogEvent>();
                for (int k = 1; k < hosts.Count; k++)
                {
                    var l = s.Logon(t.AddMinutes(4 * k), hosts[k], user, hosts[k - 1], null, 10);
                    logons.Add(l);
                    s.Alert("sigma", "rdp", "RDP logon", Severity.Medium, ["T1021.001"], [l]);
                }
                s.Alert("rdp-chain", "hopwatch-rdp-chain", "RDP chain", Severity.Critical, ["T1021.001"], logons,
                    new Dictionary<string, object?> { ["path"] = hosts, ["hops"] = hosts.Count - 1 });
            }
            else
            {
                var a = s.Logon(t, $"srv{i:0000}", user, $"ws{i:0000}", $"10.{i / 250 % 250}.{i % 250}.7", i % 2 == 0 ? 3 : 10);
                var b = s.Logon(t.AddMinutes(7), $"srv{i:0000}b", user, $"ws{i:0000}", null, 3);
                s.Alert("sigma", "net-logon", "Remote logon", i % 3 == 0 ? Severity.Low : Severity.Medium, [i % 2 == 0 ? "T1021.002" : "T1021.001"], [a]);
                s.Alert("rare-path", "hopwatch-rare-path", "First logon on this host", Severity.Medium, ["T1021"], [b]);
            }
        }
        return s;
    }
}
