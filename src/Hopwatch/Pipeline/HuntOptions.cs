namespace Hopwatch.Pipeline;

/// <summary>Everything `hopwatch hunt` (and `eval`, `serve`) can ask of a hunt.</summary>
public sealed class HuntOptions
{
    /// <summary>Files, folders, archives to read.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary>Where alerts.jsonl and the reports go; null: write nothing, just return the result.</summary>
    public string? OutDir { get; init; }
    /// <summary>Sigma rule folders or files (--sigma, repeatable). None: only Hopwatch's own analytics run.</summary>
    public IReadOnlyList<string> SigmaDirs { get; init; } = Array.Empty<string>();
    /// <summary>Placeholder values for Sigma rules (%admin_jump_hosts% ...), YAML.</summary>
    public string? SigmaPlaceholdersPath { get; init; }
    /// <summary>Sigma meta-filter files or folders (applied to the rules they name or to their log source).</summary>
    public IReadOnlyList<string> SigmaFilterPaths { get; init; } = Array.Empty<string>();
    /// <summary>A log-source pipeline YAML replacing the built-in one (product/category/service → channel, EventID, fields).</summary>
    public string? SigmaPipelinePath { get; init; }
    /// <summary>Folder of the parsed Sigma rule cache (SigmaOptions.RuleCacheDirectory); null: parse every file.</summary>
    public string? SigmaRuleCacheDirectory { get; init; }
    /// <summary>Analytics thresholds and allowlists (YAML); null: built-in defaults.</summary>
    public string? AnalyticsConfigPath { get; init; }
    /// <summary>Asset inventory CSV (host, ip, role, owner, department).</summary>
    public string? AssetsPath { get; init; }
    /// <summary>Baseline store (SQLite) for rare-path; null: baseline only from this run's data.</summary>
    public string? StatePath { get; init; }
    public int Threads { get; init; } = 1;
    /// <summary>Force an input format instead of detecting it.</summary>
    public Hopwatch.Events.SourceFormat? Format { get; init; }
    /// <summary>Run Hopwatch's own stateful analytics (default) — off to run Sigma alone.</summary>
    public bool Analytics { get; init; } = true;
    /// <summary>
    /// Inputs up to this size are held in memory and sorted exactly; larger inputs are merged file by
    /// file with <see cref="ReorderWindow"/> so memory stays bounded whatever the evidence size.
    /// </summary>
    public long ExactOrderMaxBytes { get; init; } = 2L << 30;
    /// <summary>How far behind the newest event an event may arrive and still be analysed in order (streamed mode).</summary>
    public TimeSpan ReorderWindow { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>
    /// Hold garbage collection while events are read and detected, by reserving memory up front (see
    /// <see cref="DetectionGcHold"/>). For a process that runs one hunt (the CLI): every event stays alive until
    /// the ordered pass anyway, so collections in between only trace them. Off by default: a process running
    /// hunts side by side (the service) must not, as the reservation is process-wide.
    /// </summary>
    public bool HoldGcWhileDetecting { get; init; }
    /// <summary>
    /// Read only the events some detector can use (<see cref="IDetector.Interest"/>): the others are dropped by the
    /// readers and counted in <see cref="Hopwatch.Events.ReadDiagnostics.SkippedRecordCount"/>. On by default; off
    /// only to compare (the alerts must be the same).
    /// </summary>
    public bool ReadOnlyWantedEvents { get; init; } = true;
    /// <summary>Progress: bytes consumed since last call / total bytes.</summary>
    public Action<long>? OnBytes { get; init; }
    public Action<long>? OnTotalBytes { get; init; }
}
