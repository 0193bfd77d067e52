using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// The per-slot memory of the field extractor answers only for the very same node, type and bytes; the node
/// is a hint, never enough on its own.
/// </summary>
public class EvtxSlotValuesTests
{
    [Fact]
    public void AnswersOnlyForTheSameNodeTypeAndBytes()
    {
        var memo = new EvtxSlotValues();
        var node = new BinXmlNode { Kind = BinXmlNodeKind.Substitution, SubstitutionId = 3 };
        var other = new BinXmlNode { Kind = BinXmlNodeKind.Substitution, SubstitutionId = 3 };
        byte[] seven = [7, 0, 0, 0], eight = [8, 0, 0, 0];

        Assert.Null(memo.Find(node, BinXmlValueType.UInt32, seven, out int slot));
        memo.Remember(slot, node, BinXmlValueType.UInt32, seven, "7");
        Assert.Equal("7", memo.Find(node, BinXmlValueType.UInt32, seven.ToArray(), out _));
        Assert.Null(memo.Find(node, BinXmlValueType.UInt32, eight, out _));
        Assert.Null(memo.Find(node, BinXmlValueType.HexInt32, seven, out _));
        Assert.Null(memo.Find(node, BinXmlValueType.UInt32, [7, 0, 0], out _));
        Assert.Null(memo.Find(other, BinXmlValueType.UInt32, seven, out _));

        // The slot follows the node's latest value.
        Assert.Null(memo.Find(node, BinXmlValueType.UInt32, eight, out slot));
        memo.Remember(slot, node, BinXmlValueType.UInt32, eight, "8");
        Assert.Equal("8", memo.Find(node, BinXmlValueType.UInt32, eight, out _));
        Assert.Null(memo.Find(node, BinXmlValueType.UInt32, seven, out _));
    }

    [Fact]
    public void LongValuesAreNotRemembered()
    {
        var memo = new EvtxSlotValues();
        var node = new BinXmlNode { Kind = BinXmlNodeKind.Substitution };
        var data = new byte[EvtxSlotValues.MaxBytes + 2];
        Assert.Null(memo.Find(node, BinXmlValueType.String, data, out int slot));
        memo.Remember(slot, node, BinXmlValueType.String, data, new string('\0', data.Length / 2));
        Assert.Null(memo.Find(node, BinXmlValueType.String, data, out _));
    }
}
