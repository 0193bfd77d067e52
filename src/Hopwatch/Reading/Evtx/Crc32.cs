namespace Hopwatch.Reading.Evtx;

/// <summary>
/// CRC-32 (IEEE 802.3) as EVTX uses for header and chunk checksums. Delegates to
/// System.IO.Hashing's vectorised implementation: checking every chunk's record area would otherwise
/// cost a fifth of the parse time.
/// </summary>
public static class Crc32
{
    public static uint Compute(ReadOnlySpan<byte> data) => System.IO.Hashing.Crc32.HashToUInt32(data);

    /// <summary>
    /// CRC of two discontiguous ranges (chunk header: bytes 0..120 and 128..512). Short ranges are joined on the
    /// stack and hashed at once: an incremental hasher is an object per call, i.e. per chunk.
    /// </summary>
    public static uint Compute(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        int length = first.Length + second.Length;
        if (length <= MaxJoinedOnStack)
        {
            Span<byte> joined = stackalloc byte[MaxJoinedOnStack];
            first.CopyTo(joined);
            second.CopyTo(joined[first.Length..]);
            return Compute(joined[..length]);
        }
        var crc = new System.IO.Hashing.Crc32();
        crc.Append(first);
        crc.Append(second);
        return crc.GetCurrentHashAsUInt32();
    }

    private const int MaxJoinedOnStack = 1024;
}
