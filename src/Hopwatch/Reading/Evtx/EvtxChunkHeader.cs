using System.Buffers.Binary;

namespace Hopwatch.Reading.Evtx;

/// <summary>The 512-byte header of a 64 KiB chunk ("ElfChnk\0"): record range, free space offset, checksums, string and template tables.</summary>
internal readonly record struct EvtxChunkHeader(
    ulong FirstRecordNumber, ulong LastRecordNumber, ulong FirstRecordId, ulong LastRecordId,
    uint LastRecordOffset, uint FreeSpaceOffset, uint RecordsChecksum, uint HeaderChecksum)
{
    public const int ChunkSize = 65536;
    public const int HeaderSize = 512;

    public static bool HasMagic(ReadOnlySpan<byte> b) => b.Length >= 8 && b[..8].SequenceEqual("ElfChnk\0"u8);

    public static EvtxChunkHeader Parse(ReadOnlySpan<byte> b) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
        BinaryPrimitives.ReadUInt64LittleEndian(b[32..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[44..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[48..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[52..]),
        BinaryPrimitives.ReadUInt32LittleEndian(b[124..]));

    /// <summary>CRC-32 of bytes 0..120 and 128..512, as stored at offset 124.</summary>
    public static uint ComputeHeaderChecksum(ReadOnlySpan<byte> chunk)
        => Crc32.Compute(chunk[..120], chunk[128..HeaderSize]);

    /// <summary>True when every byte of the chunk is zero: pre-allocated, never written space.</summary>
    public static bool IsUnused(ReadOnlySpan<byte> chunk) => chunk.IndexOfAnyExcept((byte)0) < 0;
}
