using System.Diagnostics;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Cli;

/// <summary>
/// The Release build makes bin/Release/net10.0/hopwatch a Native AOT executable when clang is installed
/// (see Hopwatch.Cli.csproj). Native builds trim what nothing names and have no reflection-based JSON, so
/// every command is run twice here, by the native binary and by the JIT build (`dotnet hopwatch.dll`),
/// on real data, and the outputs must be the same bytes.
/// </summary>
public class NativeBuildTests
{
    private static readonly string Binary = Path.Combine(SharedData.RepoRoot, "src", "Hopwatch.Cli", "bin", "Release", "net10.0", "hopwatch");

    /// <summary>The csproj builds natively exactly when clang is there (and the tests are a Release build, as CI runs them).</summary>
    private static bool NativeExpected =>
#if DEBUG
        false;
#else
        !OperatingSystem.IsWindows() && File.Exists("/usr/bin/clang");
#endif

    [Fact]
    public void ReleaseBuildProducedANativeExecutable()
    {
        if (!NativeExpected) return;
        Assert.True(File.Exists(Binary), Binary + " missing");
        // An apphost is ~80 KB and needs hopwatch.dll; the native executable holds the whole program.
        Assert.True(new FileInfo(Binary).Length > 5_000_000, $"{Binary} is {new FileInfo(Binary).Length} bytes: not the native build");
        var (exit, stdout, _) = Run(native: true, null, "--version");
        Assert.Equal(0, exit);
        Assert.StartsWith("hopwatch ", stdout);
    }

    [Fact]
    public void DumpIsTheSameBytes()
    {
        if (!NativeExpected) return;
        foreach (var args in new[]
        {
            new[] { "dump", "--format", "jsonl", SharedData.Evtx },
            new[] { "dump", "--format", "jsonl", "--threads", "2", SharedData.Evtx },
            new[] { "dump", "--format", "xml", Path.Combine(SharedData.Evtx, "parser-edge-cases") },
            new[] { "dump", "--normalised", Path.Combine(SharedData.SecurityDatasets, "atomic", "windows", "credential_access", "host", "cmd_psexec_lsa_secrets_dump.zip") },
            new[] { "dump", "--normalised", Path.Combine(SharedData.RepoRoot, "samples", "demo") },
        })
        {
            var native = Run(native: true, null, args);
            var jit = Run(native: false, null, args);
            Assert.Equal(jit.Exit, native.Exit);
            Assert.True(jit.Stdout.Length > 1000, string.Join(' ', args) + ": no output");
            Assert.True(jit.Stdout == native.Stdout, string.Join(' ', args) + ": output differs");
            // With several threads, which warnings are shown first depends on which file finished first.
            if (args.Contains("--threads")) Assert.Equal(WithoutSeconds(Last(jit.Stderr)), WithoutSeconds(Last(native.Stderr)));
            else Assert.Equal(WithoutSeconds(jit.Stderr), WithoutSeconds(native.Stderr));
        }
    }

    [Fact]
    public void HuntWithSigmaRulesAndAnalyticsWritesTheSameFiles()
    {
        if (!NativeExpected) return;
        var work = Temp("hunt");
        string[] Args(string outDir) =>
        [
            "hunt", Path.Combine(SharedData.RepoRoot, "samples", "demo"), Path.Combine(SharedData.Evtx, "attack-samples"),
            "--assets", Path.Combine(SharedData.RepoRoot, "samples", "demo", "assets.csv"),
            "--sigma", Path.Combine(SharedData.Sigma, "rules", "windows"), "--out", outDir, "--quiet",
        ];
        var cache = Path.Combine(work, "cache");
        var jit = Run(native: false, cache, Args(Path.Combine(work, "jit")));
        // Native twice: the first run compiles the rules and fills the rule cache, the second reads it back.
        var cold = Run(native: true, Path.Combine(work, "native-cache"), Args(Path.Combine(work, "cold")));
        var warm = Run(native: true, Path.Combine(work, "native-cache"), Args(Path.Combine(work, "warm")));
        Assert.True(jit.Exit == 0, jit.Stderr);
        Assert.True(cold.Exit == 0, cold.Stderr);
        Assert.True(warm.Exit == 0, warm.Stderr);
        var alerts = File.ReadAllLines(Path.Combine(work, "jit", "alerts.jsonl"));
        Assert.True(alerts.Length > 100, $"only {alerts.Length} alerts");
        Assert.Contains(alerts, a => a.Contains("\"analytic\":\"sigma\""));
        Assert.Contains(alerts, a => !a.Contains("\"analytic\":\"sigma\""));
        foreach (var file in new[] { "alerts.jsonl", "incidents.jsonl", "suppressed.jsonl", "timeline.csv", "attack-layer.json" })
        {
            var expected = File.ReadAllBytes(Path.Combine(work, "jit", file));
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(work, "cold", file))), file + " differs (cold rule cache)");
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(work, "warm", file))), file + " differs (warm rule cache)");
        }
        Assert.Contains("<svg class=\"graph", File.ReadAllText(Path.Combine(work, "warm", "report.html")));
    }

    [Fact]
    public void AnalyticsConfigFilesBindAndFailTheSameWay()
    {
        if (!NativeExpected) return;
        var work = Temp("config");
        var good = Path.Combine(work, "good.yml");
        File.WriteAllText(good, "disabled: [vnc]\nfan_out:\n  min_targets: 2\n  ports: [445]\nrdp_chain:\n  min_hops: 2\n  include_network_logons: false\nallowlist:\n  jump_hosts:\n    hosts: [app01]\n");
        var bad = Path.Combine(work, "bad.yml");
        File.WriteAllText(bad, "fan_out:\n  min_targetz: 2\n");
        var demo = Path.Combine(SharedData.RepoRoot, "samples", "demo");
        var jit = Run(native: false, null, "hunt", demo, "--config", good, "--out", Path.Combine(work, "jit"), "--quiet");
        var native = Run(native: true, null, "hunt", demo, "--config", good, "--out", Path.Combine(work, "native"), "--quiet");
        Assert.True(jit.Exit == 0, jit.Stderr);
        Assert.Equal(0, native.Exit);
        Assert.Equal(File.ReadAllText(Path.Combine(work, "jit", "alerts.jsonl")), File.ReadAllText(Path.Combine(work, "native", "alerts.jsonl")));
        var jitBad = Run(native: false, null, "hunt", demo, "--config", bad, "--out", Path.Combine(work, "jit-bad"));
        var nativeBad = Run(native: true, null, "hunt", demo, "--config", bad, "--out", Path.Combine(work, "native-bad"));
        Assert.NotEqual(0, jitBad.Exit);
        Assert.Equal(jitBad.Exit, nativeBad.Exit);
        Assert.Contains("min_targetz", nativeBad.Stderr);
        Assert.Equal(jitBad.Stderr, nativeBad.Stderr);
    }

    [Fact]
    public void RulesAndBaselineCommandsGiveTheSameOutput()
    {
        if (!NativeExpected) return;
        var rules = Path.Combine(SharedData.Sigma, "rules", "windows");
        foreach (var args in new[]
        {
            new[] { "rules", "validate", rules },
            new[] { "rules", "list", rules, "--for-channel", "Security" },
            new[] { "rules", "regress", SharedData.Sigma },
        })
        {
            var jit = Run(native: false, null, args);
            var native = Run(native: true, null, args);
            Assert.Equal(jit.Exit, native.Exit);
            Assert.True(jit.Stdout.Length > 100, string.Join(' ', args) + ": no output");
            Assert.Equal(WithoutSeconds(jit.Stdout), WithoutSeconds(native.Stdout));
            Assert.Equal(WithoutSeconds(jit.Stderr), WithoutSeconds(native.Stderr));
        }
        // The baseline store is SQLite: the native build loads the library from beside the executable.
        var work = Temp("baseline");
        var demo = Path.Combine(SharedData.RepoRoot, "samples", "demo");
        var state = Path.Combine(work, "state.db");
        var built = Run(native: true, null, "baseline", "build", demo, "--state", state);
        Assert.True(built.Exit == 0, built.Stderr);
        var nativeShow = Run(native: true, null, "baseline", "show", "--state", state);
        var jitShow = Run(native: false, null, "baseline", "show", "--state", state);
        Assert.Equal(0, nativeShow.Exit);
        Assert.Contains(" entries", nativeShow.Stdout);
        Assert.Equal(jitShow.Stdout, nativeShow.Stdout);
    }

    [Fact]
    public void SimulateAndEvalRoundTripTheTruthFile()
    {
        if (!NativeExpected) return;
        var work = Temp("simulate");
        string[] Sim(string dir) => ["simulate", "--out", dir, "--seed", "7", "--hosts", "40", "--scenario", "psexec-admin-share", "--formats", "evtx,authlog"];
        var jit = Run(native: false, null, Sim(Path.Combine(work, "jit")));
        var native = Run(native: true, null, Sim(Path.Combine(work, "native")));
        Assert.True(jit.Exit == 0, jit.Stderr);
        Assert.True(native.Exit == 0, native.Stderr);
        Assert.Equal(File.ReadAllText(Path.Combine(work, "jit", "truth.json")), File.ReadAllText(Path.Combine(work, "native", "truth.json")));
        var jitEval = Run(native: false, null, "eval", Path.Combine(work, "native"));
        var nativeEval = Run(native: true, null, "eval", Path.Combine(work, "native"));
        Assert.Equal(jitEval.Exit, nativeEval.Exit);
        Assert.Contains("psexec-admin-share", nativeEval.Stdout);
        Assert.Equal(WithoutSeconds(jitEval.Stdout), WithoutSeconds(nativeEval.Stdout));
    }

    /// <summary>
    /// The native `hopwatch` leaves the web stack out and hands `serve` to `hopwatch-serve` beside it (its
    /// serving is tested end to end in NativeServeTests); without that file, `serve` says so.
    /// </summary>
    [Fact]
    public void ServeRunsInTheServeExecutableAndItsAbsenceIsAClearError()
    {
        if (!NativeExpected) return;
        var serveBinary = Path.Combine(Path.GetDirectoryName(Binary)!, "hopwatch-serve");
        Assert.True(File.Exists(serveBinary), serveBinary + " missing");
        // Kestrel and ASP.NET Core are a third of the executable that has them.
        Assert.True(new FileInfo(Binary).Length < new FileInfo(serveBinary).Length * 0.8,
            $"hopwatch {new FileInfo(Binary).Length} bytes, hopwatch-serve {new FileInfo(serveBinary).Length}: the web stack is still in hopwatch");
        // Arguments reach the service: a usage error comes from `serve` itself, through the exec.
        var usage = Run(native: true, null, "serve", "--listen", "127.0.0.1:0");
        Assert.Equal(2, usage.Exit);
        Assert.Contains("--state DIR is required", usage.Stderr);

        var alone = Temp("alone");
        var copy = Path.Combine(alone, "hopwatch");
        File.Copy(Binary, copy);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(copy, File.GetUnixFileMode(Binary)); // the native build is Unix-only (see above)
        var psi = new ProcessStartInfo(copy, ["serve", "--state", Path.Combine(alone, "state")]) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string stderr = p.StandardError.ReadToEnd();
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(2, p.ExitCode);
        Assert.Contains("hopwatch-serve, which is missing", stderr);
        Assert.False(Directory.Exists(Path.Combine(alone, "state"))); // nothing was started
    }

    private static string Last(string text) => text.TrimEnd().Split('\n')[^1];

    private static string Temp(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "hopwatch-native-" + name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }

    /// <summary>Summary lines carry elapsed seconds, which differ between any two runs.</summary>
    private static string WithoutSeconds(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, @"\d+(\.\d+)? ?s\b", "N s");

    private static (int Exit, string Stdout, string Stderr) Run(bool native, string? cacheHome, params string[] args)
    {
        var psi = native ? new ProcessStartInfo(Binary) : new ProcessStartInfo("dotnet");
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        if (!native) psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hopwatch.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["XDG_CACHE_HOME"] = cacheHome ?? Temp("cache");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(300_000)) { p.Kill(true); throw new TimeoutException("hopwatch " + string.Join(' ', args) + " did not finish"); }
        return (p.ExitCode, stdout, stderr.Result);
    }
}
