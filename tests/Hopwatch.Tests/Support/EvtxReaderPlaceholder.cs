using Hopwatch.Events;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Support;

/// <summary>
/// TEMPORARY: true while EvtxEventReader is still the contract placeholder (throws NotSupportedException),
/// so the EVTX comparison and mutation tests can be merged before the reader. Delete with its uses once the
/// reader lands (branch evtx).
/// </summary>
public static class EvtxReaderPlaceholder
{
    public static bool Active { get; } = Probe();

    private static bool Probe()
    {
        try
        {
            _ = EvtxEventReader.Read(new MemoryStream(new byte[16]), "probe", new ReadDiagnostics()).Take(1).ToList();
            return false;
        }
        catch (NotSupportedException e) when (e.Message.Contains("not built yet", StringComparison.Ordinal))
        {
            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }
}
