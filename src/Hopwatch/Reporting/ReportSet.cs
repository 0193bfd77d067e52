using Hopwatch.Pipeline;
using Hopwatch.Scoring;

namespace Hopwatch.Reporting;

/// <summary>
/// Writes the responder's report set into one folder: incidents.jsonl, timeline.csv,
/// attack-layer.json and report.html (alerts.jsonl is written by the hunt itself).
/// </summary>
public static class ReportSet
{
    public const string IncidentsFile = "incidents.jsonl";
    public const string TimelineFile = "timeline.csv";
    public const string AttackLayerFile = "attack-layer.json";
    public const string HtmlFile = "report.html";

    /// <summary>Writes every report file; returns their paths.</summary>
    public static IReadOnlyList<string> WriteAll(string outDir, HuntResult hunt, IncidentAnalysisResult analysis, ReportOptions options)
    {
        ArgumentNullException.ThrowIfNull(hunt);
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(outDir);
        var paths = new List<string>();
        string P(string name) { var p = Path.Combine(outDir, name); paths.Add(p); return p; }

        IncidentJsonWriter.Write(P(IncidentsFile), analysis.Incidents);
        Hopwatch.Pipeline.HuntPhaseLog.Current?.End(" incidents");
        TimelineCsvWriter.Write(P(TimelineFile), analysis.Incidents);
        Hopwatch.Pipeline.HuntPhaseLog.Current?.End(" timeline");
        AttackLayerWriter.Write(P(AttackLayerFile), hunt.Alerts, analysis.Incidents, options.Title);
        Hopwatch.Pipeline.HuntPhaseLog.Current?.End(" attack");
        HtmlReportWriter.Write(P(HtmlFile), hunt, analysis, options);
        Hopwatch.Pipeline.HuntPhaseLog.Current?.End(" html");
        return paths;
    }
}
