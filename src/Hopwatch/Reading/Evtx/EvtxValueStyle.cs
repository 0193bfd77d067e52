namespace Hopwatch.Reading.Evtx;

/// <summary>How typed values become text where renderers disagree.</summary>
public enum EvtxValueStyle
{
    /// <summary>As Windows renders event XML: hex integers without padding (0x3e7), pointer-sized values in hex.</summary>
    Windows,
    /// <summary>As libevtx's evtxexport renders them: hex integers zero-padded to their width, pointer-sized values in decimal.</summary>
    Libevtx,
}
