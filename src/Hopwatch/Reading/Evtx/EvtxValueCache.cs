using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Reuses the strings of values that repeat from record to record (user names, "-", SIDs, GUIDs,
/// keywords, small numbers), so a field value is allocated once per thread instead of once per record.
/// Bounded: cleared when full, which costs only re-creating strings.
/// </summary>
internal sealed class EvtxValueCache
{
    private const int MaxEntries = 8192;
    private const int MaxCachedChars = 256;
    private static readonly string[] SmallNumbers = CreateSmallNumbers();

    private static string[] CreateSmallNumbers()
    {
        var numbers = new string[1024];
        for (int i = 0; i < numbers.Length; i++) numbers[i] = i.ToString(CultureInfo.InvariantCulture);
        return numbers;
    }

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly Dictionary<ulong, string> _hex = new();
    private readonly Dictionary<ulong, string> _numbers = new();

    public EvtxValueCache() => _lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The field text of a scalar value (Windows style), shared when it was seen before.</summary>
    public string Get(TextBuffer scratch, byte type, ReadOnlySpan<byte> data)
    {
        switch (type)
        {
            case BinXmlValueType.String:
                return Intern(BinXmlValueFormatter.StringChars(data));
            case BinXmlValueType.UInt8 when data.Length >= 1: return SmallNumbers[data[0]];
            case BinXmlValueType.UInt16 when data.Length >= 2: return SharedNumber(BinaryPrimitives.ReadUInt16LittleEndian(data));
            case BinXmlValueType.UInt32 when data.Length >= 4: return SharedNumber(BinaryPrimitives.ReadUInt32LittleEndian(data));
            case BinXmlValueType.UInt64 when data.Length >= 8: return SharedNumber(BinaryPrimitives.ReadUInt64LittleEndian(data));
            case BinXmlValueType.Int32 when data.Length >= 4:
                int i32 = BinaryPrimitives.ReadInt32LittleEndian(data);
                return i32 >= 0 ? SharedNumber((ulong)i32) : i32.ToString(CultureInfo.InvariantCulture);
            case BinXmlValueType.HexInt32 when data.Length >= 4: return Hex(BinaryPrimitives.ReadUInt32LittleEndian(data), scratch);
            case BinXmlValueType.HexInt64 when data.Length >= 8: return Hex(BinaryPrimitives.ReadUInt64LittleEndian(data), scratch);
            case BinXmlValueType.Guid or BinXmlValueType.Sid:
            {
                int start = scratch.Length;
                BinXmlValueFormatter.Append(scratch, type, data, EvtxValueStyle.Windows);
                string s = Intern(scratch.Span[start..]);
                scratch.Truncate(start);
                return s;
            }
            default:
                return BinXmlValueFormatter.ToString(scratch, type, data, EvtxValueStyle.Windows);
        }
    }

    private static string Number(ulong v) => v < (ulong)SmallNumbers.Length ? SmallNumbers[v] : v.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A number's text, shared when seen before: process and thread ids, ports and sizes repeat from
    /// record to record. Values that never repeat (record ids) should use <see cref="GetUnshared"/>, or
    /// they would only churn this cache.
    /// </summary>
    private string SharedNumber(ulong v)
    {
        if (v < (ulong)SmallNumbers.Length) return SmallNumbers[v];
        if (_numbers.TryGetValue(v, out var s)) return s;
        s = v.ToString(CultureInfo.InvariantCulture);
        if (_numbers.Count >= MaxEntries) _numbers.Clear();
        _numbers[v] = s;
        return s;
    }

    /// <summary>The field text of a value that is (nearly) unique per record, such as EventRecordID: formatted, not cached.</summary>
    public static string GetUnshared(TextBuffer scratch, byte type, ReadOnlySpan<byte> data) => type switch
    {
        BinXmlValueType.UInt64 when data.Length >= 8 => Number(BinaryPrimitives.ReadUInt64LittleEndian(data)),
        BinXmlValueType.UInt32 when data.Length >= 4 => Number(BinaryPrimitives.ReadUInt32LittleEndian(data)),
        _ => BinXmlValueFormatter.ToString(scratch, type, data, EvtxValueStyle.Windows),
    };

    private string Hex(ulong v, TextBuffer scratch)
    {
        if (_hex.TryGetValue(v, out var s)) return s;
        int start = scratch.Length;
        BinXmlValueFormatter.AppendHex(scratch, v, 16, EvtxValueStyle.Windows);
        s = scratch.ToStringFrom(start);
        scratch.Truncate(start);
        if (_hex.Count >= MaxEntries) _hex.Clear();
        _hex[v] = s;
        return s;
    }

    private string Intern(ReadOnlySpan<char> chars)
    {
        if (chars.Length == 0) return "";
        if (chars.Length > MaxCachedChars) return new string(chars);
        if (_lookup.TryGetValue(chars, out var s)) return s;
        s = new string(chars);
        if (_strings.Count >= MaxEntries) _strings.Clear();
        _strings[s] = s;
        return s;
    }
}
