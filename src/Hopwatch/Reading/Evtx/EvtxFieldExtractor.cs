using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using Hopwatch.Events;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Turns a decoded record into raw fields: System children (text as the element name, attributes as
/// Element_Attribute, TimeCreated's SystemTime as TimeCreated), EventData &lt;Data Name="X"&gt; as X
/// (unnamed: Data, Data_2, ...), UserData leaves by element name; and fills the LogEvent header.
/// Walks the template tree with the record's values, so most values become a string exactly once.
/// </summary>
internal sealed partial class EvtxFieldExtractor(EvtxChunkDecoder decoder)
{
    private static readonly string NameAttr = EvtxNamePool.Get("Name");
    internal static readonly string DataName = EvtxNamePool.NumberedName(EvtxNamePool.Get("Data"), 1);
    private static readonly string TimeCreatedName = EvtxNamePool.Get("TimeCreated");
    internal static readonly string EventRecordIdName = EvtxNamePool.Get("EventRecordID");

    /// <summary>Fields of the record being extracted; the event gets an exact-size copy (no growth, no slack per event).</summary>
    private readonly EventFields _fields = new(64);
    /// <summary>
    /// Names arrays of recent layouts, by field count and two of the (pooled) names: records of one template
    /// share one names array instead of each copying its own (see <see cref="EventFields.CopySharingNames"/>).
    /// One slot per count alone made layouts of equal length (mod 16) evict each other: the bench corpus's 381
    /// layouts made 4,443 names arrays (and as many normaliser tables, see NormaliserFields).
    /// </summary>
    private readonly string[]?[] _layoutNames = new string[]?[LayoutSlots];
    private const int LayoutSlots = 1024;
    private LogEvent _event = null!;
    private int _unnamedData;
    private long _timeTicks;
    /// <summary>The last TimeCreated rendered, and its FILETIME: reused when the next record has the same time.</summary>
    private long _lastFileTime;
    private string? _lastTimeText;
    private readonly EvtxValueCache _cache = new();
    /// <summary>Made on first use: decoders that only dump JSON never extract fields.</summary>
    private EvtxSlotValues? _slotValues;
    private readonly EvtxXmlRenderer _inlineXml = new(decoder) { Style = EvtxValueStyle.Windows };

    private EventInterest? _interest;
    /// <summary>Set once the System element showed that nobody wants the record: the walk stops.</summary>
    private bool _unwanted;

    /// <summary>
    /// Fills <paramref name="e"/> from the record; false, with the event half-filled, when <paramref name="interest"/>
    /// does not want it (judged from the System element, before EventData or UserData is turned into fields).
    /// </summary>
    public bool Extract(BinXmlFragment fragment, LogEvent e, long writtenFileTime, EventInterest? interest = null)
    {
        _fields.Clear();
        _event = e;
        _unnamedData = 0;
        _timeTicks = -1;
        _interest = interest;
        _unwanted = false;
        if (fragment.Template is { } template && !WalkOnly && _plans.Get(template, EvtxExtractionScope.Root, out var memo) is { } plan)
            Run(plan, memo!, template, fragment.Values, EvtxExtractionScope.Root, 0);
        else
            Walk(fragment.Nodes, fragment.Values, EvtxExtractionScope.Root, 0);
        if (_unwanted) return false;
        e.Fields = _fields.Count == 0 ? new EventFields() : _fields.CopySharingNames(ref _layoutNames[LayoutSlot()]);
        if (_timeTicks < 0 && writtenFileTime > 0 && writtenFileTime <= DateTime.MaxValue.Ticks - BinXmlValueFormatter.FileTimeEpochTicks)
            _timeTicks = writtenFileTime + BinXmlValueFormatter.FileTimeEpochTicks;
        if (_timeTicks >= 0) e.Time = new DateTime(_timeTicks, DateTimeKind.Utc);
        return true;
    }

    private int LayoutSlot()
    {
        int n = _fields.Count;
        int hash = n * 31 + RuntimeHelpers.GetHashCode(_fields.NameAt(n - 1)) * 7 + RuntimeHelpers.GetHashCode(_fields.NameAt(n / 2));
        return hash & (LayoutSlots - 1);
    }

    private void Walk(BinXmlNode[] nodes, ReadOnlySpan<BinXmlValueRef> values, EvtxExtractionScope scope, int depth)
    {
        if (depth > BinXmlParser.MaxDepth) throw new EvtxFormatException("XML nested too deeply", 0);
        decoder.Spend(nodes.Length);
        foreach (var n in nodes)
        {
            if (_unwanted) return;
            switch (n.Kind)
            {
                case BinXmlNodeKind.Element:
                    OnElement(n, values, scope, depth + 1);
                    break;
                case BinXmlNodeKind.TemplateInstance:
                    Walk(n.Template!.Root, n.Values, scope, depth + 1);
                    break;
                case BinXmlNodeKind.Substitution:
                    if (n.SubstitutionId < values.Length)
                    {
                        var v = values[n.SubstitutionId];
                        if (v.Type == BinXmlValueType.BinXml && v.Size > 0) WalkNested(v, scope, depth + 1);
                    }
                    break;
            }
        }
    }

    private void WalkNested(BinXmlValueRef v, EvtxExtractionScope scope, int depth)
    {
        int top = decoder.Arena.Top;
        try
        {
            var f = decoder.OpenFragment(v.Offset, v.Offset + v.Size, depth);
            if (f.Template is { } template && !WalkOnly && _plans.Get(template, scope, out var memo) is { } plan)
                Run(plan, memo!, template, f.Values, scope, depth);
            else
                Walk(f.Nodes, f.Values, scope, depth);
        }
        finally
        {
            decoder.Arena.PopTo(top);
        }
    }

    private void OnElement(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, EvtxExtractionScope scope, int depth)
    {
        if (EvtxXmlRenderer.IsOmitted(e, values)) return;
        // An unnamed element holding an array is one element per item (Data, Data_2, ...) as in the XML;
        // an element with attributes (Data Name="X") keeps one field with the items joined by ','.
        if (e.Attributes.Length == 0 && EvtxXmlRenderer.TryArraySlot(e, values, out int slot))
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
                    OnElementCore(e, copy, scope, depth);
                }
            }
            finally
            {
                decoder.Arena.PopTo(top);
            }
            return;
        }
        OnElementCore(e, values, scope, depth);
    }

    private void OnElementCore(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, EvtxExtractionScope scope, int depth)
    {
        switch (scope)
        {
            case EvtxExtractionScope.Root:
                Walk(e.Children, values, EvtxExtractionScope.Event, depth);
                break;
            case EvtxExtractionScope.Event:
                switch (e.Name)
                {
                    case "System":
                        Walk(e.Children, values, EvtxExtractionScope.System, depth);
                        // The header (channel, provider, EventID) is known: drop the record before its data if nobody wants it.
                        if (_interest is not null && !_interest.Wants(_event)) _unwanted = true;
                        break;
                    case "EventData": Walk(e.Children, values, EvtxExtractionScope.EventData, depth); break;
                    case "UserData": Walk(e.Children, values, EvtxExtractionScope.UserData, depth); break;
                }
                break;
            case EvtxExtractionScope.System:
                OnSystemElement(e, values, depth);
                break;
            case EvtxExtractionScope.EventData:
                if (ReferenceEquals(e.Name, DataName) || e.Name == "Data")
                {
                    string? name = null;
                    foreach (var a in e.Attributes)
                        if (a.Name == "Name") { name = DataFieldName(a, values, depth); break; }
                    if (string.IsNullOrEmpty(name)) name = EvtxNamePool.NumberedName(DataName, ++_unnamedData);
                    _fields.Add(name, RenderParts(e.Children, values, depth));
                }
                else
                {
                    _fields.Add(e.Name, RenderParts(e.Children, values, depth));
                }
                break;
            case EvtxExtractionScope.UserData:
            case EvtxExtractionScope.UserLeaves:
                if (e.HasElementChildren) Walk(e.Children, values, EvtxExtractionScope.UserLeaves, depth);
                else _fields.Add(e.Name, RenderParts(e.Children, values, depth));
                break;
        }
    }

    /// <summary>The Name attribute of a Data element: static text in the template (interned when decoded) or a value.</summary>
    private string DataFieldName(BinXmlAttribute a, ReadOnlySpan<BinXmlValueRef> values, int depth)
        => a.Parts is [{ Kind: BinXmlNodeKind.Text } p] ? p.Text : EvtxNamePool.Get(RenderParts(a.Parts, values, depth));

    private void OnSystemElement(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, int depth)
    {
        foreach (var a in e.Attributes)
        {
            if (!EvtxXmlRenderer.AttributePresent(a, values)) continue;
            if (a.Name == "SystemTime" && e.Name == "TimeCreated")
            {
                _fields.Add(TimeCreatedName, RenderTime(a.Parts, values, depth));
                continue;
            }
            string value = RenderParts(a.Parts, values, depth);
            _fields.Add(a.QualifiedName, value);
            if (a.QualifiedName == "Provider_Name") _event.Provider = value;
        }
        // An empty element without attributes (<Channel/>) is present with an empty value; one whose
        // attributes were all left out (<Correlation/>, <Security/>) carries nothing.
        if (e.Children.Length == 0 && e.Attributes.Length > 0) return;
        // Record ids never repeat: sharing their text would only churn the value cache.
        string text = RenderParts(e.Children, values, depth, shared: !ReferenceEquals(e.Name, EventRecordIdName));
        _fields.Add(e.Name, text);
        switch (e.Name)
        {
            case "EventID": _event.EventId = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id) ? id : 0; break;
            case "Channel": _event.Channel = text; break;
            // Exported logs (wevtutil epl) renumber record headers from 1 but keep the original
            // EventRecordID, which is what Event Viewer, SIEMs and peers show.
            case "EventRecordID":
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long rid) && rid > 0) _event.RecordId = rid;
                break;
            case "Computer": _event.Computer = text; break;
        }
    }

    /// <summary>TimeCreated as yyyy-MM-ddTHH:mm:ss.fffffffZ; also sets the event time.</summary>
    private string RenderTime(BinXmlNode[] parts, ReadOnlySpan<BinXmlValueRef> values, int depth)
    {
        if (parts.Length == 1 && parts[0].Kind == BinXmlNodeKind.Substitution && parts[0].SubstitutionId < values.Length)
        {
            var v = values[parts[0].SubstitutionId];
            if (v.Type == BinXmlValueType.FileTime && v.Size == 8)
            {
                long ft = BinaryPrimitives.ReadInt64LittleEndian(decoder.Chunk.Data.AsSpan(v.Offset));
                if (ft >= 0 && ft <= DateTime.MaxValue.Ticks - BinXmlValueFormatter.FileTimeEpochTicks)
                {
                    var dt = new DateTime(ft + BinXmlValueFormatter.FileTimeEpochTicks, DateTimeKind.Utc);
                    _timeTicks = dt.Ticks;
                    // Windows often stamps several records with one time (a 4624 and its 4672, a burst of
                    // Sysmon events): one in five records of the bench corpus repeats the previous record's time.
                    if (ft != _lastFileTime || _lastTimeText is null)
                    {
                        _lastTimeText = BinXmlValueFormatter.FormatTicks(dt);
                        _lastFileTime = ft;
                    }
                    return _lastTimeText;
                }
            }
        }
        string s = RenderParts(parts, values, depth);
        if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            _timeTicks = parsed.Ticks;
            return BinXmlValueFormatter.FormatTicks(parsed);
        }
        return s;
    }

    /// <summary>Text of content parts; one plain substitution (the usual case) is formatted straight to a string.</summary>
    private string RenderParts(BinXmlNode[] parts, ReadOnlySpan<BinXmlValueRef> values, int depth, bool shared = true)
    {
        if (parts.Length == 0) return "";
        var sb = decoder.Text;
        if (parts.Length == 1)
        {
            var p = parts[0];
            if (p.Kind == BinXmlNodeKind.Text) return p.Text;
            if (p.Kind == BinXmlNodeKind.Substitution)
            {
                if (p.SubstitutionId >= values.Length) return "";
                var v = values[p.SubstitutionId];
                if (v.IsNull) return "";
                if (v.Type != BinXmlValueType.BinXml)
                {
                    var data = decoder.Chunk.Data.AsSpan(v.Offset, v.Size);
                    if (!shared) return EvtxValueCache.GetUnshared(sb, v.Type, data);
                    if (data.Length > EvtxSlotValues.MaxBytes) return _cache.Get(sb, v.Type, data);
                    var recent = _slotValues ??= new EvtxSlotValues();
                    if (recent.Find(p, v.Type, data, out int slot) is { } same) return same;
                    string text = _cache.Get(sb, v.Type, data);
                    recent.Remember(slot, p, v.Type, data, text);
                    return text;
                }
            }
        }
        int start = sb.Length;
        foreach (var p in parts) AppendPart(p, values, sb, depth);
        string s = sb.ToStringFrom(start);
        sb.Truncate(start);
        return s;
    }

    private void AppendPart(BinXmlNode p, ReadOnlySpan<BinXmlValueRef> values, TextBuffer sb, int depth)
    {
        switch (p.Kind)
        {
            case BinXmlNodeKind.Text:
            case BinXmlNodeKind.CData:
                sb.Append(p.Text);
                break;
            case BinXmlNodeKind.CharRef:
                sb.Append((char)p.CharValue);
                break;
            case BinXmlNodeKind.EntityRef:
                switch (p.Name)
                {
                    case "amp": sb.Append('&'); break;
                    case "lt": sb.Append('<'); break;
                    case "gt": sb.Append('>'); break;
                    case "quot": sb.Append('"'); break;
                    case "apos": sb.Append('\''); break;
                    default: sb.Append('&'); sb.Append(p.Name); sb.Append(';'); break;
                }
                break;
            case BinXmlNodeKind.Substitution:
                if (p.SubstitutionId >= values.Length) break;
                var v = values[p.SubstitutionId];
                if (v.IsNull) break;
                if (v.Type == BinXmlValueType.BinXml) _inlineXml.RenderNested(v, sb, -1, depth + 1);
                else BinXmlValueFormatter.Append(sb, v.Type, decoder.Chunk.Data.AsSpan(v.Offset, v.Size), EvtxValueStyle.Windows);
                break;
            case BinXmlNodeKind.Element:
            case BinXmlNodeKind.TemplateInstance:
            case BinXmlNodeKind.ProcessingInstruction:
                _inlineXml.RenderInline([p], values, sb, depth + 1);
                break;
        }
    }
}
