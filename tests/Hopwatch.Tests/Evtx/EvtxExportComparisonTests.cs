using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading.Evtx;
using Hopwatch.Tests.Support;
using Xunit.Abstractions;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Hopwatch's EVTX reader against libevtx's evtxexport on every shared .evtx file: same records, same
/// header, System and EventData/UserData values. Every accepted difference is in <see cref="KnownDifferences"/>
/// with the reason it is acceptable; anything else fails with a diff listing.
/// </summary>
public sealed class EvtxExportComparisonTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PerFileTimeout = TimeSpan.FromSeconds(90);

    /// <summary>What one file's comparison saw, for deciding whether a difference is known.</summary>
    private sealed record FileContext(string File, EvtxExportResult Reference, ReadDiagnostics Diagnostics, int HopwatchRecords);

    /// <param name="File">File name this entry is limited to, or null for a rule that holds for every file.</param>
    private sealed record KnownDifference(string Id, string? File, string Explanation, Func<EvtxDifference, FileContext, bool> Covers);

    /// <summary>
    /// The explained differences. An entry that no longer matches anything fails the test, so the list
    /// shrinks as the reader (or the reference) improves.
    /// </summary>
    private static readonly KnownDifference[] KnownDifferences =
    [
        new("evtxexport-stops-at-undecodable-record", null,
            "evtxexport stops exporting a whole file at the first record libfwevt cannot decode (stderr 'Unable to export file.', " +
            "e.g. 'unsupported type: 0x05' in WEC-forwarded files, sub token 0x49 in CAPI2 logs). Hopwatch warns about that " +
            "record and goes on, so it returns the later records that evtxexport never printed.",
            (d, c) => d.Kind == EvtxDifferenceKind.ExtraInHopwatch && c.Reference.Aborted),

        new("hex-integer-zero-padding", null,
            "evtxexport prints HexInt32/HexInt64 values zero-padded to 8/16 digits (Keywords 0x8020000000000000 is the same " +
            "either way, but SubjectLogonId 0x00000000000003e7); Windows' own rendering, which Hopwatch follows, is minimal " +
            "width (0x3e7). Accepted when both are 0x-hex of the same number.",
            (d, _) => d.Kind == EvtxDifferenceKind.FieldMismatch && SameHexNumber(d.Expected, d.Actual)),

        new("records-evtxexport-prints-only-in-recovery-mode", null,
            "evtxexport's default mode prints the records its chunk index reaches; records in chunks outside the header's " +
            "first..last range (the wrapped part of a dirty log, chunks after a zeroed one) it prints only with -m recovered. " +
            "The issue requires reading those chunks, so Hopwatch returns them; their fields are compared against the " +
            "recovered rendering like any other record.",
            (d, _) => d.Kind == EvtxDifferenceKind.RecoveredByEvtxexportOnly),

        new("size_t-printed-in-decimal-by-evtxexport", null,
            "evtxexport prints SizeT (and pointer-sized) values in decimal (ProcessId 4, HandleId 29580); Windows renders them " +
            "as hex, 0x4 and 0x738c, as Hopwatch does. Accepted when the decimal and the hex are the same number.",
            (d, _) => d.Kind == EvtxDifferenceKind.FieldMismatch && SameNumberDecimalVsHex(d.Expected, d.Actual)),

        new("whitespace-only-value-emptied-by-evtxexport", null,
            "evtxexport prints a value that is only a line break (Windows Search 1003 ExtraInfo) as an empty element; " +
            "python-evtx prints the line break, as Hopwatch returns it.",
            (d, _) => d.Kind == EvtxDifferenceKind.FieldMismatch && d.Expected == "" && d.Actual is { Length: > 0 } a && string.IsNullOrWhiteSpace(a)),
    ];

    [Fact]
    public void Evtxexport_is_installed()
    {
        Assert.True(EvtxExportRunner.Find() is not null, EvtxExportRunner.InstallHint);
    }

    [Fact]
    public void Every_shared_evtx_file_agrees_with_evtxexport()
    {
        string exe = EvtxExportRunner.Find() ?? throw new Xunit.Sdk.XunitException(EvtxExportRunner.InstallHint);
        var files = SharedEvtxFiles();
        Assert.True(files.Count > 100, $"expected the shared EVTX corpus (>100 files) under {SharedData.Evtx} and {SharedData.Sigma}, found {files.Count}");

        var clock = Stopwatch.StartNew();
        var results = new ConcurrentBag<(FileContext Context, List<EvtxDifference> Diffs)>();
        var crashes = new ConcurrentBag<string>();
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(4, Environment.ProcessorCount) }, file =>
        {
            var reference = EvtxExportRunner.RunCached(exe, file, PerFileTimeout);
            var diag = new ReadDiagnostics();
            List<LogEvent> events;
            try
            {
                events = EvtxEventReader.ReadFile(file, diag, threads: 1).ToList();
            }
            catch (Exception ex)
            {
                crashes.Add($"{Rel(file)}: {ex.GetType().Name}: {ex.Message}");
                return;
            }
            var context = new FileContext(file, reference, diag, events.Count);
            var expected = reference.Records;
            if (events.Count > expected.Count)
            {
                // Hopwatch found more: add what evtxexport finds only in its recovery mode (ids it did not print already).
                var printed = expected.Select(r => r.RecordId).ToHashSet();
                var recovered = EvtxExportRunner.RunCached(exe, file, PerFileTimeout, "recovered").Records
                    .Where(r => printed.Add(r.RecordId)).ToList();
                expected = expected.Concat(recovered).ToList();
            }
            results.Add((context, EvtxRecordComparer.Compare(file, expected, events)));
        });

        var absorbed = KnownDifferences.ToDictionary(k => k.Id, _ => 0);
        var unexplained = new List<(FileContext Context, EvtxDifference Diff)>();
        var examples = new List<(string Id, EvtxDifference Diff)>();
        long referenceRecords = 0, hopwatchRecords = 0, warnings = 0;
        foreach (var (context, diffs) in results.OrderBy(r => r.Context.File, StringComparer.Ordinal))
        {
            referenceRecords += context.Reference.Records.Count;
            hopwatchRecords += context.HopwatchRecords;
            warnings += context.Diagnostics.WarningCount;
            foreach (var d in diffs)
            {
                var known = KnownDifferences.FirstOrDefault(k =>
                    (k.File is null || string.Equals(k.File, Path.GetFileName(context.File), StringComparison.Ordinal)) && k.Covers(d, context));
                if (known is null) unexplained.Add((context, d));
                else if (absorbed[known.Id]++ < 3) examples.Add((known.Id, d));
            }
        }

        output.WriteLine($"{files.Count} files in {clock.Elapsed.TotalSeconds:0.0} s: evtxexport {referenceRecords} records, " +
                         $"Hopwatch {hopwatchRecords} records, {warnings} reader warnings");
        foreach (var k in KnownDifferences)
        {
            output.WriteLine($"  known difference {k.Id}{(k.File is null ? "" : " (" + k.File + ")")}: {absorbed[k.Id]} case(s)");
            foreach (var (_, d) in examples.Where(e => e.Id == k.Id)) output.WriteLine("      e.g. " + d);
        }

        var report = new StringBuilder();
        if (!crashes.IsEmpty)
        {
            report.AppendLine($"{crashes.Count} file(s) made the reader throw (it must warn and go on instead):");
            foreach (var c in crashes.OrderBy(c => c, StringComparer.Ordinal)) report.AppendLine("  " + c);
        }
        if (unexplained.Count > 0)
        {
            report.AppendLine($"{unexplained.Count} unexplained difference(s) from evtxexport in " +
                              $"{unexplained.Select(u => u.Diff.File).Distinct().Count()} file(s):");
            foreach (var g in unexplained.GroupBy(u => u.Diff.File))
            {
                var ctx = g.First().Context;
                report.AppendLine($"  {Rel(g.Key)}: evtxexport {ctx.Reference.Records.Count} records{(ctx.Reference.Aborted ? " (aborted)" : "")}, " +
                                  $"Hopwatch {ctx.HopwatchRecords} records, {ctx.Diagnostics.WarningCount} warnings; {g.Count()} difference(s)");
                foreach (var kind in g.GroupBy(u => (u.Diff.Kind, u.Diff.Field)).OrderByDescending(k => k.Count()))
                {
                    var first = kind.First().Diff;
                    report.AppendLine($"    {kind.Count(),5} × {first}" + (kind.Count() > 1 ? "  (first shown)" : ""));
                }
                if (report.Length > 60_000)
                {
                    report.AppendLine("  … (listing cut)");
                    break;
                }
            }
        }
        // An entry that explains nothing any more is removed, so the list only ever describes real differences.
        foreach (var k in KnownDifferences.Where(k => absorbed[k.Id] == 0))
            report.AppendLine($"known difference '{k.Id}'{(k.File is null ? "" : " for " + k.File)} no longer occurs: remove it from the allowlist.");

        Assert.True(report.Length == 0, "\n" + report);
    }

    private static List<string> SharedEvtxFiles()
    {
        var roots = new[] { SharedData.Evtx, Path.Combine(SharedData.Sigma, "regression_data") };
        return roots.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*.evtx", SearchOption.AllDirectories))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
    }

    private static string Rel(string file) => Path.GetRelativePath(SharedData.Root, file);

    private static bool SameHexNumber(string? a, string? b)
    {
        static ulong? Hex(string? s) =>
            s is not null && s.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v) ? v : null;
        var x = Hex(a);
        return x is not null && x == Hex(b);
    }

    private static bool SameNumberDecimalVsHex(string? dec, string? hex) =>
        dec is not null && hex is not null && hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
        ulong.TryParse(dec, NumberStyles.None, CultureInfo.InvariantCulture, out var d) &&
        ulong.TryParse(hex.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) && d == h;

}
