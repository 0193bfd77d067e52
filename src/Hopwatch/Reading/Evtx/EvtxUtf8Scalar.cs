using System.Buffers.Binary;
using System.Globalization;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Writes the common fixed-format values (integers, hex integers, pointer-sized values, bools, GUIDs,
/// SIDs) as a JSON string literal straight to UTF-8, exactly as <see cref="BinXmlValueFormatter.Append"/>
/// renders them in <see cref="EvtxValueStyle.Windows"/> style: their text is plain ASCII, so the dump
/// needs no UTF-16 text, transcoding or escape scan for them. Any other type, or a size the type does
/// not allow (which the formatter shows as hex bytes), is left to the formatter.
/// </summary>
internal static class EvtxUtf8Scalar
{
    /// <summary>Bytes written to <paramref name="dest"/> (quotes included), or 0 when this value is not one of the above.</summary>
    public static int TryWrite(byte type, ReadOnlySpan<byte> data, Span<byte> dest)
    {
        dest[0] = (byte)'"';
        int n;
        switch (type)
        {
            case BinXmlValueType.Int8 when data.Length >= 1: n = Decimal((sbyte)data[0], dest[1..]); break;
            case BinXmlValueType.UInt8 when data.Length >= 1: n = Decimal(data[0], dest[1..]); break;
            case BinXmlValueType.Int16 when data.Length >= 2: n = Decimal(BinaryPrimitives.ReadInt16LittleEndian(data), dest[1..]); break;
            case BinXmlValueType.UInt16 when data.Length >= 2: n = Decimal(BinaryPrimitives.ReadUInt16LittleEndian(data), dest[1..]); break;
            case BinXmlValueType.Int32 when data.Length >= 4: n = Decimal(BinaryPrimitives.ReadInt32LittleEndian(data), dest[1..]); break;
            case BinXmlValueType.UInt32 when data.Length >= 4: n = Decimal(BinaryPrimitives.ReadUInt32LittleEndian(data), dest[1..]); break;
            case BinXmlValueType.Int64 when data.Length >= 8: n = Decimal(BinaryPrimitives.ReadInt64LittleEndian(data), dest[1..]); break;
            case BinXmlValueType.UInt64 when data.Length >= 8: n = Decimal(BinaryPrimitives.ReadUInt64LittleEndian(data), dest[1..]); break;
            case BinXmlValueType.Bool when data.Length >= 1:
                bool b = (data.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(data) : data[0]) != 0;
                var word = b ? "true"u8 : "false"u8;
                word.CopyTo(dest[1..]);
                n = word.Length;
                break;
            case BinXmlValueType.Guid when data.Length >= 16:
                n = Guid(data, dest[1..]);
                break;
            case BinXmlValueType.SizeT or BinXmlValueType.EvtHandle when data.Length is 4 or 8:
                n = Hex(data.Length == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(data) : BinaryPrimitives.ReadUInt32LittleEndian(data), dest[1..]);
                break;
            case BinXmlValueType.HexInt32 when data.Length >= 4: n = Hex(BinaryPrimitives.ReadUInt32LittleEndian(data), dest[1..]); break;
            case BinXmlValueType.HexInt64 when data.Length >= 8: n = Hex(BinaryPrimitives.ReadUInt64LittleEndian(data), dest[1..]); break;
            case BinXmlValueType.Sid:
                n = Sid(data, dest[1..]);
                if (n == 0) return 0;
                break;
            default:
                return 0;
        }
        dest[n + 1] = (byte)'"';
        return n + 2;
    }

    private static int Decimal<T>(T value, Span<byte> dest) where T : IUtf8SpanFormattable
    {
        value.TryFormat(dest, out int n, default, CultureInfo.InvariantCulture);
        return n;
    }

    /// <summary>0x and lower-case hex digits without padding (Windows style).</summary>
    private static int Hex(ulong v, Span<byte> dest)
    {
        dest[0] = (byte)'0';
        dest[1] = (byte)'x';
        v.TryFormat(dest[2..], out int n, "x", CultureInfo.InvariantCulture);
        return n + 2;
    }

    /// <summary>{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, upper case: the first three groups are little-endian.</summary>
    private static int Guid(ReadOnlySpan<byte> data, Span<byte> dest)
    {
        dest[0] = (byte)'{';
        HexByte(data[3], dest[1..]); HexByte(data[2], dest[3..]); HexByte(data[1], dest[5..]); HexByte(data[0], dest[7..]);
        dest[9] = (byte)'-';
        HexByte(data[5], dest[10..]); HexByte(data[4], dest[12..]);
        dest[14] = (byte)'-';
        HexByte(data[7], dest[15..]); HexByte(data[6], dest[17..]);
        dest[19] = (byte)'-';
        HexByte(data[8], dest[20..]); HexByte(data[9], dest[22..]);
        dest[24] = (byte)'-';
        for (int i = 0; i < 6; i++) HexByte(data[10 + i], dest[(25 + 2 * i)..]);
        dest[37] = (byte)'}';
        return 38;
    }

    private static void HexByte(byte b, Span<byte> dest)
    {
        dest[0] = (byte)"0123456789ABCDEF"[b >> 4];
        dest[1] = (byte)"0123456789ABCDEF"[b & 0xF];
    }

    /// <summary>S-revision-authority-sub-sub...; 0 when the bytes do not hold a whole SID (the formatter shows hex then).</summary>
    private static int Sid(ReadOnlySpan<byte> data, Span<byte> dest)
    {
        if (data.Length < 8) return 0;
        int count = data[1];
        if (data.Length < 8 + 4 * count) return 0;
        ulong authority = 0;
        for (int i = 2; i < 8; i++) authority = (authority << 8) | data[i];
        dest[0] = (byte)'S';
        dest[1] = (byte)'-';
        int n = 2 + Decimal(data[0], dest[2..]);
        dest[n++] = (byte)'-';
        n += Decimal(authority, dest[n..]);
        for (int i = 0; i < count; i++)
        {
            dest[n++] = (byte)'-';
            n += Decimal(BinaryPrimitives.ReadUInt32LittleEndian(data[(8 + 4 * i)..]), dest[n..]);
        }
        return n;
    }
}
