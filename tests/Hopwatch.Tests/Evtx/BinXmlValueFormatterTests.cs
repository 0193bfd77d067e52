using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>Value rendering for types the shared samples rarely or never contain (expected text per Windows / MS-EVEN6).</summary>
public class BinXmlValueFormatterTests
{
    private static string Render(byte type, byte[] data, EvtxValueStyle style = EvtxValueStyle.Windows)
        => BinXmlValueFormatter.ToString(new TextBuffer(), type, data, style);

    [Fact]
    public void Sid_guid_and_hex()
    {
        byte[] sid = [1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xE8, 0x03, 0, 0, 0xF4, 0x01, 0, 0, 0x01, 0x02, 0, 0, 0x53, 0x04, 0, 0];
        Assert.Equal("S-1-5-21-1000-500-513-1107", Render(BinXmlValueType.Sid, sid));
        var guid = new Guid("54849625-5478-4994-a5ba-3e3b0328c30d").ToByteArray();
        Assert.Equal("{54849625-5478-4994-A5BA-3E3B0328C30D}", Render(BinXmlValueType.Guid, guid));
        Assert.Equal("0x3e7", Render(BinXmlValueType.HexInt64, BitConverter.GetBytes(0x3e7UL)));
        Assert.Equal("0x00000000000003e7", Render(BinXmlValueType.HexInt64, BitConverter.GetBytes(0x3e7UL), EvtxValueStyle.Libevtx));
        Assert.Equal("0xc000006d", Render(BinXmlValueType.HexInt32, BitConverter.GetBytes(0xc000006dU)));
        Assert.Equal("0x24c", Render(BinXmlValueType.SizeT, BitConverter.GetBytes(588UL)));
        Assert.Equal("588", Render(BinXmlValueType.SizeT, BitConverter.GetBytes(588UL), EvtxValueStyle.Libevtx));
    }

    [Fact]
    public void Times_bools_binary_and_strings()
    {
        long ft = new DateTime(2016, 7, 8, 18, 12, 51, DateTimeKind.Utc).AddTicks(6816408).ToFileTimeUtc();
        Assert.Equal("2016-07-08T18:12:51.681640800Z", Render(BinXmlValueType.FileTime, BitConverter.GetBytes(ft)));
        byte[] st = [0xE2, 0x07, 3, 0, 5, 0, 8, 0, 23, 0, 23, 0, 5, 0, 0x7B, 0];
        Assert.Equal("2018-03-08T23:23:05.123Z", Render(BinXmlValueType.SysTime, st));
        Assert.Equal("true", Render(BinXmlValueType.Bool, [2, 0, 0, 0]));
        Assert.Equal("false", Render(BinXmlValueType.Bool, [0, 0, 0, 0]));
        Assert.Equal("24050000", Render(BinXmlValueType.Binary, [0x24, 0x05, 0, 0]));
        Assert.Equal("ab", Render(BinXmlValueType.String, "ab\0junk"u8.ToArray().SelectMany(b => new[] { b, (byte)0 }).ToArray()));
        Assert.Equal("-5", Render(BinXmlValueType.Int32, BitConverter.GetBytes(-5)));
        // A FILETIME beyond DateTime's range is shown as its number rather than thrown on.
        Assert.Equal(long.MaxValue.ToString(), Render(BinXmlValueType.FileTime, BitConverter.GetBytes(long.MaxValue)));
    }

    [Fact]
    public void Arrays_are_joined_with_commas()
    {
        byte[] strings = "a\0bc\0"u8.ToArray().SelectMany(b => new[] { b, (byte)0 }).ToArray();
        Assert.Equal("a,bc", Render((byte)(BinXmlValueType.String | BinXmlValueType.ArrayFlag), strings));
        byte[] ints = [1, 0, 0, 0, 2, 0, 0, 0];
        Assert.Equal("1,2", Render((byte)(BinXmlValueType.UInt32 | BinXmlValueType.ArrayFlag), ints));
    }
}
