using System.Buffers.Binary;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Splits array values into items. Windows (and evtxexport) render an element whose content is one
/// array substitution as one element per item, so renderers iterate items with this.
/// </summary>
internal static class BinXmlArray
{
    /// <summary>True for array values whose items can be told apart (strings and fixed-size types).</summary>
    public static bool IsSplittable(BinXmlValueRef v)
    {
        if ((v.Type & BinXmlValueType.ArrayFlag) == 0 || v.Size == 0) return false;
        byte b = (byte)(v.Type & 0x7F);
        return b is BinXmlValueType.String or BinXmlValueType.AnsiString || BinXmlValueType.FixedSize(b) > 0;
    }

    /// <summary>
    /// Reads the next item of an array value starting at <paramref name="pos"/> (chunk offset);
    /// false when no item is left. Start with <c>pos = v.Offset</c>.
    /// </summary>
    public static bool Next(byte[] data, BinXmlValueRef v, ref int pos, out BinXmlValueRef item)
    {
        int end = v.Offset + v.Size;
        byte b = (byte)(v.Type & 0x7F);
        item = default;
        if (pos >= end) return false;
        if (b == BinXmlValueType.String)
        {
            int p = pos;
            while (p + 2 <= end && BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(p)) != 0) p += 2;
            item = new BinXmlValueRef(b, pos, p - pos);
            pos = Math.Min(end, p + 2);
            // A trailing terminator ends the array rather than starting an empty item.
            return true;
        }
        if (b == BinXmlValueType.AnsiString)
        {
            int p = pos;
            while (p < end && data[p] != 0) p++;
            item = new BinXmlValueRef(b, pos, p - pos);
            pos = Math.Min(end, p + 1);
            return true;
        }
        int size = BinXmlValueType.FixedSize(b);
        if (size == 0 || pos + size > end) return false;
        item = new BinXmlValueRef(b, pos, size);
        pos += size;
        return true;
    }
}
