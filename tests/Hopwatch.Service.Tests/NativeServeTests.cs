using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hopwatch.Service.Tests.Support;

namespace Hopwatch.Service.Tests;

/// <summary>
/// `hopwatch serve` from the native (AOT) build — web server, SQLite, JSON stored and read back, web UI —
/// against the JIT build on the same events: the same alerts and incidents come out.
/// </summary>
public class NativeServeTests
{
    private const string Token = "kill-test-token-0123456789";

    private static string? NativeBinary()
    {
#if DEBUG
        return null;
#else
        if (OperatingSystem.IsWindows() || !File.Exists("/usr/bin/clang")) return null; // the build made no native binary
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hopwatch.slnx"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var bin = Path.Combine(dir.FullName, "src", "Hopwatch.Cli", "bin", "Release", "net10.0", "hopwatch");
        Assert.True(File.Exists(bin) && new FileInfo(bin).Length > 5_000_000, bin + " is not a native build");
        return bin;
#endif
    }

    [Fact]
    public async Task NativeServeGivesTheAlertsAndIncidentsOfTheJitBuild()
    {
        var native = NativeBinary();
        if (native is null) return;
        var t0 = new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        // RDP logons (type 10) raise alerts; network logons (type 3) from the same sources give context.
        var body = string.Join("\n", Enumerable.Range(0, 300).Select(n =>
            TestData.Logon(n, $"host{n % 40}.corp.local", "user" + (n % 6), n % 5 == 0 ? 10 : 3, "10.2.0." + (n % 9 + 1), t0.AddSeconds(n * 7))));
        var fromJit = await Collect(null, body);
        var fromNative = await Collect(native, body);
        Assert.True(fromJit.Alerts.Count >= 20, $"only {fromJit.Alerts.Count} alerts");
        Assert.True(fromJit.Incidents.Count > 0);
        Assert.Equal(fromJit.Alerts, fromNative.Alerts);
        Assert.Equal(fromJit.Incidents, fromNative.Incidents);
        Assert.Contains("<title>Hopwatch</title>", fromNative.Ui);
        Assert.Contains("\"openapi\"", fromNative.OpenApi);
    }

    private static async Task<(List<string> Alerts, List<string> Incidents, string Ui, string OpenApi)> Collect(string? executable, string body)
    {
        var state = TestData.TempDir("native-serve");
        var (proc, baseUri) = await KillRestartTests.StartServeWith(executable, state);
        try
        {
            using var client = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            var r = await client.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
            Assert.True(r.IsSuccessStatusCode, await r.Content.ReadAsStringAsync());
            for (var until = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < until; await Task.Delay(50))
            {
                var health = JsonNode.Parse(await client.GetStringAsync("/health"))!;
                if ((long)health["events_processed"]! == 300 && (long)health["queue_depth"]! == 0 && (int)health["incidents_unscored"]! == 0) break;
            }
            var alerts = JsonNode.Parse(await client.GetStringAsync("/api/v1/alerts?limit=1000"))!.AsArray()
                .Select(a => $"{a!["rule_id"]} {a["severity"]} {a["time_first"]} {a["entities"]!.ToJsonString()} {a["description"]}")
                .Order(StringComparer.Ordinal).ToList();
            var incidents = JsonNode.Parse(await client.GetStringAsync("/api/v1/incidents?limit=1000"))!.AsArray()
                .Select(i => $"{i!["title"]} {i["verdict"]} {i["score"]} {i["alert_count"]}")
                .Order(StringComparer.Ordinal).ToList();
            var ui = await client.GetStringAsync("/");
            var openApi = await client.GetStringAsync("/openapi.json");
            return (alerts, incidents, ui, openApi);
        }
        finally
        {
            proc.Kill(entireProcessTree: true);
            await proc.WaitForExitAsync();
        }
    }
}
