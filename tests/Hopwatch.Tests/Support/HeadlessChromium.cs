using System.Diagnostics;

namespace Hopwatch.Tests.Support;

/// <summary>
/// Drives the Debian `chromium` package headless (installed by scripts/deps.sh): dumps the DOM
/// after scripts ran, collects console messages (Chromium logs them to stderr as "CONSOLE"
/// lines with --enable-logging=stderr), and takes screenshots. No browser download.
/// </summary>
public static class HeadlessChromium
{
    public static string Executable { get; } = Find();

    private static string Find()
    {
        var env = Environment.GetEnvironmentVariable("HOPWATCH_CHROMIUM");
        foreach (var c in new[] { env, "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" })
            if (!string.IsNullOrEmpty(c) && File.Exists(c)) return c;
        throw new InvalidOperationException("chromium not found: run scripts/deps.sh (Debian package 'chromium') or set HOPWATCH_CHROMIUM");
    }

    public sealed record Page(string Dom, IReadOnlyList<string> ConsoleMessages, string Stderr);

    /// <summary>Loads a local HTML file, lets its scripts run, returns the serialised DOM and console messages.</summary>
    public static Page DumpDom(string htmlPath)
    {
        var (stdout, stderr) = Run("--dump-dom", "--virtual-time-budget=3000", new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);
        var console = stderr.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();
        return new Page(stdout, console, stderr);
    }

    public static void Screenshot(string htmlPath, string pngPath, int width, int height) =>
        Run($"--screenshot={Path.GetFullPath(pngPath)}", $"--window-size={width},{height}", "--hide-scrollbars",
            new Uri(Path.GetFullPath(htmlPath)).AbsoluteUri);

    private static (string Stdout, string Stderr) Run(params string[] args)
    {
        var profile = Path.Combine(Path.GetTempPath(), "hopwatch-chromium-" + Guid.NewGuid().ToString("n"));
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions",
                                  "--enable-logging=stderr", "--v=0", "--user-data-dir=" + profile })
            psi.ArgumentList.Add(a);
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(TimeSpan.FromSeconds(180)))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException("chromium did not finish within 180 s");
            }
            return (stdout.Result, stderr.Result);
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
