using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Reuses the strings of values that repeat from record to record (user names, "-", SIDs, GUIDs,
/// keywords, numbers), so a field value is allocated once per thread instead of once per record.
/// Binary values (GUIDs, short SIDs, numbers, hex) are looked up by their raw bytes, so a value seen
/// before is not even formatted; strings by their characters. The table is set-associative (two ways
/// per set, the newer or last-hit first) and bounded: a new value evicts only the older entry of its
/// set, so the values that repeat stay while one-off ones (record GUIDs, hashes) come and go; a full
/// dictionary that was cleared when full dropped them all at once.
/// </summary>
internal sealed class EvtxValueCache
{
    private const int SetBits = 12;
    private const int Sets = 1 << SetBits;
    /// <summary>
    /// Longer strings are not shared: they are mostly one-off (script blocks, command lines), and bounded this
    /// way the table keeps at most 16 MB alive. Up to here they repeat often enough (4672 privilege lists,
    /// Sysmon call traces) to be worth hashing.
    /// </summary>
    private const int MaxCachedChars = 1024;
    /// <summary>Tags of raw entries that are not value types: numbers and hex integers share a text per value whatever their width.</summary>
    private const byte NumberTag = 0xFF, HexTag = 0xFE;
    private static readonly string[] SmallNumbers = CreateSmallNumbers();

    private static string[] CreateSmallNumbers()
    {
        var numbers = new string[1024];
        for (int i = 0; i < numbers.Length; i++) numbers[i] = i.ToString(CultureInfo.InvariantCulture);
        return numbers;
    }

    /// <summary>
    /// A cached value. Tag 0: a text entry, the key is the characters of <see cref="Value"/>. Otherwise a raw
    /// entry: the key is the value type (or <see cref="NumberTag"/>, <see cref="HexTag"/>) and up to 16 bytes.
    /// </summary>
    private struct Entry
    {
        public ulong Hash;
        public ulong K0, K1;
        public string? Value;
        public int Length;
        public byte Tag;
    }

    /// <summary>Two entries per set; allocated on first use (decoders that only dump JSON never need it).</summary>
    private Entry[]? _table;

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
            case BinXmlValueType.Bool when data.Length >= 1: return BinXmlValueFormatter.ReadBool(data) ? "true" : "false";
            case BinXmlValueType.HexInt32 when data.Length >= 4: return Hex(BinaryPrimitives.ReadUInt32LittleEndian(data), scratch);
            case BinXmlValueType.HexInt64 when data.Length >= 8: return Hex(BinaryPrimitives.ReadUInt64LittleEndian(data), scratch);
            case BinXmlValueType.Guid when data.Length >= 16:
                return Raw(type, data[..16], scratch);
            case BinXmlValueType.Sid when data.Length <= 16:
                return Raw(type, data, scratch);
            case BinXmlValueType.Sid:
            {
                // Domain account SIDs (28 bytes) are longer than a raw key: formatted, then shared by their text.
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
        ref var e = ref FindRaw(NumberTag, v, 0, 8, out bool found);
        if (!found) e.Value = v.ToString(CultureInfo.InvariantCulture);
        return e.Value!;
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
        ref var e = ref FindRaw(HexTag, v, 0, 8, out bool found);
        if (found) return e.Value!;
        int start = scratch.Length;
        BinXmlValueFormatter.AppendHex(scratch, v, 16, EvtxValueStyle.Windows);
        e.Value = scratch.ToStringFrom(start);
        scratch.Truncate(start);
        return e.Value;
    }

    /// <summary>A value of at most 16 bytes, shared by its type and bytes: formatted only the first time.</summary>
    private string Raw(byte type, ReadOnlySpan<byte> data, TextBuffer scratch)
    {
        Span<byte> key = stackalloc byte[16];
        key.Clear();
        data.CopyTo(key);
        ref var e = ref FindRaw(type, BinaryPrimitives.ReadUInt64LittleEndian(key), BinaryPrimitives.ReadUInt64LittleEndian(key[8..]), data.Length, out bool found);
        if (!found) e.Value = BinXmlValueFormatter.ToString(scratch, type, data, EvtxValueStyle.Windows);
        return e.Value!;
    }

    /// <summary>
    /// The entry holding the raw key, or (<paramref name="found"/> false) the slot to fill with its text: key
    /// fields already set, the set's other entry moved aside. The caller sets <see cref="Entry.Value"/> at once.
    /// </summary>
    private ref Entry FindRaw(byte tag, ulong k0, ulong k1, int length, out bool found)
    {
        ulong h = k0 * 0x9E3779B97F4A7C15UL ^ BitOperations.RotateLeft(k1 * 0xC2B2AE3D27D4EB4FUL, 31) ^ ((ulong)tag << 56 | (uint)length);
        h ^= h >> 29;
        h *= 0xBF58476D1CE4E5B9UL;
        var table = _table ??= new Entry[2 * Sets];
        int set = (int)(h >> (64 - SetBits)) * 2;
        ref var first = ref table[set];
        if (first.Hash == h && first.Tag == tag && first.K0 == k0 && first.K1 == k1 && first.Length == length && first.Value is not null)
        {
            found = true;
            return ref first;
        }
        ref var second = ref table[set + 1];
        if (second.Hash == h && second.Tag == tag && second.K0 == k0 && second.K1 == k1 && second.Length == length && second.Value is not null)
        {
            (first, second) = (second, first); // the last hit goes first: it survives the next miss of its set
            found = true;
            return ref first;
        }
        second = first;
        first = new Entry { Hash = h, K0 = k0, K1 = k1, Length = length, Tag = tag };
        found = false;
        return ref first;
    }

    /// <summary>
    /// A 64-bit hash of the characters, eight bytes at a time with 64-bit multiplies only (XxHash3's 128-bit
    /// multiplies have no hardware path in the baseline x64 target the native build uses).
    /// </summary>
    private static ulong HashChars(ReadOnlySpan<char> chars)
    {
        var bytes = MemoryMarshal.AsBytes(chars);
        ref byte start = ref MemoryMarshal.GetReference(bytes);
        int length = bytes.Length, i = 0;
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)length;
        for (; i + 8 <= length; i += 8)
            h = BitOperations.RotateLeft(h ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, i)) * 0xC2B2AE3D27D4EB4FUL, 31) * 0x9E3779B97F4A7C15UL;
        if (i < length)
        {
            // Two to six bytes left (characters are two bytes).
            ulong tail = 0;
            for (int shift = 0; i < length; i += 2, shift += 16)
                tail |= (ulong)Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref start, i)) << shift;
            h = BitOperations.RotateLeft(h ^ tail * 0xC2B2AE3D27D4EB4FUL, 31) * 0x9E3779B97F4A7C15UL;
        }
        h ^= h >> 32;
        h *= 0xBF58476D1CE4E5B9UL;
        return h ^ (h >> 29);
    }

    private string Intern(ReadOnlySpan<char> chars)
    {
        if (chars.Length == 0) return "";
        if (chars.Length > MaxCachedChars) return new string(chars);
        ulong h = HashChars(chars);
        var table = _table ??= new Entry[2 * Sets];
        int set = (int)(h >> (64 - SetBits)) * 2;
        ref var first = ref table[set];
        if (first.Hash == h && first.Tag == 0 && first.Value is { } a && chars.SequenceEqual(a)) return a;
        ref var second = ref table[set + 1];
        if (second.Hash == h && second.Tag == 0 && second.Value is { } b && chars.SequenceEqual(b))
        {
            (first, second) = (second, first);
            return b;
        }
        string s = new(chars);
        second = first;
        first = new Entry { Hash = h, Value = s };
        return s;
    }
}
