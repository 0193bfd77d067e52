using System.Buffers.Binary;
using Hopwatch.Events;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// The value cache hands out one string per repeated value, looked up by the value's raw bytes (GUIDs, short
/// SIDs, numbers, hex) or characters (strings). What it hands out must be exactly what the formatter renders,
/// whatever was cached or evicted before, and values that share bytes but not type must not share text.
/// </summary>
public class EvtxValueCacheTests
{
    private static string Format(byte type, byte[] data) => BinXmlValueFormatter.ToString(new TextBuffer(), type, data, EvtxValueStyle.Windows);

    private static byte[] U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32LittleEndian(b, v); return b; }
    private static byte[] U64(ulong v) { var b = new byte[8]; BinaryPrimitives.WriteUInt64LittleEndian(b, v); return b; }

    [Fact]
    public void RepeatedValuesAreOneStringEqualToTheFormatterText()
    {
        var cache = new EvtxValueCache();
        var scratch = new TextBuffer();
        var guid = Guid.Parse("54849625-5478-4994-a5ba-3e3b0328c30d").ToByteArray();
        var localSystem = new byte[] { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 }; // S-1-5-18: 12 bytes, a raw key
        var domainUser = Convert.FromHexString("010500000000000515000000A1B2C3D4E5F60718293A4B5CE8030000"); // 28 bytes: by text
        var samples = new (byte Type, byte[] Data)[]
        {
            (BinXmlValueType.Guid, guid),
            (BinXmlValueType.Sid, localSystem),
            (BinXmlValueType.Sid, domainUser),
            (BinXmlValueType.HexInt32, U32(0x3e7)),
            (BinXmlValueType.HexInt64, U64(0x8020000000000000)),
            (BinXmlValueType.UInt32, U32(4624)),
            (BinXmlValueType.UInt64, U64(123456789012)),
            (BinXmlValueType.UInt16, [0x10, 0x27]),
            (BinXmlValueType.Bool, U32(1)),
            (BinXmlValueType.Bool, U32(0)),
            (BinXmlValueType.String, System.Text.Encoding.Unicode.GetBytes("NT AUTHORITY\0garbage")),
        };
        foreach (var (type, data) in samples)
        {
            string first = cache.Get(scratch, type, data);
            Assert.Equal(Format(type, data), first);
            Assert.Same(first, cache.Get(scratch, type, data.ToArray()));
        }
        Assert.Equal("{54849625-5478-4994-A5BA-3E3B0328C30D}", cache.Get(scratch, BinXmlValueType.Guid, guid));
        Assert.Equal("S-1-5-18", cache.Get(scratch, BinXmlValueType.Sid, localSystem));
        Assert.Equal("NT AUTHORITY", cache.Get(scratch, BinXmlValueType.String, samples[^1].Data));
        Assert.Equal(0, scratch.Length);
    }

    [Fact]
    public void SameBytesOfAnotherTypeGetTheirOwnText()
    {
        var cache = new EvtxValueCache();
        var scratch = new TextBuffer();
        Assert.Equal("5000", cache.Get(scratch, BinXmlValueType.UInt32, U32(5000)));
        Assert.Equal("0x1388", cache.Get(scratch, BinXmlValueType.HexInt32, U32(5000)));
        Assert.Equal("5000", cache.Get(scratch, BinXmlValueType.UInt64, U64(5000)));
        Assert.Equal("0x1388", cache.Get(scratch, BinXmlValueType.HexInt64, U64(5000)));
        // Sixteen bytes as a GUID and the same bytes as a SID (a SID's own layout decides its text).
        var bytes = new byte[] { 1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 32, 2, 0, 0 };
        Assert.Equal(Format(BinXmlValueType.Guid, bytes), cache.Get(scratch, BinXmlValueType.Guid, bytes));
        Assert.Equal("S-1-5-32-544", cache.Get(scratch, BinXmlValueType.Sid, bytes));
        Assert.Equal(Format(BinXmlValueType.Guid, bytes), cache.Get(scratch, BinXmlValueType.Guid, bytes));
        // A shorter SID whose bytes are a prefix of a longer one's (zero-padded keys must still differ by length).
        var shortSid = new byte[] { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0 };
        var padded = new byte[] { 1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0, 0, 0, 0, 0 };
        Assert.Equal("S-1-5-18", cache.Get(scratch, BinXmlValueType.Sid, shortSid));
        Assert.Equal(Format(BinXmlValueType.Sid, padded), cache.Get(scratch, BinXmlValueType.Sid, padded));
        Assert.Equal("S-1-5-18", cache.Get(scratch, BinXmlValueType.Sid, shortSid));
    }

    [Fact]
    public void ManyMoreValuesThanEntriesStillRenderExactly()
    {
        // 8192 entries: 100,000 numbers, GUIDs and strings evict each other; every answer must stay right.
        var cache = new EvtxValueCache();
        var scratch = new TextBuffer();
        var rng = new Random(7);
        for (int i = 0; i < 100_000; i++)
        {
            ulong n = (ulong)rng.NextInt64(0, 50_000);
            Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), cache.Get(scratch, BinXmlValueType.UInt64, U64(n)));
            var g = new byte[16];
            g[rng.Next(16)] = (byte)rng.Next(256);
            g[rng.Next(16)] = (byte)rng.Next(256);
            Assert.Equal(Format(BinXmlValueType.Guid, g), cache.Get(scratch, BinXmlValueType.Guid, g));
            string s = "user" + rng.Next(20_000);
            Assert.Equal(s, cache.Get(scratch, BinXmlValueType.String, System.Text.Encoding.Unicode.GetBytes(s)));
        }
    }

    [Fact]
    public void RealRecordsRenderTheSameValuesWhenReadAgainWithWarmCaches()
    {
        // A second read of the same file (warm value cache, shared layouts) gives the same fields as the first,
        // and the times match the events' own timestamps.
        string path = EvtxTestFiles.EdgeCase("security.evtx");
        var first = EvtxTestFiles.ReadAll(path).Events;
        var second = EvtxTestFiles.ReadAll(path).Events;
        Assert.True(first.Count > 1000);
        Assert.Equal(first.Select(EvtxTestFiles.Fingerprint), second.Select(EvtxTestFiles.Fingerprint));
        int sharedTimes = 0;
        for (int i = 0; i < first.Count; i++)
        {
            var e = first[i];
            Assert.Equal(e.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture), e.Fields.Get(FieldMap.TimeCreated));
            if (i > 0 && ReferenceEquals(e.Fields.Get(FieldMap.TimeCreated), first[i - 1].Fields.Get(FieldMap.TimeCreated))) sharedTimes++;
        }
        Assert.True(sharedTimes > 0, "records stamped with the previous record's time share its text");
    }
}
