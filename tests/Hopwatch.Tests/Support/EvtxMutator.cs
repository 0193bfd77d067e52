using System.Buffers.Binary;

namespace Hopwatch.Tests.Support;

/// <summary>
/// Damages a real EVTX file in one of the ways disks, carving tools and attackers do: bit flips, truncation,
/// zeroed or duplicated ranges, inserted bytes, broken chunk headers, string/template offsets pointing
/// anywhere, bad record sizes, and BinXML length fields / tokens set to extreme values. Deterministic for a
/// given <see cref="Random"/> state, so a failing case is reproduced from its seed.
/// </summary>
public static class EvtxMutator
{
    public const int KindCount = 13;

    /// <summary>Returns the damaged copy and a one-line description of what was done.</summary>
    public static (byte[] Data, string What) Mutate(byte[] source, Random rng)
    {
        int kind = rng.Next(KindCount);
        var (data, what) = Apply(kind, source, rng);
        // Half the cases get valid checksums again, so the damage reaches past CRC checks into chunk and BinXML decoding.
        if (rng.Next(2) == 0)
        {
            EvtxLayout.FixChecksums(data);
            what += " +crc fixed";
        }
        return (data, what);
    }

    private static (byte[], string) Apply(int kind, byte[] source, Random rng)
    {
        var d = (byte[])source.Clone();
        if (d.Length < 2) return (d, "too short to mutate");
        switch (kind)
        {
            case 0:
            {
                int n = 1 + rng.Next(32);
                for (int i = 0; i < n; i++) d[rng.Next(d.Length)] ^= (byte)(1 << rng.Next(8));
                return (d, $"flip {n} bits");
            }
            case 1:
            {
                int n = 1 + rng.Next(16);
                for (int i = 0; i < n; i++) d[rng.Next(d.Length)] = Extreme8(rng);
                return (d, $"set {n} bytes");
            }
            case 2:
            {
                int len = Math.Min(d.Length, rng.Next(4) == 0 ? rng.Next(EvtxLayout.FileHeaderSize + EvtxLayout.ChunkHeaderSize + 64) : rng.Next(d.Length));
                return (d.AsSpan(0, len).ToArray(), $"truncate to {len}");
            }
            case 3:
            {
                int start = rng.Next(d.Length), len = Math.Min(d.Length - start, 1 + rng.Next(8192));
                d.AsSpan(start, len).Clear();
                return (d, $"zero {len} at {start}");
            }
            case 4:
            {
                int len = 1 + rng.Next(Math.Min(16384, d.Length - 1));
                int from = rng.Next(d.Length - len), to = rng.Next(d.Length - len);
                d.AsSpan(from, len).ToArray().CopyTo(d.AsSpan(to));
                return (d, $"copy {len} from {from} over {to}");
            }
            case 5:
            {
                int len = 1 + rng.Next(Math.Min(4096, d.Length - 1));
                int from = rng.Next(d.Length - len), at = rng.Next(d.Length);
                var grown = new byte[d.Length + len];
                d.AsSpan(0, at).CopyTo(grown);
                d.AsSpan(from, len).CopyTo(grown.AsSpan(at));
                d.AsSpan(at).CopyTo(grown.AsSpan(at + len));
                return (grown, $"insert {len} from {from} at {at}");
            }
            case 6:
            {
                if (!PickChunk(d, rng, out int c)) goto case 0;
                int n = 1 + rng.Next(8);
                for (int i = 0; i < n; i++) d[c + rng.Next(128)] = Extreme8(rng);
                return (d, $"chunk header @{c}: {n} bytes");
            }
            case 7:
            {
                if (!PickChunk(d, rng, out int c)) goto case 0;
                int n = 1 + rng.Next(4);
                for (int i = 0; i < n; i++)
                    BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(c + EvtxLayout.StringTableOffset + 4 * rng.Next(64)), Offset(rng));
                return (d, $"chunk @{c}: {n} string offsets");
            }
            case 8:
            {
                if (!PickChunk(d, rng, out int c)) goto case 0;
                int n = 1 + rng.Next(4);
                for (int i = 0; i < n; i++)
                    BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(c + EvtxLayout.TemplateTableOffset + 4 * rng.Next(32)), Offset(rng));
                return (d, $"chunk @{c}: {n} template offsets");
            }
            case 9:
            {
                if (!PickRecord(d, rng, out int r) || r + 8 > d.Length) goto case 0;
                uint size = rng.Next(3) switch { 0 => (uint)rng.Next(32), 1 => 0xFFFFFFFFu - (uint)rng.Next(16), _ => Offset(rng) };
                BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(r + 4), size);
                return (d, $"record @{r}: size {size}");
            }
            case 10:
            {
                // Length/offset fields inside BinXML: 16- and 32-bit values at random places set to extremes.
                if (!PickRecord(d, rng, out int r)) goto case 0;
                int n = 1 + rng.Next(6);
                for (int i = 0; i < n; i++)
                {
                    int p = r + EvtxLayout.RecordHeaderSize + rng.Next(Math.Max(1, Math.Min(2048, d.Length - r - EvtxLayout.RecordHeaderSize - 4)));
                    if (p + 4 > d.Length) continue;
                    if (rng.Next(2) == 0) BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(p), (ushort)Extreme32(rng));
                    else BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(p), Extreme32(rng));
                }
                return (d, $"record @{r}: {n} BinXML fields");
            }
            case 11:
            {
                // BinXML tokens: a byte set to a (possibly valid) token value, so the decoder takes a wrong path.
                if (!PickRecord(d, rng, out int r)) goto case 0;
                int n = 1 + rng.Next(4);
                for (int i = 0; i < n; i++)
                {
                    int p = r + EvtxLayout.RecordHeaderSize + rng.Next(Math.Max(1, Math.Min(1024, d.Length - r - EvtxLayout.RecordHeaderSize)));
                    if (p < d.Length) d[p] = (byte)(rng.Next(2) == 0 ? rng.Next(0x16) : 0x40 | rng.Next(0x16));
                }
                return (d, $"record @{r}: {n} tokens");
            }
            default:
            {
                // File header fields: chunk numbers, header size, block size, chunk count, flags.
                if (d.Length < 128) goto case 0;
                int[] fields = [8, 16, 24, 32, 36, 38, 40, 42, 120];
                int n = 1 + rng.Next(3);
                for (int i = 0; i < n; i++)
                    BinaryPrimitives.WriteUInt16LittleEndian(d.AsSpan(fields[rng.Next(fields.Length)]), (ushort)Extreme32(rng));
                return (d, $"file header: {n} fields");
            }
        }
    }

    private static bool PickChunk(byte[] d, Random rng, out int start)
    {
        var chunks = EvtxLayout.ChunkStarts(d);
        start = chunks.Count == 0 ? 0 : chunks[rng.Next(chunks.Count)];
        return chunks.Count > 0;
    }

    private static bool PickRecord(byte[] d, Random rng, out int start)
    {
        var records = EvtxLayout.RecordStarts(d, 512);
        start = records.Count == 0 ? 0 : records[rng.Next(records.Count)];
        return records.Count > 0;
    }

    private static byte Extreme8(Random rng) => rng.Next(4) switch { 0 => 0, 1 => 0xFF, 2 => 0x7F, _ => (byte)rng.Next(256) };

    private static uint Extreme32(Random rng) => rng.Next(6) switch
    {
        0 => 0,
        1 => 0xFFFFFFFF,
        2 => 0x7FFFFFFF,
        3 => 0x80000000,
        4 => (uint)rng.Next(0x10000),
        _ => (uint)rng.Next() | ((uint)rng.Next(2) << 31),
    };

    // An offset into a chunk: inside the header, inside the records, just past the end, or far away.
    private static uint Offset(Random rng) => rng.Next(5) switch
    {
        0 => (uint)rng.Next(EvtxLayout.ChunkHeaderSize),
        1 => (uint)rng.Next(EvtxLayout.ChunkHeaderSize, EvtxLayout.ChunkSize),
        2 => (uint)(EvtxLayout.ChunkSize - rng.Next(8)),
        3 => 0xFFFFFFFF - (uint)rng.Next(8),
        _ => (uint)rng.Next(),
    };
}
