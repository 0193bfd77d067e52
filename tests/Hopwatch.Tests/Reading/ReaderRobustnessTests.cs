using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Reading.ReadingTestSupport;

namespace Hopwatch.Tests.Reading;

/// <summary>
/// Damaged text evidence never crashes or hangs a reader: every fixture of every format is cut,
/// flipped and spliced (fixed seed) and read; only warnings may come out.
/// </summary>
public class ReaderRobustnessTests
{
    private static readonly string Fixtures = Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures");

    public static IEnumerable<object[]> Inputs()
    {
        foreach (var f in Directory.EnumerateFiles(Fixtures).Order(StringComparer.Ordinal)) yield return [Path.GetFileName(f)];
        yield return ["auth"];
        yield return ["journal"];
        yield return ["zip"];
    }

    private static byte[] Load(string name) => name switch
    {
        "auth" => Encoding.UTF8.GetBytes("Dec 31 23:59:58 bastion sshd[811]: Accepted publickey for alice from 10.0.0.5 port 51234 ssh2\nJan  1 00:00:02 bastion sshd[812]: Invalid user bob from 10.0.0.9 port 4242\n"),
        "journal" => Encoding.UTF8.GetBytes("{\"__REALTIME_TIMESTAMP\":\"1709633472345678\",\"_HOSTNAME\":\"web01\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"MESSAGE\":\"Failed password for root from 203.0.113.4 port 50022 ssh2\"}\n"),
        "zip" => Zip(("a/x.jsonl.gz", Gzip(File.ReadAllBytes(Path.Combine(Fixtures, "logon.flat.jsonl")))), ("b.xml", File.ReadAllBytes(Path.Combine(Fixtures, "logon.xml")))),
        _ => File.ReadAllBytes(Path.Combine(Fixtures, name)),
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void MutatedInputNeverThrows(string name)
    {
        var original = Load(name);
        var rng = new Random(1021 ^ StableSeed(name)); // string.GetHashCode is randomised per process: a failure must reproduce
        for (int round = 0; round < 300; round++)
        {
            var bytes = Mutate(original, rng);
            var diag = new ReadDiagnostics();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            var events = EvidenceReader.ReadStream(new MemoryStream(bytes), name, new EvidenceReadOptions(), diag).ToList();
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(10), $"{name} round {round} took {sw.Elapsed}");
            Assert.All(events, e => Assert.Equal(DateTimeKind.Utc, e.Time.Kind));
        }
    }

    private static int StableSeed(string name)
    {
        int h = 0;
        foreach (char c in name) h = unchecked(h * 31 + c);
        return h & 0x7fff;
    }

    private static byte[] Mutate(byte[] src, Random rng)
    {
        var b = src.ToList();
        int edits = rng.Next(1, 6);
        for (int i = 0; i < edits && b.Count > 0; i++)
        {
            int at = rng.Next(b.Count);
            switch (rng.Next(5))
            {
                case 0: b[at] = (byte)rng.Next(256); break;                                   // flip a byte
                case 1: b.RemoveRange(at, Math.Min(b.Count - at, rng.Next(1, 64))); break;  // delete a run
                case 2: b.RemoveRange(at, b.Count - at); break;                             // truncate
                case 3:                                                                      // splice
                    int from = rng.Next(b.Count);
                    b.InsertRange(at, b.GetRange(from, Math.Min(32, b.Count - from)));
                    break;
                default: b.Insert(at, "{[<\"\\\n,:\0"u8[rng.Next(9)]); break;               // structural character
            }
        }
        return b.ToArray();
    }
}
