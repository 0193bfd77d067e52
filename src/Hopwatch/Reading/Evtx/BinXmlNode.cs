using System.Runtime.InteropServices;

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
    /// <summary>
    /// Text, CDATA or PI data. A value node of a one-off fragment (<see cref="Transient"/>) keeps only where its
    /// characters lie in the chunk (<see cref="SetTextInChunk"/>) and makes a string only when asked for this one:
    /// the dump reads <see cref="TextSpan"/> and never needs it.
    /// </summary>
    public string Text
    {
        get => _text ??= new string(TextSpan);
        set
        {
            _text = value;
            _textSource = null;
        }
    }

    /// <summary>The characters of <see cref="Text"/>, without making a string of text still in the chunk.</summary>
    public ReadOnlySpan<char> TextSpan => _text is not null ? _text
        : MemoryMarshal.Cast<byte, char>(_textSource.AsSpan(_textOffset, 2 * _textChars));

    private string? _text = "";
    /// <summary>Chunk data holding <see cref="Text"/> while <see cref="_text"/> is null; valid for the record being decoded only.</summary>
    private byte[]? _textSource;
    /// <summary>16-bit: a chunk is 64 KiB (so is the longest counted string), and with the other small fields they fit the padding a node has anyway.</summary>
    private ushort _textOffset, _textChars;

    /// <summary>
    /// Makes <see cref="Text"/> the <paramref name="chars"/> UTF-16 characters at <paramref name="offset"/> of
    /// <paramref name="data"/>, read when used. Only for transient nodes: the chunk buffer is reused for the next
    /// chunk, and transient nodes are recycled before that (<see cref="BinXmlTransientNodes"/>).
    /// </summary>
    public void SetTextInChunk(byte[] data, int offset, int chars)
    {
        if ((uint)offset > ushort.MaxValue || (uint)chars > ushort.MaxValue || offset + 2L * chars > data.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), "text outside a chunk");
        _text = null;
        _textSource = data;
        _textOffset = (ushort)offset;
        _textChars = (ushort)chars;
    }
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

    /// <summary>Back to a new node's state, for a recycled transient node (every field, so nothing of its last use shows through).</summary>
    public void Reset()
    {
        Kind = default;
        Name = "";
        _text = "";
        _textSource = null;
        _textOffset = _textChars = 0;
        Attributes = BinXmlAttribute.None;
        Children = None;
        EmptyElement = false;
        SubstitutionId = 0;
        Optional = false;
        ValueType = 0;
        CharValue = 0;
        Template = null;
        Values = null;
        HasElementChildren = false;
        OnlyOptionalChildren = 0;
        JsonText = null;
        Transient = false;
    }
}

/// <summary>An attribute: name and the content parts its value is made of (text, substitutions, references).</summary>
internal sealed class BinXmlAttribute(string name, BinXmlNode[] parts)
{
    public static readonly BinXmlAttribute[] None = [];
    /// <summary>Settable only for recycling a transient attribute (<see cref="BinXmlTransientNodes"/>).</summary>
    public string Name { get; internal set; } = name;
    public BinXmlNode[] Parts { get; internal set; } = parts;
    /// <summary>"Element_Attribute", computed once per template (System field names such as Execution_ProcessID).</summary>
    public string QualifiedName = "";
}

/// <summary>Where one substitution value lies in the chunk buffer.</summary>
internal readonly record struct BinXmlValueRef(byte Type, int Offset, int Size)
{
    public bool IsNull => Type == BinXmlValueType.Null || Size == 0;
}
