using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Decodes Binary XML tokens of one chunk into <see cref="BinXmlNode"/> trees (templates, record bodies
/// without a template, nested BinXml values) and reads template instances. Every read is bounds-checked
/// against the fragment end; nesting is capped at <see cref="MaxDepth"/>.
/// </summary>
internal sealed class BinXmlParser(EvtxChunk chunk)
{
    public const int MaxDepth = 40;
    public const int MaxValuesPerInstance = 4096;

    private byte[] B => chunk.Data;

    /// <summary>
    /// While a template definition is decoded for <see cref="EvtxTemplateCache"/>: where its chunk
    /// offsets are (name references, inline names' next-string links). Null otherwise.
    /// </summary>
    public List<EvtxTemplateCache.OffsetField>? OffsetFields;
    /// <summary>Counts decodings that make a template depend on more than its own bytes (not cacheable).</summary>
    public int PositionDependentParts;
    public EvtxChunk Chunk => chunk;

    /// <summary>
    /// Children and attributes being collected, as stacks: each element's content is gathered above what
    /// its ancestors gathered and copied out to an exact array when it closes, so decoding allocates no
    /// lists (one-off fragments are decoded for every record that has one).
    /// </summary>
    private readonly List<BinXmlNode> _nodeStack = new(64);
    private readonly List<BinXmlAttribute> _attributeStack = new(16);

    /// <summary>Where the trees of one-off fragments come from; <see cref="RecycleTransientNodes"/> after each record.</summary>
    internal BinXmlTransientNodes Transient { get; } = new();

    /// <summary>The record being decoded is done: trees of its one-off fragments may be reused (see <see cref="BinXmlTransientNodes"/>).</summary>
    public void RecycleTransientNodes() => Transient.Recycle();

    /// <summary>A new node: kept with the template (inside a definition) or recycled with the record.</summary>
    private BinXmlNode NewNode(bool inTemplate) => inTemplate ? new BinXmlNode() : Transient.Node();

    private static void Need(int pos, int n, int end)
    {
        if (pos < 0 || (long)pos + n > end)
            throw new EvtxFormatException($"token at 0x{pos:x} runs past its end 0x{end:x}", pos);
    }

    private static void CheckDepth(int depth, int pos)
    {
        if (depth > MaxDepth) throw new EvtxFormatException("binary XML nested too deeply", pos);
    }

    /// <summary>Decodes a fragment (top-level content up to end-of-fragment or <paramref name="end"/>).</summary>
    public BinXmlNode[] ParseFragment(int pos, int end, int depth, bool inTemplate)
    {
        CheckDepth(depth, pos);
        if (depth == 0)
        {
            // A record's own fragment: nothing is being collected, except what a failed record left behind.
            _nodeStack.Clear();
            _attributeStack.Clear();
        }
        var nodes = ReadContent(ref pos, end, depth, topLevel: true, inTemplate);
        return nodes;
    }

    private BinXmlNode[] ReadContent(ref int pos, int end, int depth, bool topLevel, bool inTemplate)
    {
        int first = _nodeStack.Count;
        while (pos < end)
        {
            byte token = B[pos];
            BinXmlNode? node;
            switch (token & 0xBF)
            {
                case BinXmlToken.EndOfFragment:
                    pos++;
                    return PopNodes(first, inTemplate);
                case BinXmlToken.EndElement:
                    if (topLevel) throw new EvtxFormatException("end-of-element outside an element", pos);
                    pos++;
                    return PopNodes(first, inTemplate);
                case BinXmlToken.FragmentHeader:
                    Need(pos, 4, end);
                    pos += 4;
                    continue;
                case BinXmlToken.OpenStartElement:
                    node = ReadElement(ref pos, end, depth + 1, inTemplate);
                    break;
                case BinXmlToken.TemplateInstance:
                    node = ReadTemplateInstanceNode(ref pos, end, depth + 1, inTemplate);
                    break;
                case BinXmlToken.PITarget:
                    node = ReadProcessingInstruction(ref pos, end, inTemplate);
                    break;
                case BinXmlToken.Value:
                case BinXmlToken.CDataSection:
                case BinXmlToken.CharRef:
                case BinXmlToken.EntityRef:
                case BinXmlToken.NormalSubstitution:
                case BinXmlToken.OptionalSubstitution:
                    node = ReadValuePart(ref pos, end, inTemplate);
                    break;
                default:
                    throw new EvtxFormatException($"unexpected binary XML token 0x{token:x2}", pos);
            }
            _nodeStack.Add(node);
        }
        // Ran off the end without end-of-fragment: accept at top level (some writers omit it), not inside an element.
        if (!topLevel) throw new EvtxFormatException("element not closed before the end of its fragment", pos);
        return PopNodes(first, inTemplate);
    }

    /// <summary>The nodes collected from <paramref name="first"/> on, as an array, taken off the stack.</summary>
    private BinXmlNode[] PopNodes(int first, bool inTemplate)
    {
        int count = _nodeStack.Count - first;
        if (count == 0) return BinXmlNode.None;
        var collected = CollectionsMarshal.AsSpan(_nodeStack).Slice(first, count);
        var nodes = inTemplate ? collected.ToArray() : Transient.Nodes(collected);
        _nodeStack.RemoveRange(first, count);
        return nodes;
    }

    private BinXmlNode ReadElement(ref int pos, int end, int depth, bool inTemplate)
    {
        CheckDepth(depth, pos);
        int start = pos;
        byte token = B[pos];
        // Inside template definitions: token, dependency id (u16), data size (u32), name offset (u32).
        // Fragments outside templates (records without a template, e.g. forwarded events) have no
        // dependency id. When the expected layout gives an impossible name offset, try the other one.
        bool withDependencyId = inTemplate;
        int headerSize = withDependencyId ? 11 : 9;
        Need(pos, headerSize, end);
        int nameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos + headerSize - 4));
        if (!PlausibleNameOffset(nameOffset, pos + headerSize) && pos + 11 <= end)
        {
            int otherSize = withDependencyId ? 9 : 11;
            int other = (int)BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos + otherSize - 4));
            if (PlausibleNameOffset(other, pos + otherSize)) { headerSize = otherSize; nameOffset = other; PositionDependentParts++; }
        }
        pos += headerSize;
        string name = ReadNameRef(nameOffset, ref pos, end);
        if ((token & BinXmlToken.MoreFlag) != 0)
        {
            Need(pos, 4, end);
            pos += 4; // attribute list size: attributes are read token by token instead
        }
        var node = NewNode(inTemplate);
        node.Kind = BinXmlNodeKind.Element;
        node.Name = name;
        int firstAttr = _attributeStack.Count;
        while (true)
        {
            Need(pos, 1, end);
            byte t = B[pos];
            if ((t & 0xBF) != BinXmlToken.Attribute) break;
            Need(pos, 5, end);
            int attrNameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos + 1));
            pos += 5;
            string attrName = ReadNameRef(attrNameOffset, ref pos, end);
            var parts = ReadAttributeValue(ref pos, end, inTemplate);
            // Static attribute text (Data Name="...") becomes a field name: intern it once here. In a one-off
            // fragment only the Name attribute can name a field; its other texts (times, ids) differ record
            // by record and would only fill the pool.
            if (inTemplate || attrName == "Name")
                foreach (var part in parts)
                    if (part.Kind == BinXmlNodeKind.Text) part.Text = EvtxNamePool.Get(part.TextSpan);
            var attr = inTemplate ? new BinXmlAttribute(attrName, parts) : Transient.Attribute(attrName, parts);
            attr.QualifiedName = QualifiedNameOf(name, attrName);
            _attributeStack.Add(attr);
            if (_attributeStack.Count - firstAttr > 1024) throw new EvtxFormatException("too many attributes", pos);
        }
        int attrCount = _attributeStack.Count - firstAttr;
        if (attrCount > 0)
        {
            var collected = CollectionsMarshal.AsSpan(_attributeStack).Slice(firstAttr, attrCount);
            node.Attributes = inTemplate ? collected.ToArray() : Transient.Attributes(collected);
            _attributeStack.RemoveRange(firstAttr, attrCount);
        }
        Need(pos, 1, end);
        byte close = B[pos];
        if (close == BinXmlToken.CloseEmptyElement)
        {
            pos++;
            node.EmptyElement = true;
        }
        else if (close == BinXmlToken.CloseStartElement)
        {
            pos++;
            node.Children = ReadContent(ref pos, end, depth, topLevel: false, inTemplate);
            foreach (var c in node.Children)
                if (c.Kind is BinXmlNodeKind.Element or BinXmlNodeKind.TemplateInstance or BinXmlNodeKind.ProcessingInstruction
                    || (c.Kind == BinXmlNodeKind.Substitution && (c.ValueType & 0x7F) == BinXmlValueType.BinXml))
                    node.HasElementChildren = true;
        }
        else
        {
            throw new EvtxFormatException($"element at 0x{start:x}: expected close token, found 0x{close:x2}", pos);
        }
        return node;
    }

    private struct QualifiedSlot
    {
        public string? Element, Attribute, Qualified;
    }

    /// <summary>
    /// Qualified names by the (pooled) element and attribute name instances: records without a template (CAPI2 logs)
    /// decode their attributes for every record, and building the name and looking it up in the pool each time was a
    /// sixth of decoding them. The answer depends only on the two names' characters, so a slot reused by other names
    /// only misses.
    /// </summary>
    private readonly QualifiedSlot[] _qualified = new QualifiedSlot[256];

    private string QualifiedNameOf(string element, string attribute)
    {
        ref var slot = ref _qualified[(RuntimeHelpers.GetHashCode(element) * 31 + RuntimeHelpers.GetHashCode(attribute)) & (256 - 1)];
        if (ReferenceEquals(slot.Element, element) && ReferenceEquals(slot.Attribute, attribute)) return slot.Qualified!;
        string qualified = QualifiedName(element, attribute);
        slot = new QualifiedSlot { Element = element, Attribute = attribute, Qualified = qualified };
        return qualified;
    }

    /// <summary>"Element_Attribute", pooled; built on the stack so a name already pooled costs no allocation (records without a template decode their attributes every time).</summary>
    private static string QualifiedName(string element, string attribute)
    {
        int length = element.Length + 1 + attribute.Length;
        if (length > 256) return EvtxNamePool.Get(element + "_" + attribute);
        Span<char> chars = stackalloc char[length];
        element.CopyTo(chars);
        chars[element.Length] = '_';
        attribute.CopyTo(chars[(element.Length + 1)..]);
        return EvtxNamePool.Get(chars);
    }

    /// <summary>A name is either inline (at the current position) or earlier in the chunk.</summary>
    private static bool PlausibleNameOffset(int nameOffset, int here)
        => nameOffset >= EvtxChunkHeader.HeaderSize && nameOffset <= here;

    /// <summary>A name reference: when it points at the current position the name is stored inline and skipped.</summary>
    private string ReadNameRef(int nameOffset, ref int pos, int end)
    {
        string name = chunk.ReadName(nameOffset, out int nameEnd);
        if (OffsetFields is not null)
        {
            OffsetFields.Add(new EvtxTemplateCache.OffsetField(pos - 4, Relative: true));
            if (nameOffset == pos) OffsetFields.Add(new EvtxTemplateCache.OffsetField(pos, Relative: false));
        }
        if (nameOffset == pos)
        {
            if (nameEnd > end) throw new EvtxFormatException("inline name runs past its fragment", pos);
            pos = nameEnd;
        }
        return name;
    }

    private BinXmlNode[] ReadAttributeValue(ref int pos, int end, bool inTemplate)
    {
        BinXmlNode? single = null;
        List<BinXmlNode>? list = null;
        while (pos < end)
        {
            byte t = (byte)(B[pos] & 0xBF);
            if (t is not (BinXmlToken.Value or BinXmlToken.NormalSubstitution or BinXmlToken.OptionalSubstitution
                or BinXmlToken.CharRef or BinXmlToken.EntityRef or BinXmlToken.CDataSection)) break;
            var part = ReadValuePart(ref pos, end, inTemplate);
            if (single is null) single = part;
            else (list ??= new List<BinXmlNode> { single }).Add(part);
            if (list is { Count: > 1024 }) throw new EvtxFormatException("attribute value has too many parts", pos);
        }
        if (list is not null) return inTemplate ? list.ToArray() : Transient.Nodes(CollectionsMarshal.AsSpan(list));
        if (single is null) return BinXmlNode.None;
        return inTemplate ? [single] : Transient.Nodes(new ReadOnlySpan<BinXmlNode>(ref single));
    }

    private BinXmlNode ReadValuePart(ref int pos, int end, bool inTemplate)
    {
        var node = NewNode(inTemplate);
        ReadValuePartInto(node, ref pos, end, inTemplate);
        return node;
    }

    /// <summary>Fills <paramref name="node"/> (new) from the value token at <paramref name="pos"/>.</summary>
    private void ReadValuePartInto(BinXmlNode node, ref int pos, int end, bool inTemplate)
    {
        byte token = (byte)(B[pos] & 0xBF);
        switch (token)
        {
            case BinXmlToken.Value:
            {
                Need(pos, 2, end);
                byte type = B[pos + 1];
                pos += 2;
                node.Kind = BinXmlNodeKind.Text;
                if (type == BinXmlValueType.String)
                {
                    ReadCountedText(node, ref pos, end, inTemplate);
                }
                else
                {
                    int size = BinXmlValueType.FixedSize(type);
                    if (size == 0) throw new EvtxFormatException($"value token of unsupported type 0x{type:x2}", pos);
                    Need(pos, size, end);
                    node.Text = BinXmlValueFormatter.ToString(new TextBuffer(), type, B.AsSpan(pos, size), EvtxValueStyle.Windows);
                    pos += size;
                }
                return;
            }
            case BinXmlToken.CDataSection:
                pos++;
                node.Kind = BinXmlNodeKind.CData;
                ReadCountedText(node, ref pos, end, inTemplate);
                return;
            case BinXmlToken.CharRef:
                Need(pos, 3, end);
                node.Kind = BinXmlNodeKind.CharRef;
                node.CharValue = BinaryPrimitives.ReadUInt16LittleEndian(B.AsSpan(pos + 1));
                pos += 3;
                return;
            case BinXmlToken.EntityRef:
            {
                Need(pos, 5, end);
                int nameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos + 1));
                pos += 5;
                node.Kind = BinXmlNodeKind.EntityRef;
                node.Name = ReadNameRef(nameOffset, ref pos, end);
                return;
            }
            case BinXmlToken.NormalSubstitution:
            case BinXmlToken.OptionalSubstitution:
            {
                Need(pos, 4, end);
                node.Kind = BinXmlNodeKind.Substitution;
                node.SubstitutionId = BinaryPrimitives.ReadUInt16LittleEndian(B.AsSpan(pos + 1));
                node.ValueType = B[pos + 3];
                node.Optional = token == BinXmlToken.OptionalSubstitution;
                pos += 4;
                return;
            }
            default:
                throw new EvtxFormatException($"unexpected token 0x{token:x2} in a value", pos);
        }
    }

    /// <summary>
    /// A counted UTF-16 string as the node's text: a string for a template's node (it outlives the chunk), the
    /// place in the chunk for a transient one (a string only if someone asks for <see cref="BinXmlNode.Text"/>).
    /// </summary>
    private void ReadCountedText(BinXmlNode node, ref int pos, int end, bool inTemplate)
    {
        if (inTemplate) node.Text = ReadCountedString(ref pos, end);
        else
        {
            int start = ReadCountedChars(ref pos, end, out int count);
            node.SetTextInChunk(B, start, count);
        }
    }

    private string ReadCountedString(ref int pos, int end)
    {
        int start = ReadCountedChars(ref pos, end, out int count);
        return new string(MemoryMarshal.Cast<byte, char>(B.AsSpan(start, 2 * count)));
    }

    /// <summary>A counted UTF-16 string at <paramref name="pos"/> (moved past it): where its characters start, and how many.</summary>
    private int ReadCountedChars(ref int pos, int end, out int count)
    {
        Need(pos, 2, end);
        count = BinaryPrimitives.ReadUInt16LittleEndian(B.AsSpan(pos));
        pos += 2;
        Need(pos, 2 * count, end);
        int start = pos;
        pos += 2 * count;
        return start;
    }

    private BinXmlNode ReadProcessingInstruction(ref int pos, int end, bool inTemplate)
    {
        Need(pos, 5, end);
        int nameOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos + 1));
        pos += 5;
        var node = NewNode(inTemplate);
        node.Kind = BinXmlNodeKind.ProcessingInstruction;
        node.Name = ReadNameRef(nameOffset, ref pos, end);
        if (pos < end && B[pos] == BinXmlToken.PIData)
        {
            pos++;
            node.Text = ReadCountedString(ref pos, end);
        }
        return node;
    }

    private BinXmlNode ReadTemplateInstanceNode(ref int pos, int end, int depth, bool inTemplate)
    {
        PositionDependentParts++; // its values point into this chunk
        var template = ReadTemplateInstanceHeader(ref pos, end, depth, out int count);
        var values = new BinXmlValueRef[count];
        ReadValueRefs(ref pos, end, values);
        var node = NewNode(inTemplate);
        node.Kind = BinXmlNodeKind.TemplateInstance;
        node.Template = template;
        node.Values = values;
        return node;
    }

    /// <summary>
    /// Reads a template-instance token up to its value count: the template (defined inline here or
    /// earlier in the chunk) and how many value descriptors follow at <paramref name="pos"/>.
    /// </summary>
    public EvtxTemplate ReadTemplateInstanceHeader(ref int pos, int end, int depth, out int valueCount)
    {
        CheckDepth(depth, pos);
        Need(pos, 10, end);
        uint templateId = BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos + 2));
        int defOffset = (int)BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos + 6));
        pos += 10;
        if (defOffset == pos)
        {
            // Definition stored inline: next-template offset, GUID, data size, data.
            Need(pos, 24, end);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos + 20));
            if (pos + 24 + size > end) throw new EvtxFormatException("inline template runs past its record", pos);
            pos += 24 + (int)size;
        }
        var template = chunk.GetTemplate(defOffset, this, depth);
        // The template id repeats the first four bytes of the definition's GUID. A mismatch means the
        // offset points at other data (e.g. a record left over from an earlier use of the chunk).
        if (templateId != template.Id)
            throw new EvtxFormatException($"template id 0x{templateId:x8} does not match the definition at 0x{defOffset:x}", pos);
        Need(pos, 4, end);
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(B.AsSpan(pos));
        pos += 4;
        if (count > MaxValuesPerInstance || (long)pos + 4L * count > end)
            throw new EvtxFormatException($"template instance claims {count} values", pos);
        valueCount = (int)count;
        return template;
    }

    /// <summary>Reads <c>values.Length</c> value descriptors at <paramref name="pos"/> and locates their data after them.</summary>
    public void ReadValueRefs(ref int pos, int end, Span<BinXmlValueRef> values)
    {
        int data = pos + 4 * values.Length;
        for (int i = 0; i < values.Length; i++)
        {
            int size = BinaryPrimitives.ReadUInt16LittleEndian(B.AsSpan(pos + 4 * i));
            byte type = B[pos + 4 * i + 2];
            if ((long)data + size > end)
                throw new EvtxFormatException($"value {i} (size {size}) runs past its record", data);
            values[i] = new BinXmlValueRef(type, data, size);
            data += size;
        }
        pos = data;
    }
}
