using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Renders typed substitution values as text, the way Windows / evtxexport print them: GUIDs as
/// {UPPER-CASE}, SIDs as S-1-..., hex integers as 0x..., FILETIME/SYSTEMTIME as ISO-8601 UTC,
/// binary as upper-case hex, arrays joined with ','. BinXml values are rendered by the caller.
/// </summary>
internal static class BinXmlValueFormatter
{
    /// <summary>Ticks between 0001-01-01 and the FILETIME epoch 1601-01-01.</summary>
    public const long FileTimeEpochTicks = 504911232000000000L;

    /// <summary>Appends a scalar or array value (not BinXml) to <paramref name="sb"/>.</summary>
    public static void Append(TextBuffer sb, byte type, ReadOnlySpan<byte> data, EvtxValueStyle style)
    {
        if ((type & BinXmlValueType.ArrayFlag) != 0)
        {
            AppendArray(sb, (byte)(type & 0x7F), data, style);
            return;
        }
        switch (type)
        {
            case BinXmlValueType.Null: return;
            case BinXmlValueType.String: sb.Append(TrimNul(MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]))); return;
            case BinXmlValueType.AnsiString: AppendAnsi(sb, data); return;
            case BinXmlValueType.Int8 when data.Length >= 1: sb.Append((sbyte)data[0]); return;
            case BinXmlValueType.UInt8 when data.Length >= 1: sb.Append(data[0]); return;
            case BinXmlValueType.Int16 when data.Length >= 2: sb.Append(BinaryPrimitives.ReadInt16LittleEndian(data)); return;
            case BinXmlValueType.UInt16 when data.Length >= 2: sb.Append(BinaryPrimitives.ReadUInt16LittleEndian(data)); return;
            case BinXmlValueType.Int32 when data.Length >= 4: sb.Append(BinaryPrimitives.ReadInt32LittleEndian(data)); return;
            case BinXmlValueType.UInt32 when data.Length >= 4: sb.Append(BinaryPrimitives.ReadUInt32LittleEndian(data)); return;
            case BinXmlValueType.Int64 when data.Length >= 8: sb.Append(BinaryPrimitives.ReadInt64LittleEndian(data)); return;
            case BinXmlValueType.UInt64 when data.Length >= 8: sb.Append(BinaryPrimitives.ReadUInt64LittleEndian(data)); return;
            case BinXmlValueType.Real32 when data.Length >= 4: sb.Append(BinaryPrimitives.ReadSingleLittleEndian(data), "R"); return;
            case BinXmlValueType.Real64 when data.Length >= 8: sb.Append(BinaryPrimitives.ReadDoubleLittleEndian(data), "R"); return;
            case BinXmlValueType.Bool when data.Length >= 1: sb.Append(ReadBool(data) ? "true" : "false"); return;
            case BinXmlValueType.Binary: AppendHexUpper(sb, data); return;
            case BinXmlValueType.Guid when data.Length >= 16: AppendGuid(sb, data); return;
            case BinXmlValueType.SizeT or BinXmlValueType.EvtHandle when data.Length is 4 or 8:
            {
                // Windows shows pointer-sized values in hex (ProcessId 0x24c); evtxexport in decimal.
                ulong v = data.Length == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(data) : BinaryPrimitives.ReadUInt32LittleEndian(data);
                if (style == EvtxValueStyle.Libevtx) sb.Append(v);
                else AppendHex(sb, v, data.Length * 2, style);
                return;
            }
            case BinXmlValueType.FileTime when data.Length >= 8: AppendFileTime(sb, BinaryPrimitives.ReadInt64LittleEndian(data), style); return;
            case BinXmlValueType.SysTime when data.Length >= 16: AppendSystemTime(sb, data); return;
            case BinXmlValueType.Sid: AppendSid(sb, data); return;
            case BinXmlValueType.HexInt32 when data.Length >= 4: AppendHex(sb, BinaryPrimitives.ReadUInt32LittleEndian(data), 8, style); return;
            case BinXmlValueType.HexInt64 when data.Length >= 8: AppendHex(sb, BinaryPrimitives.ReadUInt64LittleEndian(data), 16, style); return;
            case BinXmlValueType.EvtXml: sb.Append(TrimNul(MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]))); return;
            default:
                // Unknown type or a size that does not fit the type: show the bytes rather than lose them.
                AppendHexUpper(sb, data);
                return;
        }
    }

    /// <summary>Renders a scalar or array value to a new string (the common one-value-per-field path).</summary>
    public static string ToString(TextBuffer scratch, byte type, ReadOnlySpan<byte> data, EvtxValueStyle style)
    {
        if (type == BinXmlValueType.String)
        {
            var chars = TrimNul(MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]));
            return chars.Length == 0 ? "" : new string(chars);
        }
        int start = scratch.Length;
        Append(scratch, type, data, style);
        string s = scratch.ToStringFrom(start);
        scratch.Truncate(start);
        return s;
    }

    /// <summary>The characters of a UTF-16 string value, up to its first NUL.</summary>
    public static ReadOnlySpan<char> StringChars(ReadOnlySpan<byte> data)
        => TrimNul(MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]));

    /// <summary>Irregular bools (any non-zero byte pattern) count as true, as Windows treats them.</summary>
    internal static bool ReadBool(ReadOnlySpan<byte> data)
        => (data.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(data) : data[0]) != 0;

    /// <summary>A string value ends at its first NUL (what follows is padding or garbage), as Windows and evtxexport read it.</summary>
    private static ReadOnlySpan<char> TrimNul(ReadOnlySpan<char> s)
    {
        int end = s.IndexOf('\0');
        return end < 0 ? s : s[..end];
    }

    private static void AppendAnsi(TextBuffer sb, ReadOnlySpan<byte> data)
    {
        int end = data.IndexOf((byte)0);
        if (end < 0) end = data.Length;
        var dest = sb.Reserve(end);
        int n = Encoding.Latin1.GetChars(data[..end], dest);
        sb.Advance(n);
    }

    private static void AppendArray(TextBuffer sb, byte baseType, ReadOnlySpan<byte> data, EvtxValueStyle style)
    {
        if (baseType == BinXmlValueType.String)
        {
            // NUL-terminated UTF-16 strings back to back.
            var chars = MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]);
            chars = chars.TrimEnd('\0');
            bool first = true;
            while (true)
            {
                int nul = chars.IndexOf('\0');
                var item = nul < 0 ? chars : chars[..nul];
                if (!first) sb.Append(',');
                sb.Append(item);
                first = false;
                if (nul < 0) break;
                chars = chars[(nul + 1)..];
            }
            return;
        }
        if (baseType == BinXmlValueType.AnsiString)
        {
            bool first = true;
            foreach (var part in data.TrimEnd((byte)0).Split((byte)0))
            {
                if (!first) sb.Append(',');
                AppendAnsi(sb, data[part]);
                first = false;
            }
            return;
        }
        int size = baseType switch
        {
            BinXmlValueType.Sid => 0,
            BinXmlValueType.SizeT or BinXmlValueType.EvtHandle => 8,
            _ => BinXmlValueType.FixedSize(baseType),
        };
        if (baseType == BinXmlValueType.Sid)
        {
            bool first = true;
            while (data.Length >= 8)
            {
                int len = 8 + 4 * data[1];
                if (len > data.Length) break;
                if (!first) sb.Append(',');
                AppendSid(sb, data[..len]);
                data = data[len..];
                first = false;
            }
            return;
        }
        if (size == 0)
        {
            AppendHexUpper(sb, data);
            return;
        }
        for (int i = 0; i + size <= data.Length; i += size)
        {
            if (i > 0) sb.Append(',');
            Append(sb, baseType, data.Slice(i, size), style);
        }
    }

    public static void AppendHex(TextBuffer sb, ulong v, int digits, EvtxValueStyle style)
    {
        sb.Append("0x");
        if (style == EvtxValueStyle.Libevtx) sb.Append(v, digits == 16 ? "x16" : "x8");
        else sb.Append(v, "x");
    }

    private static void AppendHexUpper(TextBuffer sb, ReadOnlySpan<byte> data)
    {
        var dest = sb.Reserve(data.Length * 2);
        Convert.TryToHexString(data, dest, out int written);
        sb.Advance(written);
    }

    private static void AppendGuid(TextBuffer sb, ReadOnlySpan<byte> data)
    {
        var g = new Guid(data[..16]);
        var dest = sb.Reserve(38);
        g.TryFormat(dest, out _, "B");
        for (int i = 0; i < 38; i++)
        {
            char c = dest[i];
            if (c >= 'a' && c <= 'f') dest[i] = (char)(c - 32);
        }
        sb.Advance(38);
    }

    private static void AppendSid(TextBuffer sb, ReadOnlySpan<byte> data)
    {
        if (data.Length < 8) { AppendHexUpper(sb, data); return; }
        int count = data[1];
        if (data.Length < 8 + 4 * count) { AppendHexUpper(sb, data); return; }
        ulong authority = 0;
        for (int i = 2; i < 8; i++) authority = (authority << 8) | data[i];
        sb.Append("S-");
        sb.Append(data[0]);
        sb.Append('-');
        sb.Append(authority);
        for (int i = 0; i < count; i++)
        {
            sb.Append('-');
            sb.Append(BinaryPrimitives.ReadUInt32LittleEndian(data[(8 + 4 * i)..]));
        }
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss.fffffff00Z. FILETIMEs beyond DateTime's range are shown as the raw number.</summary>
    public static void AppendFileTime(TextBuffer sb, long fileTime, EvtxValueStyle style)
    {
        if (fileTime < 0 || fileTime > DateTime.MaxValue.Ticks - FileTimeEpochTicks)
        {
            sb.Append(fileTime);
            return;
        }
        // Windows and evtxexport both print nine fraction digits (the last two always 00).
        var dt = new DateTime(fileTime + FileTimeEpochTicks, DateTimeKind.Utc);
        var d = sb.Reserve(30);
        WriteDateTime(d, dt);
        d[19] = '.';
        Write7(d[20..], (int)(dt.Ticks % TimeSpan.TicksPerSecond));
        d[27] = '0';
        d[28] = '0';
        d[29] = 'Z';
        sb.Advance(30);
    }

    /// <summary>Renders a DateTime as yyyy-MM-ddTHH:mm:ss.fffffffZ (the TimeCreated field form).</summary>
    public static string FormatTicks(DateTime dt)
    {
        Span<char> d = stackalloc char[28];
        FormatTicks(dt, d);
        return new string(d);
    }

    /// <summary>The 28 characters of <see cref="FormatTicks(DateTime)"/> into <paramref name="d"/>.</summary>
    public static void FormatTicks(DateTime dt, Span<char> d)
    {
        WriteDateTime(d, dt);
        d[19] = '.';
        Write7(d[20..], (int)(dt.Ticks % TimeSpan.TicksPerSecond));
        d[27] = 'Z';
    }

    private static void AppendSystemTime(TextBuffer sb, ReadOnlySpan<byte> data)
    {
        int year = BinaryPrimitives.ReadUInt16LittleEndian(data);
        int month = BinaryPrimitives.ReadUInt16LittleEndian(data[2..]);
        int day = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int hour = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        int minute = BinaryPrimitives.ReadUInt16LittleEndian(data[10..]);
        int second = BinaryPrimitives.ReadUInt16LittleEndian(data[12..]);
        int ms = BinaryPrimitives.ReadUInt16LittleEndian(data[14..]);
        if (year > 9999 || month > 99 || day > 99 || hour > 99 || minute > 99 || second > 99 || ms > 999)
        {
            AppendHexUpper(sb, data[..16]);
            return;
        }
        var d = sb.Reserve(24);
        Write4(d, year); d[4] = '-'; Write2(d[5..], month); d[7] = '-'; Write2(d[8..], day); d[10] = 'T';
        Write2(d[11..], hour); d[13] = ':'; Write2(d[14..], minute); d[16] = ':'; Write2(d[17..], second);
        d[19] = '.'; d[20] = (char)('0' + ms / 100); d[21] = (char)('0' + ms / 10 % 10); d[22] = (char)('0' + ms % 10); d[23] = 'Z';
        sb.Advance(24);
    }

    private static void WriteDateTime(Span<char> d, DateTime dt)
    {
        Write4(d, dt.Year); d[4] = '-'; Write2(d[5..], dt.Month); d[7] = '-'; Write2(d[8..], dt.Day); d[10] = 'T';
        Write2(d[11..], dt.Hour); d[13] = ':'; Write2(d[14..], dt.Minute); d[16] = ':'; Write2(d[17..], dt.Second);
    }

    private static void Write2(Span<char> d, int v) { d[0] = (char)('0' + v / 10); d[1] = (char)('0' + v % 10); }
    private static void Write4(Span<char> d, int v) { Write2(d, v / 100); Write2(d[2..], v % 100); }

    private static void Write7(Span<char> d, int v)
    {
        for (int i = 6; i >= 0; i--) { d[i] = (char)('0' + v % 10); v /= 10; }
    }
}
