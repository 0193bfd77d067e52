using System.Diagnostics;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Cli;

/// <summary>`hopwatch hunt` as a user runs it: a real process on the bundled demo.</summary>
public sealed class HuntCommandTests
{
    private static (int Code, string Out, string Err) RunHopwatch(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "hopwatch.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = SharedData.RepoRoot };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), "hunt did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Hunting_the_demo_exits_0_with_alerts_reports_and_suppressions()
    {
        var dir = Directory.CreateTempSubdirectory("hopwatch-cli-hunt-");
        try
        {
            var (code, _, err) = RunHopwatch("hunt", "samples/demo", "--assets", "samples/demo/assets.csv", "--out", dir.FullName, "--show-suppressed");
            Assert.Equal(0, code);
            foreach (var f in new[] { "alerts.jsonl", "incidents.jsonl", "timeline.csv", "attack-layer.json", "report.html", "suppressed.jsonl" })
                Assert.True(File.Exists(Path.Combine(dir.FullName, f)), f + " missing");
            Assert.NotEmpty(File.ReadAllLines(Path.Combine(dir.FullName, "alerts.jsonl")));
            // The demo's scanner fan-out is allowlisted by its asset role: suppressed, with the reason.
            var suppressed = File.ReadAllLines(Path.Combine(dir.FullName, "suppressed.jsonl"));
            Assert.Contains(suppressed, l => l.Contains("\"suppressed_reason\"") && l.Contains("scanner"));
            Assert.Contains("Suppressed by allowlists", err);
            Assert.DoesNotContain("\u001b]", err); // no OSC sequences from log text
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void Missing_out_is_a_usage_error_and_a_missing_input_an_error()
    {
        Assert.Equal(2, RunHopwatch("hunt", "samples/demo").Code);
        var (code, _, err) = RunHopwatch("hunt", "no/such/dir", "--out", Path.GetTempPath());
        Assert.Equal(1, code);
        Assert.Contains("no such file or folder", err);
    }

    [Fact]
    public void An_out_path_that_is_a_file_is_an_error_before_anything_is_read()
    {
        var file = Path.GetTempFileName();
        try
        {
            var (code, _, err) = RunHopwatch("hunt", "samples/demo", "--out", file, "--quiet");
            Assert.Equal(1, code);
            Assert.Contains("cannot write to --out", err);
            Assert.Contains("it is a file", err);
            Assert.DoesNotContain("Unhandled exception", err);
            Assert.Equal(0, new FileInfo(file).Length); // left as it was
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void A_missing_out_folder_is_made_and_no_probe_file_is_left_in_it()
    {
        var root = Directory.CreateTempSubdirectory("hopwatch-cli-out-");
        try
        {
            var outDir = Path.Combine(root.FullName, "new", "deeper");
            var (code, _, _) = RunHopwatch("hunt", "samples/demo/evtx", "--out", outDir, "--quiet", "--no-analytics");
            Assert.Equal(0, code);
            Assert.True(File.Exists(Path.Combine(outDir, "alerts.jsonl")));
            Assert.DoesNotContain(Directory.GetFiles(outDir), f => Path.GetFileName(f).StartsWith(".hopwatch-write-check", StringComparison.Ordinal));
        }
        finally { root.Delete(true); }
    }
}
