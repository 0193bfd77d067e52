using System.IO.Compression;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading;

namespace Hopwatch.Tests.Reading;

internal static class ReadingTestSupport
{
    public static (List<LogEvent> Events, ReadDiagnostics Diag) ReadText(string text, string name = "input", EvidenceReadOptions? options = null)
        => ReadBytes(Encoding.UTF8.GetBytes(text), name, options);

    public static (List<LogEvent> Events, ReadDiagnostics Diag) ReadBytes(byte[] bytes, string name = "input", EvidenceReadOptions? options = null)
    {
        var diag = new ReadDiagnostics();
        var events = EvidenceReader.ReadStream(new MemoryStream(bytes), name, options ?? new EvidenceReadOptions(), diag).ToList();
        return (events, diag);
    }

    public static (List<LogEvent> Events, ReadDiagnostics Diag) ReadPaths(params string[] paths) => ReadPaths(new EvidenceReadOptions(), paths);

    public static (List<LogEvent> Events, ReadDiagnostics Diag) ReadPaths(EvidenceReadOptions options, params string[] paths)
    {
        var diag = new ReadDiagnostics();
        var events = EvidenceReader.Read(paths, options, diag).ToList();
        return (events, diag);
    }

    public static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in entries)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(content);
            }
        return ms.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(content);
        return ms.ToArray();
    }

    public static string Warnings(ReadDiagnostics d) => string.Join("\n", d.Warnings.Take(20));
}
