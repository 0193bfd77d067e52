namespace Hopwatch.Reading.Evtx;

/// <summary>A decoded fragment ready to walk: its nodes and the substitution values they refer to.</summary>
internal readonly ref struct BinXmlFragment(BinXmlNode[] nodes, ReadOnlySpan<BinXmlValueRef> values)
{
    public BinXmlNode[] Nodes { get; } = nodes;
    public ReadOnlySpan<BinXmlValueRef> Values { get; } = values;
}
