using System.Runtime.InteropServices;
using Hopwatch.Service;
using Hopwatch.Service.Detection;

namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch serve`: continuous detection with an HTTP/syslog/tail ingest, a REST API and a web UI.</summary>
public sealed class ServeCommand : ICliCommand
{
    public string Name => "serve";
    public string Summary => "run continuously: ingest events, detect, serve the API and web UI";
    public string Usage => """
        usage: hopwatch serve --state DIR [--listen HOST:PORT] [--config FILE] [--insecure-no-auth]
                              [--tls-cert FILE [--tls-key FILE]] [--syslog-tcp HOST:PORT] [--syslog-udp HOST:PORT]
                              [--tail DIR]... [--sigma DIR]... [--placeholders FILE]
                              [--analytics-config FILE] [--assets FILE] [--no-analytics]

        Accepts events over HTTP (POST /api/v1/events, JSON lines or array, gzip), syslog and tailed
        files, spools them durably under DIR, runs detection and keeps alerts and incidents in
        DIR/hopwatch.db. Web UI at http://HOST:PORT/, API under /api/v1 (bearer token), /metrics,
        /health, /openapi.json.

          --state DIR          where the spool and database live (created if missing)
          --listen HOST:PORT   HTTP listener (default 127.0.0.1:8765; port 0 picks a free one)
          --config FILE        JSON settings (tokens, limits, fsync policy, retention; see docs/service.md)
          --insecure-no-auth   run without API tokens (refused otherwise when none are configured)
          --tls-cert FILE      serve HTTPS with this certificate (PFX, or PEM with --tls-key)
          --syslog-tcp / --syslog-udp HOST:PORT   syslog listeners (off by default)
          --tail DIR           follow the files of DIR as they grow (repeatable)
          --sigma DIR          Sigma rule directory or file (repeatable)
          --placeholders FILE  values for Sigma placeholders, YAML
          --analytics-config FILE  analytics thresholds and allowlists (default: built in)
          --assets FILE        asset inventory CSV: host,ip,role,owner,department
          --no-analytics       run Sigma rules and the built-in remote-logon detector only

        Tokens: config "tokens": [{"name": "...", "token": "..."}] or HOPWATCH_TOKENS=name:token,...
        Stops cleanly on SIGINT/SIGTERM (finishes processing what is spooled).
        """;

    public int Run(string[] args) => ServeExecutable.InProcess ? RunHere(args) : ServeExecutable.Run(args);

    /// <summary>The service in this process: the web stack is only compiled into executables whose <see cref="ServeExecutable.InProcess"/> holds.</summary>
    private static int RunHere(string[] args)
    {
        var a = CliArgs.Parse(args, "--insecure-no-auth", "--no-analytics");
        string? config = a.Option("--config");
        ServiceOptions options;
        try
        {
            options = config is null ? new ServiceOptions() : ServiceOptions.LoadFile(config);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException or InvalidDataException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"hopwatch serve: cannot read {config}: {e.Message}");
            return 2;
        }
        options.StateDir = a.Option("--state") ?? options.StateDir;
        options.Listen = a.Option("--listen") ?? options.Listen;
        options.InsecureNoAuth |= a.Flag("--insecure-no-auth");
        options.TlsCertPath = a.Option("--tls-cert") ?? options.TlsCertPath;
        options.TlsKeyPath = a.Option("--tls-key") ?? options.TlsKeyPath;
        options.SyslogTcp = a.Option("--syslog-tcp") ?? options.SyslogTcp;
        options.SyslogUdp = a.Option("--syslog-udp") ?? options.SyslogUdp;
        options.TailDirectories.AddRange(a.Options("--tail"));
        options.SigmaDirectories.AddRange(a.Options("--sigma"));
        options.SigmaPlaceholdersPath = a.Option("--placeholders") ?? options.SigmaPlaceholdersPath;
        options.AnalyticsConfigPath = a.Option("--analytics-config") ?? options.AnalyticsConfigPath;
        options.AssetsPath = a.Option("--assets") ?? options.AssetsPath;
        if (a.Flag("--no-analytics")) options.Analytics = false;
        a.RejectUnknown();
        if (a.Positionals.Count > 0) throw new CliUsageException("unexpected argument(s): " + string.Join(" ", a.Positionals));
        options.Tokens.AddRange(ServiceOptions.TokensFromEnvironment(Environment.GetEnvironmentVariable("HOPWATCH_TOKENS")));
        if (string.IsNullOrWhiteSpace(options.StateDir)) throw new CliUsageException("--state DIR is required");

        var problems = options.Validate();
        if (problems.Count > 0)
        {
            Console.Error.WriteLine("hopwatch serve: " + string.Join("; ", problems));
            return 2;
        }
        ServiceDetectors stages;
        HopwatchService service;
        try
        {
            Directory.CreateDirectory(options.StateDir);
            stages = ServiceDetectors.Create(options);
        }
        catch (ServiceConfigurationException e)
        {
            Console.Error.WriteLine("hopwatch serve: " + e.Message);
            return 2;
        }
        using (stages)
        {
            foreach (var w in stages.Warnings.Take(20)) Console.Error.WriteLine("hopwatch serve: warning: " + w);
            if (stages.Warnings.Count > 20) Console.Error.WriteLine($"hopwatch serve: {stages.Warnings.Count - 20} more rule warnings (see `hopwatch rules validate`)");
            service = new HopwatchService(options, stages.Detectors, analyzer: stages.Analyzer);
            return RunUntilStopped(service, options).GetAwaiter().GetResult();
        }
    }

    private static async Task<int> RunUntilStopped(HopwatchService service, ServiceOptions options)
    {
        var stop = new TaskCompletionSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.TrySetResult(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.TrySetResult(); });
        try
        {
            await service.StartAsync();
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine("hopwatch serve: cannot start: " + e.Message);
            await service.DisposeAsync();
            return 1;
        }
        Console.Out.WriteLine($"hopwatch serve: listening on {service.BaseAddress} (state {Path.GetFullPath(options.StateDir)}, parser {service.Parser.Name}, detectors {string.Join(",", service.Detectors.Select(d => d.Name))}{(options.InsecureNoAuth ? ", NO AUTHENTICATION" : "")})");
        if (service.SyslogTcpEndPoint is { } t) Console.Out.WriteLine($"hopwatch serve: syslog tcp on {t}");
        if (service.SyslogUdpEndPoint is { } u) Console.Out.WriteLine($"hopwatch serve: syslog udp on {u}");
        Console.Out.Flush();
        await stop.Task;
        Console.Out.WriteLine("hopwatch serve: stopping");
        await service.DisposeAsync();
        return 0;
    }
}
