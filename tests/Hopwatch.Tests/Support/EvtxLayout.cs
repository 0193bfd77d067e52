using Hopwatch.Reading.Evtx;
using System.Buffers.Binary;

namespace Hopwatch.Tests.Support;

/// <summary>
/// Just enough of the EVTX layout to damage files on purpose and to repair their checksums afterwards
/// (so damage reaches the BinXML decoder instead of stopping at a CRC check).
/// File header: 4096 bytes, "ElfFile\0", CRC32 of bytes 0..120 at 124. Chunk: 65536 bytes, "ElfChnk\0",
/// free-space offset at 48, records CRC32 at 52, header CRC32 (bytes 0..120 and 128..512) at 124,
/// string offset table at 0x80 (64 × uint32), template offset table at 0x180 (32 × uint32), records from 0x200.
/// Record: magic 2a 2a 00 00, size at 4, id at 8, FILETIME at 16, BinXML from 24, size repeated in its last 4 bytes.
/// </summary>
public static class EvtxLayout
{
    public const int FileHeaderSize = 4096;
    public const int ChunkSize = 65536;
    public const int ChunkHeaderSize = 512;
    public const int StringTableOffset = 0x80;
    public const int TemplateTableOffset = 0x180;
    public const int RecordHeaderSize = 24;

    public static ReadOnlySpan<byte> ChunkMagic => "ElfChnk\0"u8;
    public static ReadOnlySpan<byte> RecordMagic => [0x2a, 0x2a, 0x00, 0x00];

    /// <summary>Start offsets of the complete chunks that still carry the chunk magic.</summary>
    public static List<int> ChunkStarts(byte[] data)
    {
        var starts = new List<int>();
        for (int c = FileHeaderSize; c + ChunkSize <= data.Length; c += ChunkSize)
            if (data.AsSpan(c, 8).SequenceEqual(ChunkMagic)) starts.Add(c);
        return starts;
    }

    /// <summary>Offsets of record magics in <paramref name="data"/> (inside chunks' record areas).</summary>
    public static List<int> RecordStarts(byte[] data, int max = 4096)
    {
        var found = new List<int>();
        for (int c = FileHeaderSize; c < data.Length && found.Count < max; c += ChunkSize)
        {
            int end = Math.Min(c + ChunkSize, data.Length) - 4;
            for (int p = c + ChunkHeaderSize; p <= end && found.Count < max; p += 8) // records are 8-byte aligned
                if (data.AsSpan(p, 4).SequenceEqual(RecordMagic)) found.Add(p);
        }
        return found;
    }

    /// <summary>Recomputes the file header CRC and, for every complete chunk with its magic, both chunk CRCs.</summary>
    public static void FixChecksums(byte[] data)
    {
        if (data.Length >= 128 && data.AsSpan(0, 8).SequenceEqual("ElfFile\0"u8))
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(124), Crc32.Compute(data.AsSpan(0, 120)));
        foreach (int c in ChunkStarts(data))
        {
            var chunk = data.AsSpan(c, ChunkSize);
            uint free = BinaryPrimitives.ReadUInt32LittleEndian(chunk[48..]);
            if (free >= ChunkHeaderSize && free <= ChunkSize)
                BinaryPrimitives.WriteUInt32LittleEndian(chunk[52..], Crc32.Compute(chunk[ChunkHeaderSize..(int)free]));
            uint crc = Crc32.Compute(chunk[..120], chunk[128..ChunkHeaderSize]);
            BinaryPrimitives.WriteUInt32LittleEndian(chunk[124..], crc);
        }
    }

    /// <summary>The file header plus its first <paramref name="chunks"/> chunks, with the header's chunk count set to match.</summary>
    public static byte[] Prefix(byte[] file, int chunks)
    {
        int len = Math.Min(file.Length, FileHeaderSize + chunks * ChunkSize);
        var data = file.AsSpan(0, len).ToArray();
        int have = Math.Max(0, (len - FileHeaderSize) / ChunkSize);
        if (data.Length >= 128 && have < chunks + 1)
        {
            // Header fields: last chunk number at 16 (uint64), chunk count at 42 (uint16).
            ushort count = BinaryPrimitives.ReadUInt16LittleEndian(data.AsSpan(42));
            if (count > have)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(42), (ushort)have);
                BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(16), (ulong)Math.Max(0, have - 1));
            }
        }
        FixChecksums(data);
        return data;
    }
}
