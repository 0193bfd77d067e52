using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Hopwatch.Pipeline;
using Hopwatch.Service.Detection;

namespace Hopwatch.Service.Tests.Support;

/// <summary>An in-process service on a free loopback port with one token, and an HTTP client for it.</summary>
public sealed class RunningService : IAsyncDisposable
{
    public const string Token = "test-token-0123456789abcdef";
    public HopwatchService Service { get; }
    public HttpClient Client { get; }
    public string StateDir { get; }

    private RunningService(HopwatchService service, string stateDir)
    {
        Service = service;
        StateDir = stateDir;
        Client = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public static async Task<RunningService> Start(Action<ServiceOptions>? configure = null, IReadOnlyList<IDetector>? detectors = null, string? stateDir = null)
    {
        stateDir ??= TestData.TempDir("serve");
        var options = new ServiceOptions
        {
            StateDir = stateDir,
            Listen = "127.0.0.1:0",
            Tokens = { new ApiToken { Name = "analyst", Token = Token } },
        };
        configure?.Invoke(options);
        var service = new HopwatchService(options, detectors ?? [new RdpLogonDetector()]);
        await service.StartAsync();
        return new RunningService(service, stateDir);
    }

    public Task<HttpResponseMessage> PostLines(IEnumerable<string> lines, string contentType = "application/x-ndjson") =>
        Client.PostAsync("/api/v1/events", new StringContent(string.Join("\n", lines), Encoding.UTF8, contentType));

    public async Task<JsonNode> GetJson(string path)
    {
        var r = await Client.GetAsync(path);
        r.EnsureSuccessStatusCode();
        return JsonNode.Parse(await r.Content.ReadAsStringAsync())!;
    }

    /// <summary>Waits until every accepted event is processed and the incidents it touched are scored (bounded).</summary>
    public async Task WaitProcessed(TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < until)
        {
            if (Service.Processor.ProcessedSeq >= Service.Spool.NextSeq - 1 && Service.Processor.UnscoredIncidents == 0) return;
            await Task.Delay(20);
        }
        throw new TimeoutException($"processed {Service.Processor.ProcessedSeq} of {Service.Spool.NextSeq - 1}");
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Service.DisposeAsync();
    }
}
