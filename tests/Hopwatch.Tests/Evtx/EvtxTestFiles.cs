using Hopwatch.Events;
using Hopwatch.Reading.Evtx;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Evtx;

/// <summary>Paths of the shared EVTX samples and a helper that reads one with fresh diagnostics.</summary>
internal static class EvtxTestFiles
{
    public static string EdgeCases => Path.Combine(SharedData.Evtx, "parser-edge-cases");
    public static string EdgeCase(string name) => Path.Combine(EdgeCases, name);

    public static (List<LogEvent> Events, ReadDiagnostics Diag) ReadAll(string path, int threads = 1)
    {
        var diag = new ReadDiagnostics();
        var events = EvtxEventReader.ReadFile(path, diag, threads).ToList();
        return (events, diag);
    }

    public static LogEvent Record(List<LogEvent> events, long recordId) => events.Single(e => e.RecordId == recordId);

    /// <summary>Every .evtx under ../shared/data/evtx and ../shared/data/sigma/regression_data.</summary>
    public static IEnumerable<string> AllSharedFiles()
    {
        var roots = new[] { SharedData.Evtx, Path.Combine(SharedData.Sigma, "regression_data") };
        return roots.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*.evtx", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>One line per event with every field, for comparing two reads.</summary>
    public static string Fingerprint(LogEvent e)
        => $"{e.RecordId}|{e.Time:O}|{e.EventId}|{e.Channel}|{e.Provider}|{e.Computer}|"
           + string.Join("|", e.Fields.All().Select(kv => kv.Key + "=" + kv.Value));
}
