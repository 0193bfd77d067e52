using Hopwatch.Events;
using Hopwatch.Reading.Evtx;
using SharpFuzz;

namespace Hopwatch.Fuzz;

/// <summary>
/// Fuzz target: one input = one EVTX file, read to the end with <see cref="EvtxEventReader.Read"/>.
/// Any exception that escapes the reader is a finding (the reader must turn bad data into warnings);
/// hangs are caught by the fuzzer's own timeout (-t).
///   hopwatch-fuzz afl            AFL++ / afl-fuzz, out-of-process fork server (default)
///   hopwatch-fuzz libfuzzer      libFuzzer through libfuzzer-dotnet
///   hopwatch-fuzz repro FILE...  run inputs once without any fuzzer (reproduce a crash, check a corpus)
///   hopwatch-fuzz seeds OUTDIR FILE...  write seed inputs: each file's header + first chunk, checksums valid
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "afl";
        switch (mode)
        {
            case "afl":
                Fuzzer.OutOfProcess.Run(stream => ReadAll(stream));
                return 0;
            case "libfuzzer":
                Fuzzer.LibFuzzer.Run(span => ReadAll(new MemoryStream(span.ToArray(), writable: false)));
                return 0;
            case "repro":
                return Repro(args.Skip(1));
            case "seeds" when args.Length >= 3:
                return Seeds(args[1], args.Skip(2));
            default:
                Console.Error.WriteLine("usage: Hopwatch.Fuzz [afl | libfuzzer | repro FILE|DIR... | seeds OUTDIR FILE...]");
                return 2;
        }
    }

    /// <summary>The target. Fields are touched so every lazily decoded value is decoded too.</summary>
    private static long ReadAll(Stream input)
    {
        var diag = new ReadDiagnostics();
        long n = 0;
        foreach (var e in EvtxEventReader.Read(input, "fuzz-input", diag))
        {
            for (int i = 0; i < e.Fields.Count; i++) n += e.Fields.ValueAt(i)?.Length ?? 0;
            n += e.Channel.Length + e.Provider.Length + e.Computer.Length;
        }
        return n + diag.WarningCount;
    }

    private static int Repro(IEnumerable<string> paths)
    {
        int failed = 0, total = 0;
        foreach (var path in paths.SelectMany(p => Directory.Exists(p) ? Directory.EnumerateFiles(p) : [p]))
        {
            total++;
            try
            {
                using var s = File.OpenRead(path);
                var sw = System.Diagnostics.Stopwatch.StartNew();
                ReadAll(s);
                if (sw.Elapsed.TotalSeconds > 2) Console.WriteLine($"SLOW {sw.Elapsed.TotalSeconds:0.0} s {path}");
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine($"CRASH {path}: {e}");
            }
        }
        Console.WriteLine($"{total} input(s), {failed} crash(es)");
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Seeds: the file header and first chunk of each file (68 KB; a chunk is the smallest unit that holds
    /// records), chunk count set to one and checksums recomputed so the fuzzer starts from inputs that decode.
    /// </summary>
    private static int Seeds(string outDir, IEnumerable<string> files)
    {
        Directory.CreateDirectory(outDir);
        int n = 0;
        foreach (var f in files)
        {
            var bytes = File.ReadAllBytes(f);
            if (bytes.Length < Hopwatch.Tests.Support.EvtxLayout.FileHeaderSize) continue;
            var seed = Hopwatch.Tests.Support.EvtxLayout.Prefix(bytes, chunks: 1);
            string name = $"{n:D3}-" + string.Concat(Path.GetFileNameWithoutExtension(f).Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));
            File.WriteAllBytes(Path.Combine(outDir, name[..Math.Min(name.Length, 60)] + ".evtx"), seed);
            n++;
        }
        Console.WriteLine($"{n} seed(s) in {outDir}");
        return 0;
    }
}
