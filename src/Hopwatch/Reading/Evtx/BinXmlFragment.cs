namespace Hopwatch.Reading.Evtx;

/// <summary>
/// A decoded fragment ready to walk: its nodes and the substitution values they refer to, and the template when the
/// fragment is a template instance (its nodes are then the template's root; null for a fragment decoded on the spot).
/// </summary>
internal readonly ref struct BinXmlFragment(BinXmlNode[] nodes, ReadOnlySpan<BinXmlValueRef> values, EvtxTemplate? template = null)
{
    public BinXmlNode[] Nodes { get; } = nodes;
    public ReadOnlySpan<BinXmlValueRef> Values { get; } = values;
    public EvtxTemplate? Template { get; } = template;
}
