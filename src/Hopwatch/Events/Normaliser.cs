namespace Hopwatch.Events;

/// <summary>
/// Fills the typed normalised view of a <see cref="LogEvent"/> from its raw fields, whatever the
/// source called them. CONTRACT PLACEHOLDER — the readers issue builds the real mapping.
/// </summary>
public static class Normaliser
{
    public static void Normalise(LogEvent e)
    {
        if (string.IsNullOrEmpty(e.Host) && !string.IsNullOrEmpty(e.Computer))
        {
            e.Host = e.Computer.ToLowerInvariant();
            var dot = e.Host.IndexOf('.');
            e.HostShort = dot > 0 ? e.Host[..dot] : e.Host;
        }
    }
}
