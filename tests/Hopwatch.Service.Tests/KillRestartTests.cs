using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hopwatch.Service.Tests.Support;
using Xunit.Abstractions;

namespace Hopwatch.Service.Tests;

/// <summary>
/// Runs the real `hopwatch serve` process, posts batches while it works, kills it with SIGKILL,
/// restarts it on the same state directory and checks that every acknowledged event was processed
/// and every expected alert exists exactly once.
/// </summary>
public class KillRestartTests(ITestOutputHelper output)
{
    private const string Token = "kill-test-token-0123456789";

    [Fact]
    public async Task Kill_9_then_restart_loses_no_accepted_event_and_duplicates_no_alert()
    {
        var state = TestData.TempDir("kill9");
        var t0 = new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        const int Batches = 40, PerBatch = 500, AlertEvery = 10;
        // Batch b, event i: a unique target host; every 10th is an RDP logon (an alert), the rest network logons.
        string Event(int b, int i)
        {
            int n = b * PerBatch + i;
            return TestData.Logon(n, $"host{n}.corp.local", "user" + (n % 50), i % AlertEvery == 0 ? 10 : 3, "10.2." + (n % 250) + "." + (n % 200 + 1), t0.AddSeconds(n));
        }

        var (proc, baseUri) = await StartServe(state);
        var acknowledged = new List<int>();
        using (var client = Client(baseUri))
        {
            var posting = Task.Run(async () =>
            {
                for (int b = 0; b < Batches; b++)
                {
                    var body = string.Join("\n", Enumerable.Range(0, PerBatch).Select(i => Event(b, i)));
                    try
                    {
                        var r = await client.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/x-ndjson"));
                        if (r.IsSuccessStatusCode) lock (acknowledged) acknowledged.Add(b);
                    }
                    catch (HttpRequestException) { return b; }
                    catch (TaskCanceledException) { return b; }
                }
                return Batches;
            });
            // Kill while posting is under way and processing is behind.
            while (true)
            {
                lock (acknowledged) if (acknowledged.Count >= Batches / 2) break;
                if (posting.IsCompleted) break;
                await Task.Delay(5);
            }
            var health = JsonNode.Parse(await client.GetStringAsync("/health"))!;
            output.WriteLine($"before kill: {health.ToJsonString()}");
            proc.Kill(entireProcessTree: true); // SIGKILL
            await proc.WaitForExitAsync();
            int stoppedAt = await posting;
            output.WriteLine($"killed; {acknowledged.Count} batches acknowledged, posting stopped at batch {stoppedAt}");
        }

        var (proc2, baseUri2) = await StartServe(state);
        try
        {
            using var client = Client(baseUri2);
            JsonNode health = null!;
            for (var until = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < until;)
            {
                health = JsonNode.Parse(await client.GetStringAsync("/health"))!;
                if ((long)health["queue_depth"]! == 0) break;
                await Task.Delay(50);
            }
            output.WriteLine($"after restart: {health.ToJsonString()}");
            long accepted = (long)health["events_accepted"]!;
            Assert.True(accepted >= acknowledged.Count * PerBatch, $"spool holds {accepted} events, {acknowledged.Count * PerBatch} were acknowledged");
            Assert.Equal(0, accepted % PerBatch); // whole batches only: a torn one was cut off
            Assert.Equal(accepted, (long)health["events_processed"]!);

            // Every acknowledged batch's alerts, once each; a batch spooled but not acknowledged before the kill may add its own.
            var alerts = new List<JsonNode>();
            for (int offset = 0; ; offset += 1000)
            {
                var page = JsonNode.Parse(await client.GetStringAsync($"/api/v1/alerts?limit=1000&offset={offset}"))!.AsArray();
                alerts.AddRange(page.Select(a => a!));
                if (page.Count < 1000) break;
            }
            var byHost = alerts.GroupBy(a => (string)a["entities"]!["target_hosts"]![0]!).ToDictionary(g => g.Key, g => g.Count());
            Assert.All(byHost, kv => Assert.Equal(1, kv.Value));
            foreach (int b in acknowledged)
                for (int i = 0; i < PerBatch; i += AlertEvery)
                    Assert.True(byHost.ContainsKey($"host{b * PerBatch + i}.corp.local"), $"alert for batch {b} event {i} missing");
            Assert.Equal(accepted / AlertEvery, alerts.Count);
            output.WriteLine($"{alerts.Count} alerts, {accepted} events after restart");
        }
        finally
        {
            proc2.Kill(entireProcessTree: true);
            await proc2.WaitForExitAsync();
        }
    }

    private static HttpClient Client(Uri baseUri)
    {
        var c = new HttpClient { BaseAddress = baseUri, Timeout = TimeSpan.FromSeconds(60) };
        c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return c;
    }

    /// <summary>Starts `hopwatch serve` (the CLI built beside the tests) and waits for its listening line.</summary>
    internal static Task<(Process, Uri)> StartServe(string state, params string[] extra) => StartServeWith(null, state, extra);

    /// <summary>As <see cref="StartServe"/>, with <paramref name="executable"/> (a native build) instead of `dotnet hopwatch.dll` when given.</summary>
    internal static async Task<(Process, Uri)> StartServeWith(string? executable, string state, params string[] extra)
    {
        var psi = new ProcessStartInfo(executable ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (executable is null) psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hopwatch.dll"));
        foreach (var a in new[] { "serve", "--state", state, "--listen", "127.0.0.1:0" }.Concat(extra)) psi.ArgumentList.Add(a);
        psi.Environment["HOPWATCH_TOKENS"] = "kill-test:" + Token;
        var p = Process.Start(psi)!;
        var stderr = new StringBuilder();
        p.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        p.BeginErrorReadLine();
        var readLine = Task.Run(async () =>
        {
            string? line;
            while ((line = await p.StandardOutput.ReadLineAsync()) is not null)
            {
                int i = line.IndexOf("listening on ", StringComparison.Ordinal);
                if (i >= 0) return new Uri(line[(i + 13)..].Split(' ')[0]);
            }
            return null;
        });
        if (await Task.WhenAny(readLine, Task.Delay(TimeSpan.FromSeconds(30))) != readLine || readLine.Result is null)
        {
            try { p.Kill(true); } catch (InvalidOperationException) { }
            lock (stderr) throw new InvalidOperationException("hopwatch serve did not start: " + stderr);
        }
        // Keep draining stdout so the child never blocks on a full pipe.
        _ = Task.Run(async () => { while (await p.StandardOutput.ReadLineAsync() is not null) { } });
        return (p, readLine.Result!);
    }
}
