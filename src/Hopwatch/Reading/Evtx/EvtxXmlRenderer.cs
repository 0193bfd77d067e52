using System.Buffers.Binary;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Renders decoded records as XML in evtxexport's layout (two-space indentation, double quotes,
/// empty elements as &lt;X/&gt;) so output can be compared with libevtx line by line. Also renders
/// nested XML inline when a field's value is itself XML.
/// </summary>
internal sealed class EvtxXmlRenderer(EvtxChunkDecoder decoder)
{
    public EvtxValueStyle Style { get; set; } = EvtxValueStyle.Libevtx;

    /// <summary>The whole record, indented, ending with a newline.</summary>
    public void RenderDocument(BinXmlFragment fragment, TextBuffer sb) => RenderNodes(fragment.Nodes, fragment.Values, sb, 0, 0);

    /// <summary>Nodes without indentation (a field value that is XML).</summary>
    public void RenderInline(BinXmlNode[] nodes, ReadOnlySpan<BinXmlValueRef> values, TextBuffer sb, int depth)
        => RenderNodes(nodes, values, sb, -1, depth);

    /// <param name="level">Indentation level, or -1 for inline rendering.</param>
    private void RenderNodes(BinXmlNode[] nodes, ReadOnlySpan<BinXmlValueRef> values, TextBuffer sb, int level, int depth)
    {
        if (depth > BinXmlParser.MaxDepth) throw new EvtxFormatException("XML nested too deeply", 0);
        decoder.Spend(nodes.Length);
        foreach (var n in nodes)
        {
            switch (n.Kind)
            {
                case BinXmlNodeKind.Element:
                    if (IsOmitted(n, values)) break;
                    if (TryArraySlot(n, values, out int slot))
                    {
                        RenderArrayElement(n, values, slot, sb, level, depth + 1);
                        break;
                    }
                    RenderElement(n, values, sb, level, depth + 1);
                    break;
                case BinXmlNodeKind.TemplateInstance:
                    RenderNodes(n.Template!.Root, n.Values, sb, level, depth + 1);
                    break;
                case BinXmlNodeKind.Substitution when IsBinXml(n, values):
                    RenderNested(values[n.SubstitutionId], sb, level, depth + 1);
                    break;
                case BinXmlNodeKind.ProcessingInstruction:
                    Indent(sb, level);
                    sb.Append("<?"); sb.Append(n.Name);
                    if (n.Text.Length > 0) { sb.Append(' '); sb.Append(n.Text); }
                    sb.Append("?>");
                    if (level >= 0) sb.Append('\n');
                    break;
                default:
                    AppendContent(n, values, sb, depth, attribute: false);
                    break;
            }
        }
    }

    /// <summary>An element whose only content is optional substitutions without a value is left out.</summary>
    public static bool IsOmitted(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values)
    {
        if (e.Children.Length == 0) return false;
        if (e.OnlyOptionalChildren == 0)
        {
            bool only = true;
            foreach (var c in e.Children)
                if (c.Kind != BinXmlNodeKind.Substitution || !c.Optional) { only = false; break; }
            e.OnlyOptionalChildren = only ? (byte)1 : (byte)2;
        }
        if (e.OnlyOptionalChildren == 2) return false;
        foreach (var c in e.Children)
            if (c.SubstitutionId < values.Length && !values[c.SubstitutionId].IsNull) return false;
        return true;
    }

    /// <summary>An element whose content is one array substitution is repeated once per item.</summary>
    public static bool TryArraySlot(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, out int slot)
    {
        slot = -1;
        if (e.Children.Length != 1) return false;
        var c = e.Children[0];
        if (c.Kind != BinXmlNodeKind.Substitution || c.SubstitutionId >= values.Length) return false;
        if (!BinXmlArray.IsSplittable(values[c.SubstitutionId])) return false;
        slot = c.SubstitutionId;
        return true;
    }

    private void RenderArrayElement(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, int slot, TextBuffer sb, int level, int depth)
    {
        int top = decoder.Arena.Top;
        try
        {
            var array = values[slot];
            var copy = decoder.Arena.Push(values.Length);
            values.CopyTo(copy);
            int pos = array.Offset;
            while (BinXmlArray.Next(decoder.Chunk.Data, array, ref pos, out var item))
            {
                copy[slot] = item;
                RenderElement(e, copy, sb, level, depth);
            }
        }
        finally
        {
            decoder.Arena.PopTo(top);
        }
    }

    private static bool IsBinXml(BinXmlNode n, ReadOnlySpan<BinXmlValueRef> values)
        => n.SubstitutionId < values.Length && values[n.SubstitutionId].Type == BinXmlValueType.BinXml && values[n.SubstitutionId].Size > 0;

    /// <summary>A BinXml value: its own fragment (often a template instance), rendered in place.</summary>
    public void RenderNested(BinXmlValueRef v, TextBuffer sb, int level, int depth)
    {
        int top = decoder.Arena.Top;
        try
        {
            var f = decoder.OpenFragment(v.Offset, v.Offset + v.Size, depth);
            RenderNodes(f.Nodes, f.Values, sb, level, depth);
        }
        finally
        {
            decoder.Arena.PopTo(top);
        }
    }

    private static void Indent(TextBuffer sb, int level)
    {
        if (level <= 0) return;
        var d = sb.Reserve(2 * level);
        d.Fill(' ');
        sb.Advance(2 * level);
    }

    private void RenderElement(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, TextBuffer sb, int level, int depth)
    {
        Indent(sb, level);
        sb.Append('<');
        sb.Append(e.Name);
        foreach (var a in e.Attributes)
        {
            if (!AttributePresent(a, values)) continue;
            sb.Append(' ');
            sb.Append(a.Name);
            sb.Append("=\"");
            foreach (var p in a.Parts) AppendContent(p, values, sb, depth, attribute: true);
            sb.Append('"');
        }
        if (e.Children.Length == 0)
        {
            sb.Append(level >= 0 || e.EmptyElement ? "/>" : "></" + e.Name + ">");
            if (level >= 0) sb.Append('\n');
            return;
        }
        int open = sb.Length;
        sb.Append('>');
        bool structured = level >= 0 && e.HasElementChildren && !HasText(e.Children);
        if (structured)
        {
            sb.Append('\n');
            int childrenStart = sb.Length;
            RenderNodes(e.Children, values, sb, level + 1, depth);
            if (sb.Length == childrenStart)
            {
                sb.Truncate(open);
                sb.Append("/>\n");
                return;
            }
            Indent(sb, level);
        }
        else
        {
            RenderNodes(e.Children, values, sb, -1, depth);
            if (sb.Length == open + 1 && level >= 0)
            {
                sb.Truncate(open);
                sb.Append("/>\n");
                return;
            }
        }
        sb.Append("</");
        sb.Append(e.Name);
        sb.Append('>');
        if (level >= 0) sb.Append('\n');
    }

    private static bool HasText(BinXmlNode[] children)
    {
        foreach (var c in children)
            if (c.Kind is BinXmlNodeKind.Text or BinXmlNodeKind.CData or BinXmlNodeKind.CharRef or BinXmlNodeKind.EntityRef) return true;
        return false;
    }

    /// <summary>An attribute made only of substitutions that are all empty is left out, as Windows does.</summary>
    public static bool AttributePresent(BinXmlAttribute a, ReadOnlySpan<BinXmlValueRef> values)
    {
        foreach (var p in a.Parts)
        {
            if (p.Kind != BinXmlNodeKind.Substitution) return true;
            if (p.SubstitutionId < values.Length && !values[p.SubstitutionId].IsNull) return true;
        }
        return false;
    }

    /// <summary>Text-like content (escaped for XML).</summary>
    private void AppendContent(BinXmlNode n, ReadOnlySpan<BinXmlValueRef> values, TextBuffer sb, int depth, bool attribute)
    {
        switch (n.Kind)
        {
            case BinXmlNodeKind.Text:
                AppendEscaped(sb, n.TextSpan, attribute);
                break;
            case BinXmlNodeKind.CData:
                // evtxexport prints CDATA content as is, without the CDATA markers.
                if (Style == EvtxValueStyle.Libevtx) sb.Append(n.TextSpan);
                else { sb.Append("<![CDATA["); sb.Append(n.TextSpan); sb.Append("]]>"); }
                break;
            case BinXmlNodeKind.CharRef:
                sb.Append("&#"); sb.Append(n.CharValue); sb.Append(';');
                break;
            case BinXmlNodeKind.EntityRef:
                // evtxexport resolves the predefined entities and escapes the result like any text.
                string? resolved = Style == EvtxValueStyle.Libevtx ? ResolveEntity(n.Name) : null;
                if (resolved is not null) AppendEscaped(sb, resolved, attribute: false);
                else { sb.Append('&'); sb.Append(n.Name); sb.Append(';'); }
                break;
            case BinXmlNodeKind.Substitution:
                if (n.SubstitutionId >= values.Length) break;
                var v = values[n.SubstitutionId];
                if (v.IsNull) break;
                if (v.Type == BinXmlValueType.BinXml)
                {
                    RenderNested(v, sb, -1, depth + 1);
                    break;
                }
                int start = sb.Length;
                BinXmlValueFormatter.Append(sb, v.Type, decoder.Chunk.Data.AsSpan(v.Offset, v.Size), Style);
                // EvtXml values are XML already; evtxexport also prints ANSI strings unescaped.
                if (v.Type != BinXmlValueType.EvtXml && !(v.Type == BinXmlValueType.AnsiString && Style == EvtxValueStyle.Libevtx))
                    EscapeInPlace(sb, start, attribute);
                break;
            case BinXmlNodeKind.Element:
                RenderElement(n, values, sb, -1, depth + 1);
                break;
        }
    }

    /// <summary>The character a predefined XML entity stands for, or null.</summary>
    public static string? ResolveEntity(string name) => name switch
    {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => null,
    };

    private static void AppendEscaped(TextBuffer sb, ReadOnlySpan<char> s, bool attribute)
    {
        while (true)
        {
            int i = attribute ? s.IndexOfAny("&<>\"") : s.IndexOfAny("&<>");
            if (i < 0) { sb.Append(s); return; }
            sb.Append(s[..i]);
            sb.Append(s[i] switch { '&' => "&amp;", '<' => "&lt;", '>' => "&gt;", _ => "&quot;" });
            s = s[(i + 1)..];
        }
    }

    private static void EscapeInPlace(TextBuffer sb, int start, bool attribute)
    {
        var written = sb.Span[start..];
        if ((attribute ? written.IndexOfAny("&<>\"") : written.IndexOfAny("&<>")) < 0) return;
        string raw = new(written);
        sb.Truncate(start);
        AppendEscaped(sb, raw, attribute);
    }
}
