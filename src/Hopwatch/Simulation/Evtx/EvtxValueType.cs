namespace Hopwatch.Simulation.Evtx;

/// <summary>BinXML substitution value types the writer emits (subset of the format's value types).</summary>
public enum EvtxValueType : byte
{
    Null = 0x00,
    String = 0x01,
    UInt8 = 0x04,
    UInt16 = 0x06,
    UInt32 = 0x08,
    UInt64 = 0x0A,
    Guid = 0x0F,
    FileTime = 0x11,
    Sid = 0x13,
    HexInt64 = 0x15,
}
