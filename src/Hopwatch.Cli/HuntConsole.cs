using Hopwatch.Pipeline;
using Hopwatch.Reporting;
using Spectre.Console;

namespace Hopwatch.Cli;

/// <summary>The human summary of a hunt on the terminal. Log text is escaped before it reaches markup.</summary>
internal static class HuntConsole
{
    public static void PrintSummary(IAnsiConsole console, HuntResult result, string outDir)
    {
        var d = result.Diagnostics;
        console.MarkupLine($"[bold]hunt[/]: {d.FileCount} files, {result.EventCount:N0} events, " +
                           $"{d.WarningCount} warnings, {result.Alerts.Count} alerts, {result.Suppressed.Count} suppressed, " +
                           $"{result.Elapsed.TotalSeconds:F2} s");
        foreach (var w in d.WarningsInOrder().Take(10))
            console.MarkupLine($"[yellow]warning[/] {Markup.Escape(ConsoleSummary.Clean(w.ToString(), 400))}");
        if (d.WarningCount > 10) console.MarkupLine($"[yellow]... {d.WarningCount - 10} more warnings[/]");

        if (result.Analysis is { } analysis)
            Hopwatch.Reporting.ConsoleSummary.Write(console, result, analysis, json: false);
        console.MarkupLine($"output: {Markup.Escape(Path.GetFullPath(outDir))}");
    }

    public static void PrintSuppressed(IAnsiConsole console, HuntResult result)
    {
        if (result.Suppressed.Count == 0)
        {
            console.MarkupLine("no alert was suppressed by an allowlist");
            return;
        }
        var table = new Table().Title("Suppressed by allowlists").AddColumns("analytic", "title", "first seen (UTC)", "reason");
        foreach (var (alert, reason) in result.Suppressed.OrderBy(s => s.Alert.TimeFirst))
            table.AddRow(new Text(alert.Analytic), new Text(ConsoleSummary.Clean(alert.Title, 120)), new Text(alert.TimeFirst.ToString("yyyy-MM-dd HH:mm:ss")), new Text(ConsoleSummary.Clean(reason, 200)));
        console.Write(table);
    }
}
