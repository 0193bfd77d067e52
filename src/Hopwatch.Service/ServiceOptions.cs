using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hopwatch.Reporting;

namespace Hopwatch.Service;

/// <summary>
/// Everything `hopwatch serve` can be told, from the command line and the JSON config file
/// (docs/service.md lists every key). Defaults are safe: loopback only, fsync before answering.
/// </summary>
public sealed class ServiceOptions
{
    /// <summary>Where the spool, the SQLite store and tail offsets live.</summary>
    [JsonPropertyName("state")] public string StateDir { get; set; } = "";
    /// <summary>host:port of the HTTP listener; port 0 picks a free one (tests).</summary>
    [JsonPropertyName("listen")] public string Listen { get; set; } = "127.0.0.1:8765";
    [JsonPropertyName("tokens")] public List<ApiToken> Tokens { get; set; } = new();
    /// <summary>Runs without authentication; only allowed when asked for explicitly.</summary>
    [JsonPropertyName("insecure_no_auth")] public bool InsecureNoAuth { get; set; }
    /// <summary>PFX/PKCS#12 or PEM certificate; with it the listener speaks HTTPS only.</summary>
    [JsonPropertyName("tls_cert")] public string? TlsCertPath { get; set; }
    /// <summary>PEM private key when <see cref="TlsCertPath"/> is a PEM certificate without its key.</summary>
    [JsonPropertyName("tls_key")] public string? TlsKeyPath { get; set; }
    [JsonPropertyName("tls_password")] public string? TlsPassword { get; set; }

    /// <summary>Largest request body accepted, compressed and decompressed (413 beyond).</summary>
    [JsonPropertyName("max_body_bytes")] public long MaxBodyBytes { get; set; } = 32L * 1024 * 1024;
    /// <summary>Accepted but not yet processed events allowed before ingest answers 429.</summary>
    [JsonPropertyName("queue_capacity_events")] public long QueueCapacityEvents { get; set; } = 2_000_000;
    /// <summary>Seconds a client is told to wait in Retry-After when the queue is full.</summary>
    [JsonPropertyName("retry_after_seconds")] public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>always: fsync before the HTTP answer (group commit); interval: every <see cref="SpoolFsyncIntervalMs"/>; never: leave it to the OS.</summary>
    [JsonPropertyName("spool_fsync")] public string SpoolFsync { get; set; } = "always";
    [JsonPropertyName("spool_fsync_interval_ms")] public int SpoolFsyncIntervalMs { get; set; } = 200;
    [JsonPropertyName("spool_segment_bytes")] public long SpoolSegmentBytes { get; set; } = 64L * 1024 * 1024;
    /// <summary>Processed spool segments older than this are deleted.</summary>
    [JsonPropertyName("spool_retention_hours")] public double SpoolRetentionHours { get; set; } = 24;
    /// <summary>Alerts (and incidents whose last alert is) older than this are deleted; 0 keeps everything.</summary>
    [JsonPropertyName("alert_retention_days")] public double AlertRetentionDays { get; set; } = 90;

    /// <summary>host:port for syslog over TCP (octet counting or newline framing); null: off.</summary>
    [JsonPropertyName("syslog_tcp")] public string? SyslogTcp { get; set; }
    /// <summary>host:port for syslog over UDP; null: off.</summary>
    [JsonPropertyName("syslog_udp")] public string? SyslogUdp { get; set; }
    /// <summary>Directories whose files are followed as they grow (rotation handled).</summary>
    [JsonPropertyName("tail")] public List<string> TailDirectories { get; set; } = new();
    [JsonPropertyName("tail_poll_ms")] public int TailPollMs { get; set; } = 1000;

    /// <summary>Sigma rule directories or files.</summary>
    [JsonPropertyName("sigma")] public List<string> SigmaDirectories { get; set; } = new();
    /// <summary>Values for Sigma placeholders (%admin_jump_hosts% ...), YAML.</summary>
    [JsonPropertyName("sigma_placeholders")] public string? SigmaPlaceholdersPath { get; set; }
    /// <summary>Run Hopwatch's stateful analytics (chains, fan-out, pass-the-hash, ...).</summary>
    [JsonPropertyName("analytics")] public bool Analytics { get; set; } = true;
    /// <summary>Analytics thresholds and allowlists (YAML, see config/analytics.yml); null: built-in defaults.</summary>
    [JsonPropertyName("analytics_config")] public string? AnalyticsConfigPath { get; set; }
    /// <summary>Asset inventory CSV (host,ip,role,owner,department).</summary>
    [JsonPropertyName("assets")] public string? AssetsPath { get; set; }
    /// <summary>
    /// Spool segments re-read before the checkpoint at start-up, so stateful analytics rebuild the
    /// windows a crash wiped; alerts raised while re-reading those events are discarded.
    /// </summary>
    [JsonPropertyName("warmup_segments")] public int WarmupSegments { get; set; } = 1;
    /// <summary>Alerts of one principal closer than this join the same incident.</summary>
    [JsonPropertyName("incident_window_minutes")] public double IncidentWindowMinutes { get; set; } = 120;

    public static ServiceOptions LoadFile(string path)
    {
        using var s = File.OpenRead(path);
        return HopwatchJson.Deserialize<ServiceOptions>(s, new JsonSerializerOptions
        {
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            TypeInfoResolver = HopwatchJson.Resolver(ServiceJsonContext.Default),
        }) ?? throw new InvalidDataException($"{path}: empty configuration");
    }

    /// <summary>
    /// Reads HOPWATCH_TOKENS: comma-separated tokens, each optionally named as NAME:TOKEN
    /// (the name is what the audit trail records as the actor).
    /// </summary>
    public static IEnumerable<ApiToken> TokensFromEnvironment(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) yield break;
        int n = 0;
        foreach (var raw in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            n++;
            int colon = raw.IndexOf(':');
            yield return colon > 0
                ? new ApiToken { Name = raw[..colon], Token = raw[(colon + 1)..] }
                : new ApiToken { Name = "env-token-" + n, Token = raw };
        }
    }

    /// <summary>Parses "host:port" ("[::1]:8765", "0.0.0.0:80", "localhost:0").</summary>
    public static IPEndPoint ParseEndPoint(string value)
    {
        if (IPEndPoint.TryParse(value, out var ep) && value.Contains(':')) return ep;
        int colon = value.LastIndexOf(':');
        if (colon > 0 && int.TryParse(value[(colon + 1)..], out int port) && port is >= 0 and <= 65535)
        {
            string host = value[..colon];
            if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
            if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return new IPEndPoint(ip, port);
        }
        throw new ArgumentException($"'{value}' is not host:port (e.g. 127.0.0.1:8765)");
    }

    /// <summary>Checks the settings make sense; returns the problems (empty: fine).</summary>
    public List<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(StateDir)) problems.Add("--state DIR is required");
        if (Tokens.Count == 0 && !InsecureNoAuth)
            problems.Add("no API token configured (config \"tokens\" or HOPWATCH_TOKENS); refusing to start without authentication unless --insecure-no-auth is given");
        foreach (var t in Tokens)
            if (string.IsNullOrEmpty(t.Token) || t.Token.Length < 16) problems.Add($"token '{t.Name}' is shorter than 16 characters");
        if (SpoolFsync is not ("always" or "interval" or "never")) problems.Add("spool_fsync must be always, interval or never");
        if (MaxBodyBytes < 1024) problems.Add("max_body_bytes must be at least 1024");
        if (QueueCapacityEvents < 1) problems.Add("queue_capacity_events must be positive");
        foreach (var (name, v) in new[] { ("listen", (string?)Listen), ("syslog_tcp", SyslogTcp), ("syslog_udp", SyslogUdp) })
        {
            if (v is null) continue;
            try { ParseEndPoint(v); } catch (ArgumentException e) { problems.Add($"{name}: {e.Message}"); }
        }
        if (TlsCertPath is not null && !File.Exists(TlsCertPath)) problems.Add($"tls_cert {TlsCertPath} not found");
        return problems;
    }
}

/// <summary>A bearer token and the name the audit trail records for whoever uses it.</summary>
public sealed class ApiToken
{
    [JsonPropertyName("name")] public string Name { get; set; } = "";
    [JsonPropertyName("token")] public string Token { get; set; } = "";
}
