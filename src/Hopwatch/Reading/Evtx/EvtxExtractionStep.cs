namespace Hopwatch.Reading.Evtx;

/// <summary>What one step of an <see cref="EvtxExtractionPlan"/> does; each mirrors one decision of the field extractor's walk.</summary>
internal enum EvtxExtractionOp : byte
{
    /// <summary>Charge <see cref="EvtxExtractionStep.Count"/> nodes to the record's budget (where the walk would visit them).</summary>
    Spend,
    /// <summary>
    /// An element that may be left out (only optional substitutions) or repeated per array item: left out, jump to
    /// <see cref="EvtxExtractionStep.Jump"/>; an array, the walk handles the element, then jump; else go on.
    /// </summary>
    Guard,
    /// <summary>A substitution among elements: a BinXml value in slot <see cref="EvtxExtractionStep.Slot"/> is extracted in place.</summary>
    Nested,
    /// <summary>The System element is done: stop when nobody wants the event.</summary>
    CheckInterest,
    /// <summary>A System element's attribute as Element_Attribute (Provider_Name also sets the event's provider).</summary>
    SystemAttribute,
    /// <summary>TimeCreated's SystemTime as TimeCreated (also the event time).</summary>
    SystemTime,
    /// <summary>A System element's text; <see cref="EvtxExtractionStep.Header"/> says which event header it also sets.</summary>
    SystemText,
    /// <summary>An EventData Data element: named statically, by a Name attribute holding values, or numbered (Data, Data_2, ...).</summary>
    DataField,
    /// <summary>Any other leaf: field named by the element, its content as the value.</summary>
    Field,
}

/// <summary>The event header a System element's text also sets.</summary>
internal enum EvtxHeaderField : byte { None, EventId, Channel, RecordId, Computer }

/// <summary>
/// One step of an <see cref="EvtxExtractionPlan"/>. Holds only template data (nodes, names, slot numbers), so a plan
/// serves every record of its template.
/// </summary>
internal readonly struct EvtxExtractionStep
{
    public EvtxExtractionOp Op { get; init; }
    /// <summary>Field name (null for a Data element named by its Name attribute's values or numbered).</summary>
    public string? Name { get; init; }
    /// <summary>The content parts rendered as the value.</summary>
    public BinXmlNode[] Parts { get; init; }
    /// <summary>Guard (and guarded value steps): the element.</summary>
    public BinXmlNode? Element { get; init; }
    /// <summary>SystemAttribute/SystemTime: the attribute when its presence depends on the values (else null); DataField: the Name attribute made of values.</summary>
    public BinXmlAttribute? Attribute { get; init; }
    /// <summary>Nested: the value slot. Spend: nodes to charge. Guard: index of the first step after the element's steps.</summary>
    public int Arg { get; init; }
    public int Slot => Arg;
    public int Count => Arg;
    public int Jump => Arg;
    /// <summary>
    /// Value steps whose content is one substitution: its slot (the value is that slot's text) and the step's place in
    /// the plan's <see cref="EvtxStepValues"/>; -1 for other content (rendered part by part).
    /// </summary>
    public int ValueSlot { get; init; }
    public int MemoIndex { get; init; }
    /// <summary>
    /// Guard of an element whose content is one substitution: that slot, so the guard reads one value instead of
    /// asking EvtxXmlRenderer.IsOmitted and TryArraySlot (the same answers for such an element); -1 otherwise.
    /// </summary>
    public int GuardSlot { get; init; }
    /// <summary>
    /// A value step that is also its element's guard (an element whose content is one substitution and whose only step
    /// is this one): <see cref="GuardSlot"/>, <see cref="MayBeOmitted"/>, <see cref="MayBeArray"/>, <see cref="Element"/>
    /// and <see cref="Scope"/> say what to check before the value, as a Guard step would.
    /// </summary>
    public bool Guarded { get; init; }
    /// <summary>Guard: the element may be left out (its content is only optional substitutions).</summary>
    public bool MayBeOmitted { get; init; }
    /// <summary>Guard: the element may be repeated per array item (no attributes, one substitution).</summary>
    public bool MayBeArray { get; init; }
    /// <summary>
    /// A field with a static name whose value is its content and nothing else to do (Field, and DataField named in the
    /// template): the commonest step, tested before the switch so runs of them take a well-predicted branch.
    /// </summary>
    public bool Simple { get; init; }
    /// <summary>EventFields' lookup bit of <see cref="Name"/>, worked out once.</summary>
    public ulong NameBit { get; init; }
    /// <summary>The depth the walk would pass at this point, relative to the plan's start.</summary>
    public int Depth { get; init; }
    /// <summary>Guard and Nested: the scope the walk would be in.</summary>
    public EvtxExtractionScope Scope { get; init; }
    public EvtxHeaderField Header { get; init; }
    /// <summary>SystemAttribute: also the event's provider. SystemText: the value is shared through the value cache.</summary>
    public bool Flag { get; init; }
}
