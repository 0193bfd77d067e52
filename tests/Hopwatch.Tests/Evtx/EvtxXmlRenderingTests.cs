using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Hopwatch.Events;
using Hopwatch.Reading.Evtx;
using Hopwatch.Tests.Support;
using Xunit.Abstractions;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Hopwatch's XML rendering (<see cref="EvtxEventReader.ReadXml(string, ReadDiagnostics, CancellationToken)"/>,
/// `dump --format xml`) promises evtxexport's layout, so on every shared file each record both print must be
/// the same text, character for character. Accepted differences are listed below with their reason.
/// </summary>
public sealed partial class EvtxXmlRenderingTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PerFileTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The explained differences, by id; each must still occur (else remove it).</summary>
    private static readonly Dictionary<string, string> Explanations = new()
    {
        ["extra-after-evtxexport-aborted"] =
            "evtxexport stops at the first record libfwevt cannot decode ('Unable to export file.'); Hopwatch renders the rest.",
        ["extra-recovered-by-evtxexport-only"] =
            "Records in chunks outside the header's range, which evtxexport prints only with -m recovered; their text is " +
            "compared with that rendering.",
        ["whitespace-only-value"] =
            "evtxexport prints a value that is only a line break as an empty element (<Data Name=\"ExtraInfo\"/>); " +
            "Hopwatch (and python-evtx) keep the line break.",
    };

    [Fact]
    public void Xml_of_every_shared_evtx_file_is_evtxexports_text()
    {
        string exe = EvtxExportRunner.Find() ?? throw new Xunit.Sdk.XunitException(EvtxExportRunner.InstallHint);
        var files = new[] { SharedData.Evtx, Path.Combine(SharedData.Sigma, "regression_data") }
            .Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*.evtx", SearchOption.AllDirectories))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();
        Assert.True(files.Count > 100, $"expected the shared EVTX corpus, found {files.Count} files");

        var counts = new ConcurrentDictionary<string, int>();
        var problems = new ConcurrentBag<(string File, string What)>();
        long compared = 0;
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(4, Environment.ProcessorCount) }, file =>
        {
            var reference = EvtxExportRunner.RunCached(exe, file, PerFileTimeout);
            List<string> ours;
            try
            {
                ours = EvtxEventReader.ReadXml(file, new ReadDiagnostics()).Select(r => r.Xml).ToList();
            }
            catch (Exception e)
            {
                problems.Add((file, $"ReadXml threw {e.GetType().Name}: {e.Message}"));
                return;
            }
            var byId = new Dictionary<long, Queue<EvtxExportRecord>>();
            void Index(IEnumerable<EvtxExportRecord> records)
            {
                foreach (var r in records)
                {
                    if (!byId.TryGetValue(r.RecordId, out var q)) byId[r.RecordId] = q = new Queue<EvtxExportRecord>();
                    q.Enqueue(r);
                }
            }
            Index(reference.Records);
            bool recoveredLoaded = false;
            foreach (var xml in ours)
            {
                var parsed = EvtxExportXmlParser.Parse(xml.TrimEnd('\n') + "\n");
                if (parsed.Count != 1)
                {
                    problems.Add((file, $"Hopwatch XML record does not have evtxexport's framing: {Head(xml)}"));
                    continue;
                }
                long id = parsed[0].RecordId;
                if ((!byId.TryGetValue(id, out var q) || q.Count == 0) && !recoveredLoaded && !reference.Aborted)
                {
                    recoveredLoaded = true;
                    var printed = reference.Records.Select(r => r.RecordId).ToHashSet();
                    var recovered = EvtxExportRunner.RunCached(exe, file, PerFileTimeout, "recovered").Records.Where(r => printed.Add(r.RecordId)).ToList();
                    Index(recovered);
                }
                if (!byId.TryGetValue(id, out q) || q.Count == 0)
                {
                    if (reference.Aborted) counts.AddOrUpdate("extra-after-evtxexport-aborted", 1, (_, n) => n + 1);
                    else problems.Add((file, $"#{id}: Hopwatch renders a record evtxexport prints in no mode"));
                    continue;
                }
                var expected = q.Dequeue();
                if (expected.Recovered) counts.AddOrUpdate("extra-recovered-by-evtxexport-only", 1, (_, n) => n + 1);
                Interlocked.Increment(ref compared);
                string a = expected.RawXml, b = parsed[0].RawXml;
                if (a == b) continue;
                if (WhitespaceOnlyElement().Replace(a, "<$1$2/>") == WhitespaceOnlyElement().Replace(b, "<$1$2/>"))
                {
                    counts.AddOrUpdate("whitespace-only-value", 1, (_, n) => n + 1);
                    continue;
                }
                problems.Add((file, $"#{id}: {FirstDifference(a, b)}"));
            }
            foreach (var (id, q) in byId)
                foreach (var r in q)
                    if (!r.Recovered) problems.Add((file, $"#{id}: evtxexport prints it, Hopwatch renders no such record"));
        });

        output.WriteLine($"{files.Count} files, {compared} records compared as text");
        foreach (var (id, why) in Explanations)
            output.WriteLine($"  known difference {id}: {counts.GetValueOrDefault(id)} case(s) — {why}");

        var report = new StringBuilder();
        foreach (var g in problems.GroupBy(p => p.File).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            report.AppendLine($"  {Path.GetRelativePath(SharedData.Root, g.Key)}: {g.Count()} difference(s)");
            foreach (var p in g.Take(5)) report.AppendLine("    " + p.What);
            if (report.Length > 50_000) break;
        }
        foreach (var id in Explanations.Keys.Where(k => counts.GetValueOrDefault(k) == 0))
            report.AppendLine($"known difference '{id}' no longer occurs: remove it.");
        Assert.True(report.Length == 0, $"\n{problems.Count} XML difference(s) from evtxexport:\n{report}");
    }

    private static string Head(string s) => s.Length > 120 ? s[..120] + "…" : s;

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        for (int i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            string x = i < a.Length ? a[i] : "(end)", y = i < b.Length ? b[i] : "(end)";
            if (x != y) return $"line {i + 1}: evtxexport `{Head(x.Trim())}` hopwatch `{Head(y.Trim())}`";
        }
        return "texts differ in line endings";
    }

    // <El attrs>whitespace</El> → <El attrs/>
    [GeneratedRegex(@"<([\w:.-]+)((?:\s+[\w:.-]+=""[^""]*"")*)>\s+</\1>")]
    private static partial Regex WhitespaceOnlyElement();
}
