namespace Hopwatch.Reading.Evtx;

/// <summary>
/// CRC-32 (IEEE 802.3) as EVTX uses for header and chunk checksums. Delegates to
/// System.IO.Hashing's vectorised implementation: checking every chunk's record area would otherwise
/// cost a fifth of the parse time.
/// </summary>
public static class Crc32
{
    public static uint Compute(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);

    /// <summary>CRC of two discontiguous ranges (chunk header: bytes 0..120 and 128..512).</summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(first);
        crc.Append(second);
        return crc.GetCurrentHashAsUInt32();
    }
}
