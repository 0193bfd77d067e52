using System.Text;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// The per-step value memory of extraction plans answers only for the same step, type and value: bytes for binary
/// values, the characters up to the first NUL for strings (whatever their length).
/// </summary>
public class EvtxStepValuesTests
{
    private static byte[] Utf16(string s) => Encoding.Unicode.GetBytes(s);

    [Fact]
    public void Binary_values_hit_only_with_the_same_step_type_and_bytes()
    {
        var memo = new EvtxStepValues(2);
        byte[] seven = [7, 0, 0, 0], eight = [8, 0, 0, 0];
        Assert.Null(memo.Find(0, BinXmlValueType.UInt32, seven));
        memo.Remember(0, BinXmlValueType.UInt32, seven, "7");
        Assert.Equal("7", memo.Find(0, BinXmlValueType.UInt32, seven.ToArray()));
        Assert.Null(memo.Find(0, BinXmlValueType.UInt32, eight));
        Assert.Null(memo.Find(0, BinXmlValueType.HexInt32, seven));
        Assert.Null(memo.Find(0, BinXmlValueType.UInt32, [7, 0, 0]));
        Assert.Null(memo.Find(1, BinXmlValueType.UInt32, seven));
        // Steps do not disturb each other.
        memo.Remember(1, BinXmlValueType.UInt32, eight, "8");
        Assert.Equal("7", memo.Find(0, BinXmlValueType.UInt32, seven));
        Assert.Equal("8", memo.Find(1, BinXmlValueType.UInt32, eight));
    }

    [Fact]
    public void Binary_values_longer_than_the_memory_are_not_remembered()
    {
        var memo = new EvtxStepValues(1);
        var data = new byte[EvtxStepValues.MaxBytes + 1];
        memo.Remember(0, BinXmlValueType.Binary, data, "00");
        Assert.Null(memo.Find(0, BinXmlValueType.Binary, data));
        // What the step remembered before stays valid for its own bytes.
        memo.Remember(0, BinXmlValueType.UInt8, [1], "1");
        memo.Remember(0, BinXmlValueType.Binary, data, "00");
        Assert.Equal("1", memo.Find(0, BinXmlValueType.UInt8, [1]));
    }

    [Fact]
    public void Strings_of_any_length_are_compared_by_their_text()
    {
        var memo = new EvtxStepValues(1);
        string command = "C:\\Windows\\System32\\cmd.exe /c " + new string('x', 3000);
        memo.Remember(0, BinXmlValueType.String, Utf16(command), command);
        Assert.Same(command, memo.Find(0, BinXmlValueType.String, Utf16(command)));
        Assert.Null(memo.Find(0, BinXmlValueType.String, Utf16(command + "y")));
        Assert.Null(memo.Find(0, BinXmlValueType.String, Utf16(command[..^1])));
        // A string's text ends at its first NUL, so padding after it gives the same text.
        Assert.Same(command, memo.Find(0, BinXmlValueType.String, Utf16(command + "\0junk")));
        // A NUL inside the text cuts it short: not the same text.
        Assert.Null(memo.Find(0, BinXmlValueType.String, Utf16(command[..10] + "\0" + command[11..])));
        // An odd trailing byte is not a character.
        Assert.Same(command, memo.Find(0, BinXmlValueType.String, [.. Utf16(command), 0x41]));
        // The same characters as another type are not the same value.
        Assert.Null(memo.Find(0, BinXmlValueType.AnsiString, Utf16(command)));
        // After a binary value the step answers for that one only.
        memo.Remember(0, BinXmlValueType.UInt16, [5, 0], "5");
        Assert.Null(memo.Find(0, BinXmlValueType.String, Utf16(command)));
        Assert.Equal("5", memo.Find(0, BinXmlValueType.UInt16, [5, 0]));
    }
}
