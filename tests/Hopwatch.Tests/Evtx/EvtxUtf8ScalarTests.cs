using System.Text;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// The dump's direct UTF-8 formatting of fixed-format values against the text formatter it stands in for
/// (Windows style): the same text for every type it takes, at every size including the odd ones, on
/// edge values and on a fixed-seed spread of random bytes; types and sizes it does not take are refused.
/// </summary>
public class EvtxUtf8ScalarTests
{
    private static readonly byte[] Types =
    [
        BinXmlValueType.Int8, BinXmlValueType.UInt8, BinXmlValueType.Int16, BinXmlValueType.UInt16, BinXmlValueType.Int32,
        BinXmlValueType.UInt32, BinXmlValueType.Int64, BinXmlValueType.UInt64, BinXmlValueType.Bool, BinXmlValueType.Guid,
        BinXmlValueType.SizeT, BinXmlValueType.EvtHandle, BinXmlValueType.HexInt32, BinXmlValueType.HexInt64, BinXmlValueType.Sid,
    ];

    private static string Formatter(byte type, byte[] data)
        => BinXmlValueFormatter.ToString(new TextBuffer(), type, data, EvtxValueStyle.Windows);

    private static string? Direct(byte type, byte[] data)
    {
        var dest = new byte[4096];
        int n = EvtxUtf8Scalar.TryWrite(type, data, dest);
        return n == 0 ? null : Encoding.UTF8.GetString(dest, 0, n);
    }

    private static IEnumerable<byte[]> Samples(Random rng)
    {
        foreach (int len in new[] { 0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 28, 40 })
        {
            yield return new byte[len];
            yield return Enumerable.Repeat((byte)0xFF, len).ToArray();
            yield return Enumerable.Repeat((byte)0x80, len).ToArray();
            for (int i = 0; i < 20; i++)
            {
                var b = new byte[len];
                rng.NextBytes(b);
                if (len >= 8 && i % 2 == 0) b[1] = (byte)((len - 8) / 4); // a SID whose sub-authorities fit exactly
                yield return b;
            }
        }
    }

    [Fact]
    public void Every_taken_value_is_the_formatter_text_quoted()
    {
        var rng = new Random(20261126);
        int taken = 0;
        foreach (var type in Types)
        {
            foreach (var data in Samples(rng))
            {
                string? direct = Direct(type, data);
                if (direct is null) continue;
                taken++;
                Assert.Equal("\"" + Formatter(type, data) + "\"", direct);
            }
        }
        Assert.True(taken > 1000, $"only {taken} values were formatted directly");
    }

    [Fact]
    public void Sizes_the_type_does_not_allow_and_other_types_are_left_to_the_formatter()
    {
        Assert.Null(Direct(BinXmlValueType.UInt32, [1, 2, 3]));
        Assert.Null(Direct(BinXmlValueType.Guid, new byte[15]));
        Assert.Null(Direct(BinXmlValueType.SizeT, new byte[6]));
        Assert.Null(Direct(BinXmlValueType.Sid, [1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0])); // claims 5 sub-authorities, holds 1
        Assert.Null(Direct(BinXmlValueType.String, "a\0"u8.ToArray()));
        Assert.Null(Direct(BinXmlValueType.FileTime, new byte[8]));
        Assert.Null(Direct((byte)(BinXmlValueType.UInt32 | BinXmlValueType.ArrayFlag), new byte[8]));
        Assert.Null(Direct(BinXmlValueType.Real64, new byte[8]));
    }

    [Fact]
    public void Known_values()
    {
        Assert.Equal("\"0x3e7\"", Direct(BinXmlValueType.HexInt64, BitConverter.GetBytes(0x3e7UL)));
        Assert.Equal("\"-1\"", Direct(BinXmlValueType.Int32, BitConverter.GetBytes(-1)));
        Assert.Equal("\"true\"", Direct(BinXmlValueType.Bool, [0, 0, 1, 0])); // irregular bools count as true
        byte[] sid = [1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0xE8, 0x03, 0, 0, 0xF4, 0x01, 0, 0, 0x01, 0x02, 0, 0, 0x53, 0x04, 0, 0];
        Assert.Equal("\"S-1-5-21-1000-500-513-1107\"", Direct(BinXmlValueType.Sid, sid));
    }
}
