using System.Buffers.Binary;
using System.Runtime.Intrinsics.X86;

namespace Hopwatch.Service.Spool;

/// <summary>
/// CRC-32C (Castagnoli), the checksum that tells a whole spool record from a torn one after a
/// crash. Uses the SSE4.2 instruction when present, a table otherwise; both give the same value.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u; // reflected Castagnoli
    private static readonly uint[] Table = BuildTable();

    private static uint[] BuildTable()
    {
        var t = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? (c >> 1) ^ Polynomial : c >> 1;
            t[i] = c;
        }
        return t;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>Continues a checksum over more data (crc of a‖b = Append(Compute(a), b)).</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = ~crc;
        if (Sse42.X64.IsSupported)
        {
            ulong c64 = c;
            while (data.Length >= 8)
            {
                c64 = Sse42.X64.Crc32(c64, BinaryPrimitives.ReadUInt64LittleEndian(data));
                data = data[8..];
            }
            c = (uint)c64;
            foreach (byte b in data) c = Sse42.Crc32(c, b);
            return ~c;
        }
        return ~Software(c, data);
    }

    internal static uint ComputeSoftware(ReadOnlySpan<byte> data) => ~Software(~0u, data);

    private static uint Software(uint c, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        return c;
    }
}
