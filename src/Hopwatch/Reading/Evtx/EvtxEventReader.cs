using Hopwatch.Events;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Native EVTX reader: records as <see cref="LogEvent"/> with raw System + EventData/UserData fields.
/// CONTRACT PLACEHOLDER — the EVTX issue replaces the bodies; the signatures are what other stages use.
/// </summary>
public static class EvtxEventReader
{
    /// <summary>Reads records from a stream (need not be seekable), in file order. Damage is reported to <paramref name="diag"/>.</summary>
    public static IEnumerable<LogEvent> Read(Stream stream, string displayName, ReadDiagnostics diag, CancellationToken ct = default)
        => throw new NotSupportedException("EVTX reader not built yet");

    /// <summary>Reads a file, decoding chunks on up to <paramref name="threads"/> threads; output stays in file order.</summary>
    public static IEnumerable<LogEvent> ReadFile(string path, ReadDiagnostics diag, int threads = 1, CancellationToken ct = default)
        => throw new NotSupportedException("EVTX reader not built yet");
}
