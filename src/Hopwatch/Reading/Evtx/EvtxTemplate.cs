namespace Hopwatch.Reading.Evtx;

/// <summary>A template definition decoded once per chunk: its GUID and the node tree with substitution slots.</summary>
internal sealed class EvtxTemplate(Guid guid, int offset, BinXmlNode[] root)
{
    private static int s_serials;

    public Guid Guid { get; } = guid;
    /// <summary>Chunk offset of the definition where it was first decoded (a cached template serves later chunks too).</summary>
    public int Offset { get; } = offset;
    public BinXmlNode[] Root { get; } = root;
    /// <summary>First four bytes of the GUID, which template instances repeat as their template id.</summary>
    public uint Id { get; } = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(guid.ToByteArray());
    /// <summary>A number of its own, in order of decoding: spreads per-thread tables keyed by template without hashing the object.</summary>
    public int Serial { get; } = Interlocked.Increment(ref s_serials);

    /// <summary>Extraction plans by scope, compiled on first use and shared by every thread (the tree never changes).</summary>
    private EvtxExtractionPlan?[]? _plans;

    /// <summary>
    /// The extraction plan of walking this template in <paramref name="scope"/>, or null when the walk must do it.
    /// Threads that ask at once may each compile it (equal plans; one is kept).
    /// </summary>
    public EvtxExtractionPlan? PlanFor(EvtxExtractionScope scope)
    {
        var plans = Volatile.Read(ref _plans);
        if (plans is null)
        {
            Interlocked.CompareExchange(ref _plans, new EvtxExtractionPlan?[EvtxExtractionPlan.Scopes], null);
            plans = _plans!;
        }
        var plan = Volatile.Read(ref plans[(int)scope]);
        if (plan is null)
        {
            plan = EvtxExtractionPlan.Compile(Root, scope) ?? EvtxExtractionPlan.None;
            Volatile.Write(ref plans[(int)scope], plan);
        }
        return ReferenceEquals(plan, EvtxExtractionPlan.None) ? null : plan;
    }
}
