using Hopwatch.Pipeline;
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
        foreach (var w in d.Warnings.Take(10))
            console.MarkupLine($"[yellow]warning[/] {Markup.Escape(w.ToString())}");
        if (d.WarningCount > 10) console.MarkupLine($"[yellow]... {d.WarningCount - 10} more warnings[/]");

        if (result.Alerts.Count > 0)
        {
            var table = new Table().AddColumns("severity", "analytic", "title", "first seen (UTC)", "users", "targets");
            foreach (var a in result.Alerts.OrderByDescending(a => a.Severity).ThenBy(a => a.TimeFirst).Take(25))
                table.AddRow(Markup.Escape(a.Severity.ToString().ToLowerInvariant()), Markup.Escape(a.Analytic),
                    Markup.Escape(a.Title), a.TimeFirst.ToString("yyyy-MM-dd HH:mm:ss"),
                    Markup.Escape(string.Join(", ", a.Entities.Users.Take(3))),
                    Markup.Escape(string.Join(", ", a.Entities.TargetHosts.Take(4))));
            console.Write(table);
            if (result.Alerts.Count > 25) console.MarkupLine($"... {result.Alerts.Count - 25} more in alerts.jsonl");
        }
        console.MarkupLine($"output: {Markup.Escape(Path.GetFullPath(outDir))}");
    }
}
