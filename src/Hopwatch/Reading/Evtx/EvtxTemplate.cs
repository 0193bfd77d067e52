namespace Hopwatch.Reading.Evtx;

/// <summary>A template definition decoded once per chunk: its GUID and the node tree with substitution slots.</summary>
internal sealed class EvtxTemplate(Guid guid, int offset, BinXmlNode[] root)
{
    public Guid Guid { get; } = guid;
    /// <summary>Chunk offset of the definition where it was first decoded (a cached template serves later chunks too).</summary>
    public int Offset { get; } = offset;
    public BinXmlNode[] Root { get; } = root;
    /// <summary>First four bytes of the GUID, which template instances repeat as their template id.</summary>
    public uint Id { get; } = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(guid.ToByteArray());
}
