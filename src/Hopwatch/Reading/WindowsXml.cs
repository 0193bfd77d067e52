using System.Xml;
using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading;

/// <summary>
/// Reads one Windows event in its XML form (`&lt;Event xmlns=...&gt;&lt;System&gt;...`) into raw fields with
/// the same names the EVTX reader uses: System elements by name, attributes as `Element_Attribute`
/// (`Provider_Name`, `Execution_ProcessID`; `TimeCreated` for its SystemTime), EventData by
/// `Data Name`, unnamed Data as `Data`, UserData leaves by element name.
/// </summary>
internal static class WindowsXml
{
    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        ConformanceLevel = ConformanceLevel.Fragment,
        MaxCharactersInDocument = 64L << 20,
        CheckCharacters = false,
    };

    /// <summary>Parses one &lt;Event&gt; element; throws <see cref="XmlException"/> when malformed.</summary>
    public static EventFields ParseEvent(TextReader text, FieldNameCache names)
    {
        var f = new EventFields(32);
        using var r = XmlReader.Create(text, Settings);
        r.MoveToContent();
        if (r.NodeType != XmlNodeType.Element || r.LocalName != "Event") throw new XmlException("not an <Event> element");
        if (r.IsEmptyElement) return f;
        int eventDepth = r.Depth;
        r.Read();
        while (!r.EOF && r.Depth > eventDepth)
        {
            if (r.NodeType != XmlNodeType.Element) { r.Read(); continue; }
            switch (r.LocalName)
            {
                case "System": ReadSystem(r, f, names); break;
                case "EventData": ReadEventData(r, f, names); break;
                case "UserData": ReadLeaves(r, f, names); break;
                case "RenderingInfo": ReadRendering(r, f, names); break;
                default: r.Skip(); break;
            }
        }
        return f;
    }

    private static void ReadSystem(XmlReader r, EventFields f, FieldNameCache names)
    {
        if (r.IsEmptyElement) { r.Read(); return; }
        int depth = r.Depth;
        r.Read();
        while (!r.EOF && r.Depth > depth)
        {
            if (r.NodeType != XmlNodeType.Element) { r.Read(); continue; }
            string elem = r.LocalName;
            if (r.HasAttributes)
            {
                while (r.MoveToNextAttribute())
                {
                    if (r.Prefix == "xmlns" || r.LocalName == "xmlns") continue;
                    string name = elem == "TimeCreated" && r.LocalName == "SystemTime" ? FieldMap.TimeCreated : names.Get(elem + "_" + r.LocalName);
                    f.Add(name, r.Value);
                }
                r.MoveToElement();
            }
            if (r.IsEmptyElement) { r.Read(); continue; }
            string text = r.ReadElementContentAsString();
            if (text.Length > 0 || !f.Contains(elem)) f.Add(names.Get(elem), text);
        }
        r.Read();
    }

    private static void ReadEventData(XmlReader r, EventFields f, FieldNameCache names)
    {
        if (r.IsEmptyElement) { r.Read(); return; }
        int depth = r.Depth;
        int unnamed = 0;
        r.Read();
        while (!r.EOF && r.Depth > depth)
        {
            if (r.NodeType != XmlNodeType.Element) { r.Read(); continue; }
            string? dataName = r.GetAttribute("Name");
            // Unnamed <Data> elements are Data, Data_2, Data_3 ... as the EVTX reader names them.
            string name = dataName is { Length: > 0 } ? names.Get(dataName)
                : r.LocalName == "Data" ? (++unnamed == 1 ? FieldMap.Data : names.Get("Data_" + unnamed)) : names.Get(r.LocalName);
            if (r.IsEmptyElement) { f.Add(name, ""); r.Read(); continue; }
            f.Add(name, r.ReadElementContentAsString());
        }
        r.Read();
    }

    /// <summary>UserData: every element with only text inside becomes a field named after the element.</summary>
    private static void ReadLeaves(XmlReader r, EventFields f, FieldNameCache names)
    {
        if (r.IsEmptyElement) { r.Read(); return; }
        int depth = r.Depth;
        r.Read();
        while (!r.EOF && r.Depth > depth)
        {
            if (r.NodeType != XmlNodeType.Element) { r.Read(); continue; }
            string elem = r.LocalName;
            if (r.IsEmptyElement) { r.Read(); continue; }
            // Peek: leaf when the next node is text or the end tag.
            r.Read();
            if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace)
            {
                string text = r.Value;
                r.Read();
                while (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA) { text += r.Value; r.Read(); }
                if (r.NodeType == XmlNodeType.EndElement) { f.Add(names.Get(elem), text); r.Read(); }
            }
            else if (r.NodeType == XmlNodeType.EndElement) { f.Add(names.Get(elem), ""); r.Read(); }
        }
        r.Read();
    }

    private static void ReadRendering(XmlReader r, EventFields f, FieldNameCache names)
    {
        if (r.IsEmptyElement) { r.Read(); return; }
        int depth = r.Depth;
        r.Read();
        while (!r.EOF && r.Depth > depth)
        {
            if (r.NodeType == XmlNodeType.Element && r.LocalName == "Message" && !r.IsEmptyElement)
            {
                string m = r.ReadElementContentAsString();
                if (!f.Contains(FieldMap.Message)) f.Add(FieldMap.Message, m);
            }
            else if (r.NodeType == XmlNodeType.Element) r.Skip();
            else r.Read();
        }
        r.Read();
    }

    /// <summary>The Data Name/value pairs of an EventData XML string (Sentinel's EventData column).</summary>
    public static IEnumerable<(string Name, string? Value)> EventDataPairs(string xml)
    {
        var list = new List<(string, string?)>();
        try
        {
            using var r = XmlReader.Create(new StringReader(xml), Settings);
            r.Read();
            while (!r.EOF)
            {
                if (r.NodeType != XmlNodeType.Element || r.LocalName != "Data") { r.Read(); continue; }
                var name = r.GetAttribute("Name");
                if (string.IsNullOrEmpty(name) || r.IsEmptyElement)
                {
                    if (!string.IsNullOrEmpty(name)) list.Add((name, ""));
                    r.Read();
                    continue;
                }
                list.Add((name, r.ReadElementContentAsString())); // leaves the reader on the next node
            }
        }
        catch (XmlException)
        {
            // The column is kept raw; a broken copy of it only means fewer canonical fields.
        }
        return list;
    }
}
