using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Reading.Evtx;
using Hopwatch.Reporting;

namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch dump`: every record of the evidence as JSON lines (raw fields) or, for EVTX, as XML.</summary>
public sealed class DumpCommand : ICliCommand
{
    private const int MaxPrintedWarnings = 20;

    public string Name => "dump";
    public string Summary => "print every record as JSON lines (or EVTX as XML)";
    public string Usage => """
        usage: hopwatch dump PATH... [--format jsonl|xml] [--threads N] [--normalised] [--input-format NAME] [--count]

        Reads evidence files or folders and writes one record per line to stdout.
          --format jsonl   (default) one JSON object per record: record_id, time, event_id, channel,
                           provider, computer, file, and data (every raw field, by name)
          --format xml     EVTX records as XML, in evtxexport's layout
          --threads N      decode on N threads (default 1); output stays in file order
          --normalised     add each event's normalised view (kind, host, user, source, logon type,
                           process, share, service, ...) under "normalised" (jsonl only)
          --input-format NAME  read every input as NAME instead of detecting the format from content:
                           evtx, xml, jsonl (flat NXLog), ecs, sentinel, defender, regression,
                           authlog, syslog, journald
          --count          read (and with --normalised, normalise) everything but print only the
                           summary line: checks evidence and measures reading speed
        A summary line goes to stderr: files, records, warnings, seconds. Warnings about damaged input
        go to stderr too (the first 20, then a count); the exit code stays 0.
        """;

    public int Run(string[] args)
    {
        var a = CliArgs.Parse(args, "--normalised", "--count");
        string format = a.Option("--format") ?? "jsonl";
        int threads = a.Int("--threads", 1, 1, 256);
        bool normalised = a.Flag("--normalised");
        bool countOnly = a.Flag("--count");
        string? inputFormatName = a.Option("--input-format");
        a.RejectUnknown();
        SourceFormat? inputFormat = null;
        if (inputFormatName is not null)
            inputFormat = InputFormats.Parse(inputFormatName)
                ?? throw new CliUsageException($"--input-format: unknown format '{inputFormatName}' (known: {string.Join(", ", InputFormats.Names.Keys)})");
        if (normalised && format != "jsonl") throw new CliUsageException("--normalised needs --format jsonl");
        if (format is not ("jsonl" or "xml")) throw new CliUsageException($"--format must be jsonl or xml, got '{format}'");
        if (a.Positionals.Count == 0) throw new CliUsageException("give at least one PATH");
        foreach (var p in a.Positionals)
        {
            if (!File.Exists(p) && !Directory.Exists(p))
            {
                Console.Error.WriteLine($"hopwatch dump: no such file or directory: {p}");
                return 1;
            }
        }

        // Warnings are listed at the end, ordered by file and place (ReadDiagnostics.WarningsInOrder): printed as the
        // reading threads hit them, the first 20 differed from run to run and from one thread count to another.
        var diag = new ReadDiagnostics();
        var sw = Stopwatch.StartNew();
        using (var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16))
        {
            if (countOnly)
            {
                foreach (var _ in EvidenceReader.Read(a.Positionals, new EvidenceReadOptions { Normalise = normalised, Threads = threads, Format = inputFormat }, diag)) { }
            }
            else if (format == "jsonl") WriteJsonLines(a.Positionals, new EvidenceReadOptions { Normalise = normalised, Threads = threads, Format = inputFormat, KeepFileOrder = true }, diag, stdout);
            else WriteXml(a.Positionals, diag, stdout);
        }
        sw.Stop();
        foreach (var w in diag.WarningsInOrder().Take(MaxPrintedWarnings)) Console.Error.WriteLine("warning: " + Sanitise(w.ToString()));
        if (diag.WarningCount > MaxPrintedWarnings)
            Console.Error.WriteLine($"warning: ... {diag.WarningCount - MaxPrintedWarnings} more warnings not shown");
        Console.Error.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"dump: {diag.FileCount} files, {diag.RecordCount} records, {diag.WarningCount} warnings, {sw.Elapsed.TotalSeconds:0.00} s"));
        return 0;
    }

    private static void WriteJsonLines(IEnumerable<string> paths, EvidenceReadOptions readOptions, ReadDiagnostics diag, Stream output)
    {
        // The raw dump is the throughput path (benchmarked against evtxexport): EVTX straight to JSON.
        if (!readOptions.Normalise) RawJsonDump.Write(paths, readOptions, diag, output);
        else WriteNormalised(EvidenceReader.Read(paths, readOptions, diag), output);
    }

    /// <summary>A method of its own: the raw dump then does not load System.Text.Json at start-up.</summary>
    private static void WriteNormalised(IEnumerable<LogEvent> events, Stream output)
    {
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
        using var writer = new Utf8JsonWriter(output, options);
        var newline = "\n"u8.ToArray();
        foreach (var e in events)
        {
            writer.WriteStartObject();
            writer.WriteNumber("record_id"u8, e.RecordId);
            writer.WriteString("time"u8, e.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            writer.WriteNumber("event_id"u8, e.EventId);
            writer.WriteString("channel"u8, e.Channel);
            writer.WriteString("provider"u8, e.Provider);
            writer.WriteString("computer"u8, e.Computer);
            writer.WriteString("file"u8, e.File);
            writer.WriteStartObject("data"u8);
            var f = e.Fields;
            for (int i = 0; i < f.Count; i++)
            {
                var v = f.ValueAt(i);
                if (v is null) writer.WriteNull(f.NameAt(i));
                else writer.WriteString(f.NameAt(i), v);
            }
            writer.WriteEndObject();
            writer.WritePropertyName("normalised"u8);
            NormalisedViewWriter.Write(writer, e);
            writer.WriteEndObject();
            writer.Flush();
            writer.Reset(output);
            output.Write(newline);
        }
    }

    private static void WriteXml(IEnumerable<string> paths, ReadDiagnostics diag, Stream output)
    {
        using var text = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        foreach (var p in paths)
        {
            var files = Directory.Exists(p)
                ? Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                : new[] { p }.AsEnumerable();
            foreach (var f in files)
            {
                if (!f.EndsWith(".evtx", StringComparison.OrdinalIgnoreCase))
                {
                    diag.Unrecognised(f, "--format xml renders EVTX files only");
                    continue;
                }
                foreach (var r in EvtxEventReader.ReadXml(f, diag))
                {
                    text.Write(r.Xml);
                    text.Write('\n');
                }
            }
        }
    }

    /// <summary>Warnings quote file names and data from the evidence: keep control characters off the terminal.</summary>
    private static string Sanitise(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s) sb.Append(char.IsControl(c) ? '?' : c);
        return sb.ToString();
    }
}
