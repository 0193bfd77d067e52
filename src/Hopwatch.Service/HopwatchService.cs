using System.Net;
using System.Security.Cryptography.X509Certificates;
using Hopwatch.Pipeline;
using Hopwatch.Service.Api;
using Hopwatch.Service.Metrics;
using Hopwatch.Service.Parsing;
using Hopwatch.Service.Processing;
using Hopwatch.Service.Spool;
using Hopwatch.Service.Store;
using Hopwatch.Service.Syslog;
using Hopwatch.Service.Tail;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Hopwatch.Service;

/// <summary>
/// `hopwatch serve` as a library: the spool, the SQLite store, the processing thread, the HTTP
/// listener (API + UI) and the optional syslog and tail inputs, started and stopped together.
/// </summary>
public sealed class HopwatchService : IAsyncDisposable
{
    private WebApplication? _app;
    private SyslogTcpListener? _syslogTcp;
    private SyslogUdpListener? _syslogUdp;
    private readonly List<DirectoryTailer> _tailers = new();
    private Timer? _retention;

    public ServiceOptions Options { get; }
    public SpoolWriter Spool { get; }
    public ServiceStore Store { get; }
    public SpoolProcessor Processor { get; }
    public ServiceMetrics Metrics { get; } = new();
    public LiveFeed Feed { get; } = new();
    public TokenAuthenticator Authenticator { get; }
    /// <summary>One of the parsers in use (its name tells which reader the service uses).</summary>
    public IEventParser Parser { get; }
    public IReadOnlyList<IDetector> Detectors { get; }

    /// <summary>The HTTP(S) address actually listened on (the real port when 0 was asked for).</summary>
    public Uri? BaseAddress { get; private set; }
    public IPEndPoint? SyslogTcpEndPoint => _syslogTcp?.EndPoint;
    public IPEndPoint? SyslogUdpEndPoint => _syslogUdp?.EndPoint;

    /// <param name="detectors">The detection stage: Sigma, analytics, ... run over every event in spool order.</param>
    /// <param name="parserFactory">Makes the parsers that turn spooled lines into events (one per processing thread); default: the read stage when it can, else the service's own.</param>
    /// <param name="analyzer">Incident scoring and triage; default <see cref="BasicIncidentAnalyzer"/>.</param>
    public HopwatchService(ServiceOptions options, IReadOnlyList<IDetector> detectors, Func<IEventParser>? parserFactory = null, IIncidentAnalyzer? analyzer = null)
    {
        var problems = options.Validate();
        if (problems.Count > 0) throw new ServiceConfigurationException(string.Join("; ", problems));
        Options = options;
        Detectors = detectors;
        parserFactory ??= EvidenceReaderEventParser.BestFactory();
        Parser = parserFactory();
        Directory.CreateDirectory(options.StateDir);
        var policy = options.SpoolFsync switch { "interval" => FsyncPolicy.Interval, "never" => FsyncPolicy.Never, _ => FsyncPolicy.Always };
        Spool = new SpoolWriter(Path.Combine(options.StateDir, "spool"), options.SpoolSegmentBytes, policy, options.SpoolFsyncIntervalMs);
        if (Spool.TruncatedBytesAtOpen > 0)
            Console.Error.WriteLine($"hopwatch serve: cut {Spool.TruncatedBytesAtOpen} bytes of a torn record off the spool's end (never acknowledged to a client)");
        Store = new ServiceStore(Path.Combine(options.StateDir, "hopwatch.db"), TimeSpan.FromMinutes(options.IncidentWindowMinutes));
        foreach (var (k, v) in Store.AlertCountsByAnalytic()) Metrics.AlertsByAnalytic[k] = v;
        Authenticator = new TokenAuthenticator(options.Tokens, options.InsecureNoAuth);
        Processor = new SpoolProcessor(Spool, Store, parserFactory, detectors, analyzer ?? new BasicIncidentAnalyzer(), Metrics, Feed)
        {
            WarmupSegments = options.WarmupSegments,
        };
        Metrics.Progress = () => (Spool.NextSeq - 1, Processor.ProcessedSeq, Processor.LagSeconds);
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        Processor.Start();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Hopwatch.Service", ContentRootPath = Options.StateDir });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var endPoint = ServiceOptions.ParseEndPoint(Options.Listen);
        var cert = LoadCertificate();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = Options.MaxBodyBytes;
            k.Listen(endPoint, lo => { if (cert is not null) lo.UseHttps(cert); });
        });
        _app = builder.Build();
        ApiEndpoints.Map(_app, this);
        await _app.StartAsync(ct);
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "localhost").Replace("0.0.0.0", "127.0.0.1"));

        if (Options.SyslogTcp is not null)
        {
            _syslogTcp = new SyslogTcpListener(ServiceOptions.ParseEndPoint(Options.SyslogTcp), this);
            _syslogTcp.Start();
        }
        if (Options.SyslogUdp is not null)
        {
            _syslogUdp = new SyslogUdpListener(ServiceOptions.ParseEndPoint(Options.SyslogUdp), this);
            _syslogUdp.Start();
        }
        foreach (var dir in Options.TailDirectories)
        {
            var t = new DirectoryTailer(dir, this);
            t.Start();
            _tailers.Add(t);
        }
        _retention = new Timer(_ => ApplyRetention(), null, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
    }

    /// <summary>Deletes processed spool segments and old alerts as the retention settings say.</summary>
    public void ApplyRetention()
    {
        try
        {
            var (pos, _) = Store.ReadCheckpoint();
            Spool.DeleteProcessedSegments(pos.Segment, DateTime.UtcNow.AddHours(-Options.SpoolRetentionHours));
            if (Options.AlertRetentionDays > 0) Store.ApplyAlertRetention(DateTime.UtcNow.AddDays(-Options.AlertRetentionDays));
        }
        catch (Exception e) when (e is IOException or Microsoft.Data.Sqlite.SqliteException)
        {
            Console.Error.WriteLine("hopwatch serve: retention failed: " + e.Message);
        }
    }

    private X509Certificate2? LoadCertificate()
    {
        if (Options.TlsCertPath is null) return null;
        var text = File.ReadAllText(Options.TlsCertPath);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            var pem = X509Certificate2.CreateFromPemFile(Options.TlsCertPath, Options.TlsKeyPath ?? Options.TlsCertPath);
            // Kestrel on Linux wants the key in an exportable PKCS#12 form.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pfx), null);
        }
        return X509CertificateLoader.LoadPkcs12FromFile(Options.TlsCertPath, Options.TlsPassword);
    }

    /// <summary>Stops inputs first, then lets processing finish what is spooled, then closes the store.</summary>
    public async Task StopAsync()
    {
        _retention?.Dispose();
        _syslogTcp?.Dispose();
        _syslogUdp?.Dispose();
        foreach (var t in _tailers) t.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
        Processor.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Processor.Dispose();
        Spool.Dispose();
        Store.Dispose();
    }
}

/// <summary>The service cannot start with these settings (message says why).</summary>
public sealed class ServiceConfigurationException(string message) : Exception(message);
