using System.Buffers.Binary;
using System.Globalization;
using Hopwatch.Reporting;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// The `dump --format jsonl` fast path: turns a decoded record straight into its JSON line, with the
/// fields, names and header values <see cref="EvtxFieldExtractor"/> gives the same record (the walk
/// below mirrors it rule for rule), but without a <see cref="Hopwatch.Events.LogEvent"/>: values are
/// formatted from the chunk bytes into the output buffer, so a record allocates nothing (no value
/// strings, no field arrays) and its text is transcoded to UTF-8 once. A record that fails throws as
/// in the extractor, before anything reaches the output.
/// </summary>
internal sealed class EvtxJsonEmitter(EvtxChunkDecoder decoder)
{
    private static readonly string DataName = EvtxNamePool.NumberedName(EvtxNamePool.Get("Data"), 1);
    private static readonly string TimeCreatedName = EvtxNamePool.Get("TimeCreated");
    private static readonly byte[] EmptyLiteral = "\"\""u8.ToArray();

    private enum Scope { Root, Event, System, EventData, UserData, UserLeaves }

    /// <summary>The data object of the record being emitted (inside the braces).</summary>
    private RawEventJsonWriter _data = RawEventJsonWriter.CreateScratch();
    private int _fieldCount;
    private int _unnamedData;
    private long _timeTicks;
    private long _recordId;
    private int _eventId;
    /// <summary>Where the channel/provider/computer value literals lie in <see cref="_data"/> (start, length), or start -1.</summary>
    private (int Start, int Length) _channel, _provider, _computer;
    private readonly char[] _time = new char[28];
    private readonly EvtxXmlRenderer _inlineXml = new(decoder) { Style = EvtxValueStyle.Windows };

    /// <summary>,"name": encodings of the field names by position (records of one template repeat them) and by name.</summary>
    private readonly (string? Name, byte[] Json)[] _nameSlots = new (string?, byte[])[64];
    private readonly Dictionary<string, byte[]> _names = new(ReferenceEqualityComparer.Instance);

    /// <summary>Writes the record as one JSON line to <paramref name="output"/>; throws (writing nothing) when it does not decode.</summary>
    public void Emit(BinXmlFragment fragment, long recordId, long writtenFileTime, string file, RawEventJsonWriter output)
    {
        _data.Truncate(0);
        _fieldCount = 0;
        _unnamedData = 0;
        _timeTicks = -1;
        _recordId = recordId;
        _eventId = 0;
        _channel = _provider = _computer = (-1, 0);
        try
        {
            Walk(fragment.Nodes, fragment.Values, Scope.Root, 0);
            if (_timeTicks < 0 && writtenFileTime > 0 && writtenFileTime <= DateTime.MaxValue.Ticks - BinXmlValueFormatter.FileTimeEpochTicks)
                _timeTicks = writtenFileTime + BinXmlValueFormatter.FileTimeEpochTicks;
            var time = _timeTicks >= 0 ? new DateTime(_timeTicks, DateTimeKind.Utc) : default;
            var data = _data.Written;
            output.WriteRecord(_recordId, time, _eventId, Literal(data, _channel), Literal(data, _provider), Literal(data, _computer), file, data);
        }
        finally
        {
            // A pooled decoder does not keep the buffer one huge (or hostile) record grew.
            if (_data.Capacity > MaxKeptBytes) _data = RawEventJsonWriter.CreateScratch();
        }
    }

    private const int MaxKeptBytes = 1 << 20;

    private static ReadOnlySpan<byte> Literal(ReadOnlySpan<byte> data, (int Start, int Length) at)
        => at.Start < 0 ? EmptyLiteral : data.Slice(at.Start, at.Length);

    /// <summary>Appends "name":"value" to the data object; returns where the value literal lies.</summary>
    private (int Start, int Length) AddField(string name, ReadOnlySpan<char> value)
    {
        AddName(name);
        int start = _data.Length;
        _data.AppendString(value);
        return (start, _data.Length - start);
    }

    /// <summary>
    /// Appends "name":value for content <paramref name="parts"/>: a lone number, hex number, GUID, SID or bool
    /// substitution is formatted straight to UTF-8 (plain ASCII: nothing to transcode or escape), anything
    /// else as <see cref="RenderParts"/> text. Returns where the value literal lies.
    /// </summary>
    private (int Start, int Length) AddField(string name, BinXmlNode[] parts, ReadOnlySpan<BinXmlValueRef> values, int depth)
    {
        if (parts.Length == 1 && parts[0].Kind == BinXmlNodeKind.Text && !parts[0].Transient)
        {
            var literal = parts[0].JsonText ??= RawEventJsonWriter.EncodeString(parts[0].Text);
            AddName(name);
            int start = _data.Length;
            _data.AppendRaw(literal);
            return (start, literal.Length);
        }
        if (parts.Length == 1 && parts[0].Kind == BinXmlNodeKind.Substitution && parts[0].SubstitutionId < values.Length)
        {
            var v = values[parts[0].SubstitutionId];
            if (!v.IsNull && v.Type != BinXmlValueType.String)
            {
                AddName(name);
                int start = _data.Length;
                var dest = _data.Reserve(MaxScalarBytes);
                int n = EvtxUtf8Scalar.TryWrite(v.Type, decoder.Chunk.Data.AsSpan(v.Offset, v.Size), dest);
                if (n > 0)
                {
                    _data.Advance(n);
                    return (start, n);
                }
                _data.AppendString(RenderParts(parts, values, depth));
                return (start, _data.Length - start);
            }
        }
        return AddField(name, RenderParts(parts, values, depth));
    }

    /// <summary>Longest literal <see cref="EvtxUtf8Scalar"/> writes (a SID with 255 sub-authorities: 2 + 2 + 3 + 1 + 15 + 255 × 11).</summary>
    private const int MaxScalarBytes = 2 + 2 + 3 + 1 + 15 + 255 * 11;

    private void AddName(string name)
    {
        var json = NameJson(name, _fieldCount); // ,"name":
        _data.AppendRaw(_fieldCount == 0 ? json.AsSpan(1) : json);
        _fieldCount++;
    }

    private byte[] NameJson(string name, int index)
    {
        if (index < _nameSlots.Length)
        {
            ref var slot = ref _nameSlots[index];
            if (ReferenceEquals(slot.Name, name)) return slot.Json;
            slot = (name, NameByReference(name));
            return slot.Json;
        }
        return NameByReference(name);
    }

    private byte[] NameByReference(string name)
    {
        if (_names.TryGetValue(name, out var json)) return json;
        json = RawEventJsonWriter.EncodeNameWithComma(name);
        // Names are interned (EvtxNamePool), so this stays small; the cap guards against hostile input.
        if (_names.Count < 10_000) _names[name] = json;
        return json;
    }

    private void Walk(BinXmlNode[] nodes, ReadOnlySpan<BinXmlValueRef> values, Scope scope, int depth)
    {
        if (depth > BinXmlParser.MaxDepth) throw new EvtxFormatException("XML nested too deeply", 0);
        decoder.Spend(nodes.Length);
        foreach (var n in nodes)
        {
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

    private void WalkNested(BinXmlValueRef v, Scope scope, int depth)
    {
        int top = decoder.Arena.Top;
        try
        {
            var f = decoder.OpenFragment(v.Offset, v.Offset + v.Size, depth);
            Walk(f.Nodes, f.Values, scope, depth);
        }
        finally
        {
            decoder.Arena.PopTo(top);
        }
    }

    private void OnElement(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, Scope scope, int depth)
    {
        if (EvtxXmlRenderer.IsOmitted(e, values)) return;
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

    private void OnElementCore(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, Scope scope, int depth)
    {
        switch (scope)
        {
            case Scope.Root:
                Walk(e.Children, values, Scope.Event, depth);
                break;
            case Scope.Event:
                switch (e.Name)
                {
                    case "System": Walk(e.Children, values, Scope.System, depth); break;
                    case "EventData": Walk(e.Children, values, Scope.EventData, depth); break;
                    case "UserData": Walk(e.Children, values, Scope.UserData, depth); break;
                }
                break;
            case Scope.System:
                OnSystemElement(e, values, depth);
                break;
            case Scope.EventData:
                if (ReferenceEquals(e.Name, DataName) || e.Name == "Data")
                {
                    string? name = null;
                    foreach (var a in e.Attributes)
                        if (a.Name == "Name") { name = DataFieldName(a, values, depth); break; }
                    if (string.IsNullOrEmpty(name)) name = EvtxNamePool.NumberedName(DataName, ++_unnamedData);
                    AddField(name, e.Children, values, depth);
                }
                else
                {
                    AddField(e.Name, e.Children, values, depth);
                }
                break;
            case Scope.UserData:
            case Scope.UserLeaves:
                if (e.HasElementChildren) Walk(e.Children, values, Scope.UserLeaves, depth);
                else AddField(e.Name, e.Children, values, depth);
                break;
        }
    }

    private string DataFieldName(BinXmlAttribute a, ReadOnlySpan<BinXmlValueRef> values, int depth)
        => a.Parts is [{ Kind: BinXmlNodeKind.Text } p] ? p.Text : EvtxNamePool.Get(RenderParts(a.Parts, values, depth));

    private void OnSystemElement(BinXmlNode e, ReadOnlySpan<BinXmlValueRef> values, int depth)
    {
        foreach (var a in e.Attributes)
        {
            if (!EvtxXmlRenderer.AttributePresent(a, values)) continue;
            if (a.Name == "SystemTime" && e.Name == "TimeCreated")
            {
                AddField(TimeCreatedName, RenderTime(a.Parts, values, depth));
                continue;
            }
            var at = AddField(a.QualifiedName, a.Parts, values, depth);
            if (a.QualifiedName == "Provider_Name") _provider = at;
        }
        if (e.Children.Length == 0 && e.Attributes.Length > 0) return;
        (int, int) literal;
        switch (e.Name)
        {
            case "EventID":
            {
                var text = RenderParts(e.Children, values, depth);
                _eventId = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id) ? id : 0;
                literal = AddField(e.Name, text);
                break;
            }
            case "EventRecordID":
            {
                var text = RenderParts(e.Children, values, depth);
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long rid) && rid > 0) _recordId = rid;
                literal = AddField(e.Name, text);
                break;
            }
            default:
                literal = AddField(e.Name, e.Children, values, depth);
                break;
        }
        switch (e.Name)
        {
            case "Channel": _channel = literal; break;
            case "Computer": _computer = literal; break;
        }
    }

    /// <summary>TimeCreated as yyyy-MM-ddTHH:mm:ss.fffffffZ; also sets the event time.</summary>
    private ReadOnlySpan<char> RenderTime(BinXmlNode[] parts, ReadOnlySpan<BinXmlValueRef> values, int depth)
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
                    BinXmlValueFormatter.FormatTicks(dt, _time);
                    return _time;
                }
            }
        }
        var s = RenderParts(parts, values, depth);
        if (DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            _timeTicks = parsed.Ticks;
            BinXmlValueFormatter.FormatTicks(parsed, _time);
            return _time;
        }
        return s;
    }

    /// <summary>
    /// Text of content parts. A string value is read in place from the chunk; other text is built in the
    /// decoder's text buffer and handed out from there, so the caller uses it before rendering more.
    /// </summary>
    private ReadOnlySpan<char> RenderParts(BinXmlNode[] parts, ReadOnlySpan<BinXmlValueRef> values, int depth)
    {
        if (parts.Length == 0) return "";
        var sb = decoder.Text;
        if (parts.Length == 1)
        {
            var p = parts[0];
            if (p.Kind == BinXmlNodeKind.Text) return p.TextSpan;
            if (p.Kind == BinXmlNodeKind.Substitution)
            {
                if (p.SubstitutionId >= values.Length) return "";
                var v = values[p.SubstitutionId];
                if (v.IsNull) return "";
                if (v.Type == BinXmlValueType.String)
                    return BinXmlValueFormatter.StringChars(decoder.Chunk.Data.AsSpan(v.Offset, v.Size));
            }
        }
        int start = sb.Length;
        foreach (var p in parts) AppendPart(p, values, sb, depth);
        var text = sb.Span[start..];
        sb.Truncate(start);
        return text;
    }

    private void AppendPart(BinXmlNode p, ReadOnlySpan<BinXmlValueRef> values, TextBuffer sb, int depth)
    {
        switch (p.Kind)
        {
            case BinXmlNodeKind.Text:
            case BinXmlNodeKind.CData:
                sb.Append(p.TextSpan);
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
