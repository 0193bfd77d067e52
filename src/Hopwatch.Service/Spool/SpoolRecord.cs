using System.Buffers.Binary;
using System.Text;

namespace Hopwatch.Service.Spool;

/// <summary>What kind of lines a spool record holds, so the processor knows how to parse them.</summary>
public enum SpoolPayloadFormat : byte
{
    /// <summary>One JSON object per line (validated at ingest).</summary>
    JsonLines = 1,
    /// <summary>Raw text lines (syslog messages, tailed auth.log lines).</summary>
    TextLines = 2,
}

/// <summary>
/// One accepted batch as stored in the spool. On disk:
/// <c>magic u32 | bodyLength u32 | crc32c u32 | body</c> where body is
/// <c>firstSeq u64 | count u32 | acceptedUnixMs i64 | format u8 | sourceLength u16 | source | lines</c>
/// (little-endian; lines are UTF-8 separated by '\n'). The checksum covers the body, so a record torn
/// by a crash is recognised and cut off at recovery.
/// </summary>
public sealed class SpoolRecord
{
    public const uint Magic = 0x31535748; // "HWS1"
    public const int FrameHeaderSize = 12;
    public const int BodyHeaderSize = 8 + 4 + 8 + 1 + 2;

    /// <summary>Sequence number of the first event; the others follow without gaps.</summary>
    public long FirstSeq { get; init; }
    public int Count { get; init; }
    public long AcceptedUnixMs { get; init; }
    public SpoolPayloadFormat Format { get; init; }
    /// <summary>Where the batch came from ("http", "syslog-tcp", "tail:auth.log", ...).</summary>
    public string Source { get; init; } = "";
    /// <summary>The lines, '\n'-separated, no trailing newline.</summary>
    public ReadOnlyMemory<byte> Lines { get; init; }

    /// <summary>Where this record sits in the spool, and where the next one starts.</summary>
    public SpoolPosition Position { get; init; }
    public SpoolPosition Next { get; init; }

    public int EncodedLength => FrameHeaderSize + BodyHeaderSize + Encoding.UTF8.GetByteCount(Source) + Lines.Length;

    /// <summary>
    /// Encodes everything but the lines (frame header, body header, source) for a gather write of
    /// header + lines, so a large batch is not copied once more.
    /// </summary>
    public static byte[] EncodeHeader(long firstSeq, int count, long acceptedUnixMs, SpoolPayloadFormat format, string source, ReadOnlySpan<byte> lines)
    {
        int sourceLen = Encoding.UTF8.GetByteCount(source);
        if (sourceLen > ushort.MaxValue) throw new ArgumentException("source name too long", nameof(source));
        var buf = new byte[FrameHeaderSize + BodyHeaderSize + sourceLen];
        var span = buf.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], BodyHeaderSize + sourceLen + lines.Length);
        var body = span[FrameHeaderSize..];
        BinaryPrimitives.WriteInt64LittleEndian(body, firstSeq);
        BinaryPrimitives.WriteInt32LittleEndian(body[8..], count);
        BinaryPrimitives.WriteInt64LittleEndian(body[12..], acceptedUnixMs);
        body[20] = (byte)format;
        BinaryPrimitives.WriteUInt16LittleEndian(body[21..], (ushort)sourceLen);
        Encoding.UTF8.GetBytes(source, body[BodyHeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Crc32C.Append(Crc32C.Compute(body), lines));
        return buf;
    }

    /// <summary>Encodes the record into a fresh buffer ready to append.</summary>
    public static byte[] Encode(long firstSeq, int count, long acceptedUnixMs, SpoolPayloadFormat format, string source, ReadOnlySpan<byte> lines)
    {
        int sourceLen = Encoding.UTF8.GetByteCount(source);
        if (sourceLen > ushort.MaxValue) throw new ArgumentException("source name too long", nameof(source));
        int bodyLen = BodyHeaderSize + sourceLen + lines.Length;
        var buf = new byte[FrameHeaderSize + bodyLen];
        var span = buf.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], bodyLen);
        var body = span[FrameHeaderSize..];
        BinaryPrimitives.WriteInt64LittleEndian(body, firstSeq);
        BinaryPrimitives.WriteInt32LittleEndian(body[8..], count);
        BinaryPrimitives.WriteInt64LittleEndian(body[12..], acceptedUnixMs);
        body[20] = (byte)format;
        BinaryPrimitives.WriteUInt16LittleEndian(body[21..], (ushort)sourceLen);
        Encoding.UTF8.GetBytes(source, body[BodyHeaderSize..]);
        lines.CopyTo(body[(BodyHeaderSize + sourceLen)..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Crc32C.Compute(body));
        return buf;
    }

    /// <summary>
    /// Decodes the record at the start of <paramref name="data"/>. Returns false when the bytes there
    /// are not a whole, intact record (torn tail, garbage); <paramref name="length"/> is its size when true.
    /// </summary>
    public static bool TryDecode(ReadOnlyMemory<byte> data, SpoolPosition at, out SpoolRecord? record, out int length)
    {
        record = null;
        length = 0;
        var span = data.Span;
        if (span.Length < FrameHeaderSize) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(span) != Magic) return false;
        int bodyLen = BinaryPrimitives.ReadInt32LittleEndian(span[4..]);
        if (bodyLen < BodyHeaderSize || bodyLen > span.Length - FrameHeaderSize) return false;
        var body = span.Slice(FrameHeaderSize, bodyLen);
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(span[8..])) return false;
        int sourceLen = BinaryPrimitives.ReadUInt16LittleEndian(body[21..]);
        if (BodyHeaderSize + sourceLen > bodyLen) return false;
        length = FrameHeaderSize + bodyLen;
        record = new SpoolRecord
        {
            FirstSeq = BinaryPrimitives.ReadInt64LittleEndian(body),
            Count = BinaryPrimitives.ReadInt32LittleEndian(body[8..]),
            AcceptedUnixMs = BinaryPrimitives.ReadInt64LittleEndian(body[12..]),
            Format = (SpoolPayloadFormat)body[20],
            Source = Encoding.UTF8.GetString(body.Slice(BodyHeaderSize, sourceLen)),
            Lines = data.Slice(FrameHeaderSize + BodyHeaderSize + sourceLen, bodyLen - BodyHeaderSize - sourceLen),
            Position = at,
            Next = new SpoolPosition(at.Segment, at.Offset + length),
        };
        return true;
    }
}

/// <summary>A place in the spool: segment number and byte offset inside it.</summary>
public readonly record struct SpoolPosition(long Segment, long Offset) : IComparable<SpoolPosition>
{
    public int CompareTo(SpoolPosition other) =>
        Segment != other.Segment ? Segment.CompareTo(other.Segment) : Offset.CompareTo(other.Offset);

    public override string ToString() => $"{Segment}:{Offset}";
}
