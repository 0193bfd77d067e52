namespace Hopwatch.Reading.Evtx;

internal enum BinXmlNodeKind : byte
{
    Element,
    /// <summary>Literal text (a value token, already rendered).</summary>
    Text,
    Substitution,
    CharRef,
    EntityRef,
    CData,
    ProcessingInstruction,
    /// <summary>A template instance inside a non-template fragment (record body without template, nested BinXml).</summary>
    TemplateInstance,
}

/// <summary>
/// One node of a decoded Binary XML fragment. Templates are decoded once per chunk into these trees and
/// then rendered for every record with that record's substitution values, so nodes hold no record data
/// (except <see cref="BinXmlNodeKind.TemplateInstance"/> nodes of one-off fragments).
/// </summary>
internal sealed class BinXmlNode
{
    public static readonly BinXmlNode[] None = [];

    public BinXmlNodeKind Kind;
    /// <summary>Element name, entity name or PI target.</summary>
    public string Name = "";
    /// <summary>Text, CDATA or PI data.</summary>
    public string Text = "";
    public BinXmlAttribute[] Attributes = BinXmlAttribute.None;
    public BinXmlNode[] Children = None;
    /// <summary>Element written with CloseEmptyElement (no content section).</summary>
    public bool EmptyElement;
    public ushort SubstitutionId;
    public bool Optional;
    public byte ValueType;
    public ushort CharValue;
    public EvtxTemplate? Template;
    public BinXmlValueRef[]? Values;

    /// <summary>True when every child is a text-like node (no elements or nested XML that would need structure).</summary>
    public bool HasElementChildren;

    /// <summary>
    /// Whether every child is an optional substitution, the only content that lets an element be left out
    /// (see EvtxXmlRenderer.IsOmitted): 0 not yet known, 1 yes, 2 no. Worked out on first use, once per
    /// template node instead of once per record (a benign race: every thread computes the same value).
    /// </summary>
    public byte OnlyOptionalChildren;

    /// <summary>
    /// <see cref="Text"/> as a JSON string literal, for the dump: static text in a template (provider names,
    /// GUIDs, channels) is encoded once, not once per record. Set on first use (a benign race: same bytes).
    /// </summary>
    public byte[]? JsonText;

    /// <summary>
    /// A value node of a one-off fragment (a record body without a template, nested BinXml): dropped with
    /// its record, so caches such as <see cref="JsonText"/> would only allocate.
    /// </summary>
    public bool Transient;
}

/// <summary>An attribute: name and the content parts its value is made of (text, substitutions, references).</summary>
internal sealed class BinXmlAttribute(string name, BinXmlNode[] parts)
{
    public static readonly BinXmlAttribute[] None = [];
    public string Name { get; } = name;
    public BinXmlNode[] Parts { get; } = parts;
    /// <summary>"Element_Attribute", computed once per template (System field names such as Execution_ProcessID).</summary>
    public string QualifiedName = "";
}

/// <summary>Where one substitution value lies in the chunk buffer.</summary>
internal readonly record struct BinXmlValueRef(byte Type, int Offset, int Size)
{
    public bool IsNull => Type == BinXmlValueType.Null || Size == 0;
}
