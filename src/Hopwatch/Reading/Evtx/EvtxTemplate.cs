namespace Hopwatch.Reading.Evtx;

/// <summary>A template definition decoded once per chunk: its GUID and the node tree with substitution slots.</summary>
internal sealed class EvtxTemplate(Guid guid, int offset, BinXmlNode[] root)
{
    public Guid Guid { get; } = guid;
    /// <summary>Chunk offset of the definition (the cache key within a chunk).</summary>
    public int Offset { get; } = offset;
    public BinXmlNode[] Root { get; } = root;
}
