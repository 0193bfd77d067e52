using System.Diagnostics;
using System.Text.Json;

namespace Hopwatch.Tests.Evtx;

/// <summary>`hopwatch dump` end to end: the built CLI run as a process on shared EVTX files.</summary>
public class DumpCommandTests
{
    private static (int Exit, string Stdout, string Stderr) Hopwatch(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "hopwatch.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) { p.Kill(); throw new TimeoutException("hopwatch dump did not finish"); }
        return (p.ExitCode, stdout, stderr.Result);
    }

    [Fact]
    public void Jsonl_has_one_object_per_record_with_the_contract_keys()
    {
        string file = EvtxTestFiles.EdgeCase("security.evtx");
        var (exit, stdout, stderr) = Hopwatch("dump", file, "--threads", "2");
        Assert.Equal(0, exit);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2261, lines.Length);
        using var doc = JsonDocument.Parse(lines[1]);
        var r = doc.RootElement;
        Assert.Equal(new[] { "record_id", "time", "event_id", "channel", "provider", "computer", "file", "data" },
            r.EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(2, r.GetProperty("record_id").GetInt64());
        Assert.Equal("2016-07-08T18:12:51.6816408Z", r.GetProperty("time").GetString());
        Assert.Equal(4624, r.GetProperty("event_id").GetInt32());
        Assert.Equal("Security", r.GetProperty("channel").GetString());
        Assert.Equal(file, r.GetProperty("file").GetString());
        Assert.Equal("0x3e7", r.GetProperty("data").GetProperty("TargetLogonId").GetString());
        foreach (var line in lines) JsonDocument.Parse(line).Dispose();
        Assert.Matches(@"^dump: 1 files, 2261 records, 0 warnings, \d+\.\d\d s$", stderr.Trim().Split('\n')[^1]);
    }

    [Fact]
    public void Many_files_on_two_threads_give_the_one_thread_output_in_file_order()
    {
        var (exit1, one, err1) = Hopwatch("dump", EvtxTestFiles.EdgeCases, "--threads", "1");
        var (exit2, two, err2) = Hopwatch("dump", EvtxTestFiles.EdgeCases, "--threads", "2");
        Assert.Equal(0, exit1);
        Assert.Equal(0, exit2);
        var lines = one.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length > 10_000, $"only {lines.Length} records");
        // Records of several files, each file's records together and the files in path order.
        var files = lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("file").GetString()!).ToList();
        var runs = files.Where((f, i) => i == 0 || files[i - 1] != f).ToList();
        Assert.True(runs.Count > 5);
        Assert.Equal(runs.Distinct().Count(), runs.Count);
        Assert.Equal(runs.Order(StringComparer.Ordinal), runs);
        Assert.Equal(one, two);
        static string Counts(string stderr) => System.Text.RegularExpressions.Regex.Replace(stderr.Trim().Split('\n')[^1], @", [\d.]+ s$", "");
        Assert.Equal(Counts(err1), Counts(err2));
        // The warnings listed (the first 20 of many damaged records) are the same ones, in the same order, whatever the thread count.
        static string WithoutTime(string stderr) => System.Text.RegularExpressions.Regex.Replace(stderr.Trim(), @", [\d.]+ s$", "");
        Assert.Contains("more warnings not shown", err2);
        Assert.Equal(WithoutTime(err1), WithoutTime(err2));
    }

    [Fact]
    public void Xml_format_prints_each_record()
    {
        var (exit, stdout, _) = Hopwatch("dump", "--format", "xml", EvtxTestFiles.EdgeCase("new-user-security.evtx"));
        Assert.Equal(0, exit);
        Assert.Equal(4, stdout.Split('\n').Count(l => l.StartsWith("<Event xmlns=", StringComparison.Ordinal)));
    }

    [Fact]
    public void Damaged_input_warns_on_stderr_and_exits_zero()
    {
        var (exit, stdout, stderr) = Hopwatch("dump", EvtxTestFiles.EdgeCase("sample_with_a_bad_chunk_magic.evtx"));
        Assert.Equal(0, exit);
        Assert.Contains("warning: ", stderr);
        Assert.Contains("bad chunk signature", stderr);
        Assert.True(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length >= 270);
    }

    [Fact]
    public void Missing_path_is_a_clear_error()
    {
        var (exit, stdout, stderr) = Hopwatch("dump", "/nonexistent/file.evtx");
        Assert.NotEqual(0, exit);
        Assert.Equal("", stdout);
        Assert.Contains("no such file or directory: /nonexistent/file.evtx", stderr);
    }
}
