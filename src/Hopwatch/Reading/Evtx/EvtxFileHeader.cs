using System.Buffers.Binary;

namespace Hopwatch.Reading.Evtx;

/// <summary>The 4 KiB file header ("ElfFile\0"). Only advisory: chunks are found by scanning, not by its count.</summary>
internal readonly record struct EvtxFileHeader(
    ulong FirstChunk, ulong LastChunk, ulong NextRecordId, ushort MajorVersion, ushort MinorVersion,
    ushort ChunkCount, uint Flags, bool ChecksumOk)
{
    public const int Size = 4096;
    public const uint FlagDirty = 1, FlagFull = 2;

    public bool IsDirty => (Flags & FlagDirty) != 0;

    public static bool HasMagic(ReadOnlySpan<byte> b) => b.Length >= 8 && b[..8].SequenceEqual("ElfFile\0"u8);

    /// <summary>Parses the header; null when the magic is missing (not an EVTX file).</summary>
    public static EvtxFileHeader? Parse(ReadOnlySpan<byte> b)
    {
        if (b.Length < 128 || !HasMagic(b)) return null;
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(b[124..]);
        return new EvtxFileHeader(
            BinaryPrimitives.ReadUInt64LittleEndian(b[8..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[16..]),
            BinaryPrimitives.ReadUInt64LittleEndian(b[24..]),
            BinaryPrimitives.ReadUInt16LittleEndian(b[38..]),
            BinaryPrimitives.ReadUInt16LittleEndian(b[36..]),
            BinaryPrimitives.ReadUInt16LittleEndian(b[42..]),
            BinaryPrimitives.ReadUInt32LittleEndian(b[120..]),
            stored == Crc32.Compute(b[..120]));
    }
}
