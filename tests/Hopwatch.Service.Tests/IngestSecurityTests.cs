using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hopwatch.Service.Tests.Support;

namespace Hopwatch.Service.Tests;

/// <summary>The ingest endpoint's refusals: authentication, size, malformed input, full queue.</summary>
public class IngestSecurityTests
{
    private static StringContent Body(string s) => new(s, Encoding.UTF8, "application/x-ndjson");
    private static readonly string OneEvent = TestData.Logon(1, "srv1.corp.local", "alice", 10, "10.0.0.9", new DateTime(2024, 3, 1, 10, 0, 0, DateTimeKind.Utc));

    [Fact]
    public async Task No_token_and_wrong_token_get_401_and_nothing_is_stored()
    {
        await using var s = await RunningService.Start();
        using var anon = new HttpClient { BaseAddress = s.Service.BaseAddress };
        var r1 = await anon.PostAsync("/api/v1/events", Body(OneEvent));
        Assert.Equal(HttpStatusCode.Unauthorized, r1.StatusCode);
        Assert.Contains("Bearer", r1.Headers.WwwAuthenticate.ToString());

        anon.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RunningService.Token + "x");
        var r2 = await anon.PostAsync("/api/v1/events", Body(OneEvent));
        Assert.Equal(HttpStatusCode.Unauthorized, r2.StatusCode);
        // The read API is guarded the same way.
        Assert.Equal(HttpStatusCode.Unauthorized, (await anon.GetAsync("/api/v1/alerts")).StatusCode);

        Assert.Equal(1, s.Service.Spool.NextSeq);
        var ok = await s.Client.PostAsync("/api/v1/events", Body(OneEvent));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(2, s.Service.Spool.NextSeq);
    }

    [Fact]
    public async Task Oversized_bodies_get_413_plain_or_gzipped()
    {
        await using var s = await RunningService.Start(o => o.MaxBodyBytes = 64 * 1024);
        var big = string.Join("\n", Enumerable.Range(0, 400).Select(i => TestData.Logon(i, "h", "u", 3, "10.0.0.1", DateTime.UnixEpoch)));
        Assert.True(big.Length > 64 * 1024);
        var r = await s.Client.PostAsync("/api/v1/events", Body(big));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, r.StatusCode);

        // Small on the wire, too big once inflated: refused as well (no zip bombs).
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(Encoding.UTF8.GetBytes(big));
        Assert.True(ms.Length < 64 * 1024);
        var content = new ByteArrayContent(ms.ToArray());
        content.Headers.ContentEncoding.Add("gzip");
        using var s2 = new HttpClient { BaseAddress = s.Service.BaseAddress };
        s2.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", RunningService.Token);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await s2.PostAsync("/api/v1/events", content)).StatusCode);
        Assert.Equal(1, s.Service.Spool.NextSeq);
    }

    [Fact]
    public async Task Malformed_json_gets_400_with_the_line_number_and_the_whole_batch_is_refused()
    {
        await using var s = await RunningService.Start();
        var lines = Enumerable.Range(1, 5).Select(i => TestData.Logon(i, "srv1", "alice", 10, "10.0.0.9", DateTime.UnixEpoch.AddHours(i))).ToList();
        lines[3] = lines[3][..40]; // line 4 cut in the middle
        var r = await s.PostLines(lines);
        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        var body = JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
        Assert.Equal(4, (int)body["line"]!);
        Assert.Equal(0, (int)body["accepted"]!);
        Assert.False(string.IsNullOrEmpty((string?)body["error"]));
        // Documented behaviour: nothing of a refused batch is stored, not even its good lines.
        Assert.Equal(1, s.Service.Spool.NextSeq);
        await Task.Delay(200);
        Assert.Empty((await s.GetJson("/api/v1/alerts")).AsArray());
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_retry_after()
    {
        var gate = new BlockingDetector();
        await using var s = await RunningService.Start(o => o.QueueCapacityEvents = 10, [gate]);
        var batch = Enumerable.Range(1, 8).Select(i => TestData.Logon(i, "h", "u", 3, "10.0.0.1", DateTime.UnixEpoch)).ToList();
        Assert.Equal(HttpStatusCode.OK, (await s.PostLines(batch)).StatusCode);
        Assert.True(gate.Entered.Wait(TimeSpan.FromSeconds(10)), "processing should have started");
        var r = await s.PostLines(batch);
        Assert.Equal((HttpStatusCode)429, r.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), r.Headers.RetryAfter?.Delta);
        gate.Release.Set();
        await s.WaitProcessed();
        Assert.Equal(HttpStatusCode.OK, (await s.PostLines(batch)).StatusCode);
    }

    [Fact]
    public void Refuses_to_start_without_tokens_unless_told_to()
    {
        var dir = TestData.TempDir("noauth");
        var e = Assert.Throws<ServiceConfigurationException>(() => new HopwatchService(new ServiceOptions { StateDir = dir }, []));
        Assert.Contains("--insecure-no-auth", e.Message);
        Assert.Throws<ServiceConfigurationException>(() => new HopwatchService(
            new ServiceOptions { StateDir = dir, Tokens = { new ApiToken { Name = "short", Token = "abc" } } }, []));
    }

    [Fact]
    public void Tokens_come_from_the_environment_variable_with_optional_names()
    {
        var t = ServiceOptions.TokensFromEnvironment("soc:aaaaaaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbbbbbb").ToList();
        Assert.Equal(2, t.Count);
        Assert.Equal(("soc", "aaaaaaaaaaaaaaaaaaaa"), (t[0].Name, t[0].Token));
        Assert.Equal("bbbbbbbbbbbbbbbbbbbb", t[1].Token);
    }
}

/// <summary>Holds the processing thread on the first event until released (to fill the queue).</summary>
internal sealed class BlockingDetector : Hopwatch.Pipeline.IDetector
{
    public readonly ManualResetEventSlim Entered = new();
    public readonly ManualResetEventSlim Release = new();
    public string Name => "blocking";
    public void Process(Hopwatch.Events.LogEvent e, Action<Hopwatch.Events.Alert> emit)
    {
        Entered.Set();
        Release.Wait(TimeSpan.FromSeconds(30));
    }
    public void Complete(Action<Hopwatch.Events.Alert> emit) { }
}
