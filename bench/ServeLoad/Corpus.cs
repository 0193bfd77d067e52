using System.Text;

namespace Hopwatch.Bench.ServeLoad;

/// <summary>
/// The events of a `hopwatch simulate --formats json` output (one NXLog-style JSON file per host),
/// merged into one time-ordered stream as a SOC's log pipeline would forward them: a realistic mix
/// (logons, logoffs, Kerberos, share access, Sysmon, RDP session events, ...) with the simulator's
/// attack scenarios inside, so the service raises real alerts whose latency can be measured.
/// </summary>
public static class Corpus
{
    private static readonly byte[] TimestampKey = "\"@timestamp\":\""u8.ToArray();

    /// <summary>Up to <paramref name="max"/> lines of DIR/json/*.json (or DIR/*.json), oldest first.</summary>
    public static List<byte[]> Load(string dir, long max)
    {
        var jsonDir = Directory.Exists(Path.Combine(dir, "json")) ? Path.Combine(dir, "json") : dir;
        var files = Directory.GetFiles(jsonDir, "*.json").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw new FileNotFoundException($"no *.json event files in {jsonDir}");
        // Each host's file is in time order: a k-way merge on the @timestamp text (ISO-8601 UTC sorts as text).
        var readers = files.Select(f => File.ReadLines(f).GetEnumerator()).ToArray();
        var queue = new PriorityQueue<int, (string Time, int File)>();
        var current = new string[readers.Length];
        for (int i = 0; i < readers.Length; i++) Advance(i);
        var lines = new List<byte[]>();
        while (lines.Count < max && queue.TryDequeue(out int f, out _))
        {
            lines.Add(Encoding.UTF8.GetBytes(current[f]));
            Advance(f);
        }
        foreach (var r in readers) r.Dispose();
        return lines;

        void Advance(int i)
        {
            while (readers[i].MoveNext())
            {
                var line = readers[i].Current;
                if (line.Length == 0) continue;
                current[i] = line;
                queue.Enqueue(i, (TimeOf(line), i));
                return;
            }
        }
    }

    private static string TimeOf(string line)
    {
        int at = line.IndexOf("\"@timestamp\":\"", StringComparison.Ordinal);
        if (at < 0) return "";
        int start = at + TimestampKey.Length;
        int end = line.IndexOf('"', start);
        return end < 0 ? "" : line[start..end];
    }
}
