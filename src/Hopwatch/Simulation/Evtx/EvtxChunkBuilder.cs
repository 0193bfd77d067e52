using Hopwatch.Reading.Evtx;
using System.Buffers.Binary;
using System.Globalization;

namespace Hopwatch.Simulation.Evtx;

/// <summary>
/// Builds one 64 KiB EVTX chunk: records as BinXML template instances, each template defined
/// inline the first time the chunk uses it and referenced by offset afterwards, element and
/// attribute names kept in the chunk's string table (defined once, then referenced), and the
/// header with both CRCs. Templates and names are chunk-local, as in files Windows writes.
/// </summary>
internal sealed class EvtxChunkBuilder
{
    public const int ChunkSize = 65536;
    private const int HeaderSize = 512;
    private const int FirstSubstitution = 15; // System values take substitutions 0..14

    // Grows on demand up to a chunk plus slack (a record that overflows is written fully before it is
    // rolled back), so thousands of open files with a few records each stay small in memory.
    private const int MaxBuffer = ChunkSize * 2;
    private byte[] _buf = new byte[8192];
    private readonly Dictionary<string, int> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int DefinitionOffset, uint TemplateId)> _templates = new(StringComparer.Ordinal);
    private readonly List<string> _newNames = new();
    private readonly List<string> _newTemplates = new();
    private readonly int[] _stringBuckets = new int[64];
    private readonly int[] _templateBuckets = new int[32];
    private readonly int[] _savedStringBuckets = new int[64];
    private readonly int[] _savedTemplateBuckets = new int[32];
    private int _pos;
    private ulong _firstRecordId, _lastRecordId;
    private int _lastRecordOffset;
    private int _recordCount;

    public EvtxChunkBuilder() => Reset();

    public int RecordCount => _recordCount;
    public ulong FirstRecordId => _firstRecordId;
    public ulong LastRecordId => _lastRecordId;

    public void Reset()
    {
        Array.Clear(_buf, 0, Math.Min(_buf.Length, Math.Max(_pos, HeaderSize)));
        _names.Clear();
        _templates.Clear();
        Array.Clear(_stringBuckets);
        Array.Clear(_templateBuckets);
        _pos = HeaderSize;
        _recordCount = 0;
        _firstRecordId = _lastRecordId = 0;
        _lastRecordOffset = 0;
    }

    /// <summary>Appends the record; false (chunk unchanged) when it does not fit.</summary>
    public bool TryAdd(EvtxRecordData r)
    {
        int start = _pos;
        _newNames.Clear();
        _newTemplates.Clear();
        Array.Copy(_stringBuckets, _savedStringBuckets, 64);
        Array.Copy(_templateBuckets, _savedTemplateBuckets, 32);
        WriteRecord(r);
        if (_pos <= ChunkSize) return true;

        // Roll back: forget names and templates this record defined, clear its bytes.
        foreach (var n in _newNames) _names.Remove(n);
        foreach (var t in _newTemplates) _templates.Remove(t);
        Array.Copy(_savedStringBuckets, _stringBuckets, 64);
        Array.Copy(_savedTemplateBuckets, _templateBuckets, 32);
        Array.Clear(_buf, start, _pos - start);
        _pos = start;
        if (_recordCount == 0)
            throw new InvalidOperationException($"an EVTX record of {r.Channel}/{r.EventId} is larger than a chunk");
        return false;
    }

    /// <summary>Finishes the header (ids, offsets, CRCs) and returns the 64 KiB chunk.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        if (_buf.Length < ChunkSize) Array.Resize(ref _buf, ChunkSize);
        var b = _buf.AsSpan(0, ChunkSize);
        "ElfChnk\0"u8.CopyTo(b);
        BinaryPrimitives.WriteUInt64LittleEndian(b[8..], _firstRecordId);
        BinaryPrimitives.WriteUInt64LittleEndian(b[16..], _lastRecordId);
        BinaryPrimitives.WriteUInt64LittleEndian(b[24..], _firstRecordId);
        BinaryPrimitives.WriteUInt64LittleEndian(b[32..], _lastRecordId);
        BinaryPrimitives.WriteUInt32LittleEndian(b[40..], 128);
        BinaryPrimitives.WriteUInt32LittleEndian(b[44..], (uint)_lastRecordOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(b[48..], (uint)_pos);
        BinaryPrimitives.WriteUInt32LittleEndian(b[52..], Crc32.Compute(b[HeaderSize.._pos]));
        BinaryPrimitives.WriteUInt32LittleEndian(b[120..], 1);
        for (int i = 0; i < 64; i++) BinaryPrimitives.WriteUInt32LittleEndian(b[(128 + 4 * i)..], (uint)_stringBuckets[i]);
        for (int i = 0; i < 32; i++) BinaryPrimitives.WriteUInt32LittleEndian(b[(384 + 4 * i)..], (uint)_templateBuckets[i]);
        uint crc = Crc32.Compute(b[..120], b[128..HeaderSize]);
        BinaryPrimitives.WriteUInt32LittleEndian(b[124..], crc);
        return b;
    }

    private void WriteRecord(EvtxRecordData r)
    {
        int recStart = _pos;
        U32(0x00002A2A);
        U32(0); // size, patched
        U64(r.RecordId);
        U64((ulong)r.Time.ToFileTimeUtc());
        // Fragment header, then the template instance.
        U8(0x0F); U8(1); U8(1); U8(0);
        U8(0x0C); U8(0x01);
        if (_templates.TryGetValue(r.Shape.Key, out var known))
        {
            U32(known.TemplateId);
            U32((uint)known.DefinitionOffset);
        }
        else
        {
            uint templateId = BinaryPrimitives.ReadUInt32LittleEndian(r.Shape.TemplateGuid.ToByteArray());
            U32(templateId);
            int defOffset = _pos + 4;
            U32((uint)defOffset);
            _templates[r.Shape.Key] = (defOffset, templateId);
            _newTemplates.Add(r.Shape.Key);
            WriteTemplateDefinition(r.Shape, defOffset);
        }
        WriteValues(r);
        U8(0x00); // end of the record's fragment (readers expect it after the instance values)
        int size = _pos - recStart + 4;
        U32((uint)size);
        if (_pos > ChunkSize) return;
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(recStart + 4), (uint)size);
        if (_recordCount == 0) _firstRecordId = r.RecordId;
        _lastRecordId = r.RecordId;
        _lastRecordOffset = recStart;
        _recordCount++;
    }

    private void WriteTemplateDefinition(EvtxTemplateShape shape, int defOffset)
    {
        int bucket = (int)(BinaryPrimitives.ReadUInt32LittleEndian(shape.TemplateGuid.ToByteArray()) % 32);
        U32((uint)_templateBuckets[bucket]); // next template in this bucket
        _templateBuckets[bucket] = defOffset;
        Guid16(shape.TemplateGuid);
        int sizePos = _pos;
        U32(0); // data size, patched
        int dataStart = _pos;
        U8(0x0F); U8(1); U8(1); U8(0);

        int ev = OpenElement("Event", hasAttributes: true);
        int attrs = BeginAttributes();
        Attribute("xmlns", last: true);
        ValueText("http://schemas.microsoft.com/win/2004/08/events/event");
        EndAttributes(attrs);
        U8(0x02);

        int sys = OpenElement("System", false); U8(0x02);
        int prov = OpenElement("Provider", true);
        attrs = BeginAttributes();
        Attribute("Name", last: false); Substitution(0, EvtxValueType.String);
        Attribute("Guid", last: true); Substitution(1, EvtxValueType.Guid);
        EndAttributes(attrs);
        U8(0x03); CloseElement(prov, empty: true);
        SimpleElement("EventID", 2, EvtxValueType.UInt16);
        SimpleElement("Version", 3, EvtxValueType.UInt8);
        SimpleElement("Level", 4, EvtxValueType.UInt8);
        SimpleElement("Task", 5, EvtxValueType.UInt16);
        SimpleElement("Opcode", 6, EvtxValueType.UInt8);
        SimpleElement("Keywords", 7, EvtxValueType.HexInt64);
        int tc = OpenElement("TimeCreated", true);
        attrs = BeginAttributes();
        Attribute("SystemTime", last: true); Substitution(8, EvtxValueType.FileTime);
        EndAttributes(attrs);
        U8(0x03); CloseElement(tc, empty: true);
        SimpleElement("EventRecordID", 9, EvtxValueType.UInt64);
        int cor = OpenElement("Correlation", false); U8(0x03); CloseElement(cor, empty: true);
        int exe = OpenElement("Execution", true);
        attrs = BeginAttributes();
        Attribute("ProcessID", last: false); Substitution(10, EvtxValueType.UInt32);
        Attribute("ThreadID", last: true); Substitution(11, EvtxValueType.UInt32);
        EndAttributes(attrs);
        U8(0x03); CloseElement(exe, empty: true);
        SimpleElement("Channel", 12, EvtxValueType.String);
        SimpleElement("Computer", 13, EvtxValueType.String);
        int sec = OpenElement("Security", true);
        attrs = BeginAttributes();
        Attribute("UserID", last: true); Substitution(14, EvtxValueType.Sid);
        EndAttributes(attrs);
        U8(0x03); CloseElement(sec, empty: true);
        U8(0x04); CloseElement(sys, empty: false);

        if (shape.UserDataElement is null)
        {
            int ed = OpenElement("EventData", false);
            if (shape.DataNames.Length == 0) { U8(0x03); CloseElement(ed, empty: true); }
            else
            {
                U8(0x02);
                for (int i = 0; i < shape.DataNames.Length; i++)
                {
                    int d = OpenElement("Data", true);
                    attrs = BeginAttributes();
                    Attribute("Name", last: true); ValueText(shape.DataNames[i]);
                    EndAttributes(attrs);
                    U8(0x02);
                    Substitution(FirstSubstitution + i, shape.DataTypes[i]);
                    U8(0x04); CloseElement(d, empty: false);
                }
                U8(0x04); CloseElement(ed, empty: false);
            }
        }
        else
        {
            int ud = OpenElement("UserData", false); U8(0x02);
            bool ns = shape.UserDataNamespace is not null;
            int wrap = OpenElement(shape.UserDataElement, ns);
            if (ns)
            {
                attrs = BeginAttributes();
                Attribute("xmlns", last: true); ValueText(shape.UserDataNamespace!);
                EndAttributes(attrs);
            }
            U8(0x02);
            for (int i = 0; i < shape.DataNames.Length; i++)
            {
                int d = OpenElement(shape.DataNames[i], false);
                U8(0x02);
                Substitution(FirstSubstitution + i, shape.DataTypes[i]);
                U8(0x04); CloseElement(d, empty: false);
            }
            U8(0x04); CloseElement(wrap, empty: false);
            U8(0x04); CloseElement(ud, empty: false);
        }
        U8(0x04); CloseElement(ev, empty: false);
        U8(0x00); // end of fragment
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(sizePos), (uint)(_pos - dataStart));
    }

    private void SimpleElement(string name, int substitution, EvtxValueType type)
    {
        int e = OpenElement(name, false);
        U8(0x02);
        Substitution(substitution, type);
        U8(0x04);
        CloseElement(e, empty: false);
    }

    /// <summary>Writes the start of an element; returns the position of its data-size field.</summary>
    private int OpenElement(string name, bool hasAttributes)
    {
        U8(hasAttributes ? (byte)0x41 : (byte)0x01);
        U16(0xFFFF); // dependency identifier: none
        int sizePos = _pos;
        U32(0);
        NameRef(name);
        return sizePos;
    }

    /// <summary>Patches the element's data size: everything after the size field up to here.</summary>
    private void CloseElement(int sizePos, bool empty)
    {
        _ = empty;
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(sizePos), (uint)(_pos - sizePos - 4));
    }

    private int BeginAttributes()
    {
        int p = _pos;
        U32(0);
        return p;
    }

    private void EndAttributes(int sizePos) =>
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(sizePos), (uint)(_pos - sizePos - 4));

    private void Attribute(string name, bool last)
    {
        U8(last ? (byte)0x06 : (byte)0x46);
        NameRef(name);
    }

    private void Substitution(int index, EvtxValueType type)
    {
        U8(0x0E); // optional substitution: a null value drops the attribute / empties the element
        U16((ushort)index);
        U8((byte)type);
    }

    private void ValueText(string text)
    {
        U8(0x05);
        U8(0x01);
        U16((ushort)text.Length);
        Utf16(text);
    }

    /// <summary>A name offset; the name itself is written right here the first time the chunk uses it.</summary>
    private void NameRef(string name)
    {
        if (_names.TryGetValue(name, out int off))
        {
            U32((uint)off);
            return;
        }
        off = _pos + 4;
        U32((uint)off);
        _names[name] = off;
        _newNames.Add(name);
        ushort hash = NameHash(name);
        int bucket = hash % 64;
        U32((uint)_stringBuckets[bucket]); // next string in this bucket
        _stringBuckets[bucket] = off;
        U16(hash);
        U16((ushort)name.Length);
        Utf16(name);
        U16(0);
    }

    private static ushort NameHash(string name)
    {
        uint h = 0;
        foreach (char c in name) h = h * 65599 + c;
        return (ushort)h;
    }

    private void WriteValues(EvtxRecordData r)
    {
        int n = FirstSubstitution + r.Shape.DataNames.Length;
        U32((uint)n);
        int descPos = _pos;
        Ensure(4 * n);
        _pos += 4 * n;
        int i = 0;
        void Desc(int start, EvtxValueType type)
        {
            int size = _pos - start;
            if (size > ushort.MaxValue) throw new InvalidOperationException("EVTX value larger than 64 KiB");
            var d = _buf.AsSpan(descPos + 4 * i);
            BinaryPrimitives.WriteUInt16LittleEndian(d, (ushort)size);
            d[2] = (byte)type;
            d[3] = 0;
            i++;
        }
        int s = _pos; Utf16(r.Provider); Desc(s, EvtxValueType.String);
        s = _pos; Guid16(r.ProviderGuid); Desc(s, EvtxValueType.Guid);
        s = _pos; U16(r.EventId); Desc(s, EvtxValueType.UInt16);
        s = _pos; U8(r.Version); Desc(s, EvtxValueType.UInt8);
        s = _pos; U8(r.Level); Desc(s, EvtxValueType.UInt8);
        s = _pos; U16(r.Task); Desc(s, EvtxValueType.UInt16);
        s = _pos; U8(r.Opcode); Desc(s, EvtxValueType.UInt8);
        s = _pos; U64(r.Keywords); Desc(s, EvtxValueType.HexInt64);
        s = _pos; U64((ulong)r.Time.ToFileTimeUtc()); Desc(s, EvtxValueType.FileTime);
        s = _pos; U64(r.RecordId); Desc(s, EvtxValueType.UInt64);
        s = _pos; U32(r.ProcessId); Desc(s, EvtxValueType.UInt32);
        s = _pos; U32(r.ThreadId); Desc(s, EvtxValueType.UInt32);
        s = _pos; Utf16(r.Channel); Desc(s, EvtxValueType.String);
        s = _pos; Utf16(r.Computer); Desc(s, EvtxValueType.String);
        s = _pos;
        if (r.UserSid is not null && TryWriteSid(r.UserSid)) Desc(s, EvtxValueType.Sid);
        else Desc(s, EvtxValueType.Null);
        for (int k = 0; k < r.Shape.DataNames.Length; k++)
        {
            string? v = k < r.Values.Count ? r.Values[k] : null;
            s = _pos;
            var type = WriteTyped(v, r.Shape.DataTypes[k]);
            Desc(s, type);
        }
    }

    /// <summary>Writes a data value as its declared type; text that does not parse as that type is kept as a string.</summary>
    private EvtxValueType WriteTyped(string? v, EvtxValueType type)
    {
        if (v is null) return EvtxValueType.Null;
        switch (type)
        {
            case EvtxValueType.UInt32 when uint.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out uint u) && u.ToString(CultureInfo.InvariantCulture) == v:
                U32(u);
                return type;
            case EvtxValueType.Sid when TryWriteSid(v):
                return type;
            default:
                Utf16(v);
                return EvtxValueType.String;
        }
    }

    /// <summary>Binary SID from "S-1-5-21-...", canonical text only (so it renders back identically).</summary>
    private bool TryWriteSid(string sid)
    {
        if (!sid.StartsWith("S-1-", StringComparison.Ordinal)) return false;
        var parts = sid.Split('-');
        if (parts.Length < 3 || parts.Length - 3 > 15) return false;
        if (!ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out ulong authority) || authority >= 1UL << 48
            || authority.ToString(CultureInfo.InvariantCulture) != parts[2]) return false;
        Span<uint> subs = stackalloc uint[15];
        for (int i = 3; i < parts.Length; i++)
        {
            if (!uint.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out subs[i - 3])
                || subs[i - 3].ToString(CultureInfo.InvariantCulture) != parts[i]) return false;
        }
        U8(1);
        U8((byte)(parts.Length - 3));
        for (int k = 5; k >= 0; k--) U8((byte)(authority >> (8 * k)));
        for (int i = 0; i < parts.Length - 3; i++) U32(subs[i]);
        return true;
    }

    private void Ensure(int bytes)
    {
        if (_pos + bytes <= _buf.Length) return;
        if (_pos + bytes > MaxBuffer) throw new InvalidOperationException("EVTX record larger than a chunk");
        int size = _buf.Length;
        while (size < _pos + bytes) size *= 2;
        Array.Resize(ref _buf, Math.Min(size, MaxBuffer));
    }

    private void U8(byte v) { Ensure(1); _buf[_pos++] = v; }
    private void U16(ushort v) { Ensure(2); BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(_pos), v); _pos += 2; }
    private void U32(uint v) { Ensure(4); BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(_pos), v); _pos += 4; }
    private void U64(ulong v) { Ensure(8); BinaryPrimitives.WriteUInt64LittleEndian(_buf.AsSpan(_pos), v); _pos += 8; }

    private void Guid16(Guid g) { Ensure(16); g.TryWriteBytes(_buf.AsSpan(_pos)); _pos += 16; }

    private void Utf16(string s)
    {
        Ensure(s.Length * 2);
        var dst = _buf.AsSpan(_pos);
        for (int i = 0; i < s.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(dst[(2 * i)..], s[i]);
        _pos += s.Length * 2;
    }
}
