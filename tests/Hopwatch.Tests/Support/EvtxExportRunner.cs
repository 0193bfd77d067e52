using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Hopwatch.Tests.Support;

/// <summary>What one <c>evtxexport -f xml FILE</c> run produced.</summary>
/// <param name="Aborted">evtxexport stopped early ("Unable to export file." on stderr, or a non-zero exit).</param>
public sealed record EvtxExportResult(List<EvtxExportRecord> Records, string Stderr, int ExitCode, bool Aborted);

/// <summary>Runs libevtx's evtxexport (Debian libevtx-utils, installed by scripts/deps.sh) as the reference parser.</summary>
public static class EvtxExportRunner
{
    public const string InstallHint =
        "evtxexport (libevtx-utils) is not installed; the EVTX comparison tests need it as reference. Run ./scripts/deps.sh (or apt-get install libevtx-utils).";

    /// <summary>Full path of evtxexport on PATH, or null.</summary>
    public static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (dir.Length == 0) continue;
            var p = Path.Combine(dir, "evtxexport");
            if (File.Exists(p)) return p;
        }
        return null;
    }

    private static readonly ConcurrentDictionary<(string, string), Lazy<EvtxExportResult>> Cache = new();

    /// <summary>
    /// <see cref="Run"/>, once per file and mode for the whole test run: the comparison tests share the reference.
    /// Callers must not modify the returned records.
    /// </summary>
    public static EvtxExportResult RunCached(string exe, string evtxPath, TimeSpan timeout, string mode = "items") =>
        Cache.GetOrAdd((evtxPath, mode), _ => new Lazy<EvtxExportResult>(() => Run(exe, evtxPath, timeout, mode))).Value;

    /// <param name="mode">evtxexport's -m: "items" (its default: the allocated records), "recovered" or "all".</param>
    public static EvtxExportResult Run(string exe, string evtxPath, TimeSpan timeout, string mode = "items")
    {
        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add("-m");
        psi.ArgumentList.Add(mode);
        psi.ArgumentList.Add("-f");
        psi.ArgumentList.Add("xml");
        psi.ArgumentList.Add(evtxPath);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + exe);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw new TimeoutException($"evtxexport did not finish {evtxPath} within {timeout.TotalSeconds:0} s");
        }
        p.WaitForExit();
        string err = stderr.Result;
        bool aborted = p.ExitCode != 0 || err.Contains("Unable to export", StringComparison.Ordinal);
        var records = EvtxExportXmlParser.Parse(stdout.Result);
        if (mode == "recovered")
            foreach (var r in records) r.Recovered = true;
        return new EvtxExportResult(records, err, p.ExitCode, aborted);
    }
}
