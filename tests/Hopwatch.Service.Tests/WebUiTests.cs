using System.Net;
using Hopwatch.Service.Tests.Support;
using Microsoft.Playwright;

namespace Hopwatch.Service.Tests;

/// <summary>
/// The web UI in Debian's chromium driven by Playwright (nothing downloaded: the driver ships in
/// the NuGet package, the browser is /usr/bin/chromium from scripts/deps.sh).
/// </summary>
public class WebUiTests
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly DateTime T0 = new(2024, 9, 2, 9, 0, 0, DateTimeKind.Utc);
    // Attacker-controlled text in a log field: must show as text, never run.
    private const string HostileUser = "<img src=x onerror=window.__pwned=1>";

    private static async Task<RunningService> StartWithIncidents()
    {
        var s = await RunningService.Start();
        var lines = new List<string>
        {
            // alice hops ws1 -> srv1 -> srv2 (RDP), one incident with a chain
            TestData.Logon(1, "srv1.corp.local", "alice", 10, "10.0.0.11", T0),
            TestData.Logon(2, "srv2.corp.local", "alice", 10, "10.0.0.21", T0.AddMinutes(4)),
            TestData.Logon(3, "db1.corp.local", "bob", 10, "10.0.0.31", T0.AddMinutes(10)),
            TestData.Logon(4, "web1.corp.local", HostileUser, 10, "10.0.0.41", T0.AddMinutes(12)),
        };
        Assert.Equal(HttpStatusCode.OK, (await s.PostLines(lines)).StatusCode);
        await s.WaitProcessed();
        return s;
    }

    private static async Task<(IPlaywright, IBrowser, IPage)> Browser()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} missing: run scripts/deps.sh");
        var pw = await Playwright.CreateAsync();
        var browser = await pw.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
        // The test harness evaluates its own scripts; the page's CSP would forbid that. Escaping is
        // what keeps hostile text inert here, CSP is the second line (checked separately below).
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { BypassCSP = true });
        page.SetDefaultTimeout(15000);
        return (pw, browser, page);
    }

    private static async Task SignIn(IPage page, RunningService s)
    {
        await page.GotoAsync(s.Service.BaseAddress!.ToString());
        await page.FillAsync("#token", RunningService.Token);
        await page.ClickAsync("#login-form button[type=submit]");
        await page.WaitForSelectorAsync("#incidents tbody tr.incident-row");
    }

    [Fact]
    public async Task Load_filter_open_an_incident_see_the_graph_and_acknowledge()
    {
        await using var s = await StartWithIncidents();
        var (pw, browser, page) = await Browser();
        using var _ = pw;
        await using var __ = browser;

        await SignIn(page, s);
        Assert.Equal(3, await page.Locator("#incidents tr.incident-row").CountAsync());

        // Filter by user.
        await page.FillAsync("#incident-filters input[name=user]", "alice");
        await page.ClickAsync("#incident-filters button[type=submit]");
        await page.WaitForFunctionAsync("document.querySelectorAll('#incidents tr.incident-row').length === 1");
        var row = page.Locator("#incidents tr.incident-row");
        Assert.Contains("alice", await row.InnerTextAsync());

        // Open it: graph with the hop's hosts, timeline with both logons, triage answers.
        await row.Locator("a").ClickAsync();
        await page.WaitForSelectorAsync("#graph g.node");
        var nodes = await page.Locator("#graph g.node").EvaluateAllAsync<string[]>("ns => ns.map(n => n.getAttribute('data-node'))");
        Assert.Contains("srv1.corp.local", nodes);
        Assert.Contains("srv2.corp.local", nodes);
        Assert.True(await page.Locator("#graph g.edge line").CountAsync() >= 2);
        Assert.Equal(2, await page.Locator("#timeline tbody tr").CountAsync());
        Assert.Contains("Which hosts were reached?", await page.Locator("#triage").InnerTextAsync());

        // Acknowledge with a comment.
        await page.FillAsync("#comment", "checked with alice's manager");
        await page.ClickAsync("#ack");
        await page.WaitForFunctionAsync("document.querySelector('#incident-status')?.textContent === 'acknowledged'");
        Assert.Contains("checked with alice's manager", await page.Locator("#history").InnerTextAsync());
        var stored = await s.GetJson("/api/v1/incidents?user=alice");
        Assert.Equal("acknowledged", (string?)stored[0]!["status"]);
    }

    [Fact]
    public async Task Log_text_is_shown_escaped_and_new_alerts_arrive_live()
    {
        await using var s = await StartWithIncidents();
        var (pw, browser, page) = await Browser();
        using var _ = pw;
        await using var __ = browser;
        await SignIn(page, s);

        var text = await page.Locator("#incidents").InnerTextAsync();
        Assert.Contains(HostileUser, text);
        Assert.Equal(0, await page.Locator("#incidents img").CountAsync());
        Assert.Null(await page.EvaluateAsync<int?>("window.__pwned ?? null"));

        // Live: a new incident appears without reloading.
        await page.WaitForFunctionAsync("document.getElementById('live').textContent === 'live'");
        Assert.Equal(HttpStatusCode.OK, (await s.PostLines([TestData.Logon(9, "fs9.corp.local", "carol", 10, "10.0.0.99", T0.AddMinutes(30))])).StatusCode);
        await page.WaitForFunctionAsync("document.querySelectorAll('#incidents tr.incident-row').length === 4", null, new() { Timeout = 15000 });
        Assert.Contains("carol", await page.Locator("#incidents").InnerTextAsync());
    }

    [Fact]
    public async Task Pages_carry_a_strict_content_security_policy_and_no_external_resources()
    {
        await using var s = await RunningService.Start();
        using var anon = new HttpClient { BaseAddress = s.Service.BaseAddress };
        var r = await anon.GetAsync("/");
        Assert.Contains("script-src 'self'", r.Headers.GetValues("Content-Security-Policy").Single());
        foreach (var asset in new[] { "/", "/ui/app.js", "/ui/app.css" })
        {
            // The SVG namespace is a name, not a fetch.
            var body = (await anon.GetStringAsync(asset)).Replace("http://www.w3.org/2000/svg", "");
            Assert.DoesNotContain("http://", body);
            Assert.DoesNotContain("https://", body);
        }
        var js = await anon.GetStringAsync("/ui/app.js");
        Assert.DoesNotContain("innerHTML", js);
        Assert.DoesNotContain("insertAdjacentHTML", js);
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync("/ui/..%2Fopenapi.json")).StatusCode);
    }
}
