namespace Hopwatch.Reporting;

/// <summary>How the report set is written.</summary>
public sealed class ReportOptions
{
    public string Title { get; init; } = "Hopwatch hunt report";
    /// <summary>What was hunted (shown in the report header).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];
    /// <summary>Report time; fixed in tests so output is reproducible. Null: now.</summary>
    public DateTime? GeneratedAt { get; init; }
    /// <summary>Incidents (highest risk first) that get full detail in report.html; the rest are table rows.
    /// Keeps a 5,000-incident report well under 10 MB.</summary>
    public int DetailedIncidents { get; init; } = 150;
    /// <summary>Evidence rows per incident in report.html (all of them are in alerts.jsonl).</summary>
    public int EvidenceRowsPerIncident { get; init; } = 100;
    /// <summary>Hosts drawn per hop graph; the rest are counted.</summary>
    public int MaxGraphNodes { get; init; } = 250;
    /// <summary>
    /// Report files written at once (each file by one thread; every file's bytes are the same whatever the number).
    /// 1 writes them one after another.
    /// </summary>
    public int Threads { get; init; } = 1;
}
