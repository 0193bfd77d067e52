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
        string incidents = Path.Combine(outDir, IncidentsFile), timeline = Path.Combine(outDir, TimelineFile);
        string attack = Path.Combine(outDir, AttackLayerFile), html = Path.Combine(outDir, HtmlFile);
        // The writers only read the scored hunt, so they can run side by side. The phase log measures each file's
        // CPU and so needs them one at a time.
        var log = HuntPhaseLog.Current;
        if (options.Threads > 1 && log is null)
        {
            // report.html takes longest: started first, the other three share the second thread.
            ParallelWork.Run(options.Threads,
                () => HtmlReportWriter.Write(html, hunt, analysis, options),
                () => IncidentJsonWriter.Write(incidents, analysis.Incidents),
                () => TimelineCsvWriter.Write(timeline, analysis.Incidents),
                () => AttackLayerWriter.Write(attack, hunt.Alerts, analysis.Incidents, options.Title));
        }
        else
        {
            IncidentJsonWriter.Write(incidents, analysis.Incidents);
            log?.End(" incidents");
            TimelineCsvWriter.Write(timeline, analysis.Incidents);
            log?.End(" timeline");
            AttackLayerWriter.Write(attack, hunt.Alerts, analysis.Incidents, options.Title);
            log?.End(" attack");
            HtmlReportWriter.Write(html, hunt, analysis, options);
            log?.End(" html");
        }
        return [incidents, timeline, attack, html];
    }
}
