using System.Runtime.CompilerServices;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// The text each template substitution gave last, with the value bytes it came from. Records of one template
/// mostly repeat a slot's value from the record before (provider, event id, level, keywords, process and thread
/// ids, channel, computer, user SID, many EventData values), and comparing a few bytes with the last ones is
/// cheaper than hashing them for the value cache. Keyed by the substitution node (one per template slot, shared
/// by every record of the template); the node is only a hint: a hit also needs the same type and the very
/// same bytes, and the text depends on nothing else, so a node reused for another slot cannot give a wrong text.
/// One per decoding thread.
/// </summary>
internal sealed class EvtxSlotValues
{
    private const int SlotBits = 10;
    private const int Slots = 1 << SlotBits;
    /// <summary>Longer values are left to the value cache: remembering them would mean copying them.</summary>
    public const int MaxBytes = 64;

    private struct Slot
    {
        public BinXmlNode? Node;
        public string? Text;
        public int Length;
        public byte Type;
    }

    private readonly Slot[] _slots = new Slot[Slots];
    /// <summary>The bytes of each slot's value, <see cref="MaxBytes"/> per slot.</summary>
    private readonly byte[] _bytes = new byte[Slots * MaxBytes];

    /// <summary>The text <paramref name="node"/> gave last when its value was these bytes of this type, else null.</summary>
    public string? Find(BinXmlNode node, byte type, ReadOnlySpan<byte> data, out int slot)
    {
        slot = RuntimeHelpers.GetHashCode(node) & (Slots - 1);
        ref var s = ref _slots[slot];
        if (ReferenceEquals(s.Node, node) && s.Type == type && s.Length == data.Length
            && data.SequenceEqual(_bytes.AsSpan(slot * MaxBytes, data.Length)))
            return s.Text;
        return null;
    }

    /// <summary>Remembers <paramref name="text"/> for the value in <paramref name="slot"/> (from <see cref="Find"/>); values over <see cref="MaxBytes"/> are not kept.</summary>
    public void Remember(int slot, BinXmlNode node, byte type, ReadOnlySpan<byte> data, string text)
    {
        if (data.Length > MaxBytes) return;
        ref var s = ref _slots[slot];
        s.Node = node;
        s.Type = type;
        s.Length = data.Length;
        s.Text = text;
        data.CopyTo(_bytes.AsSpan(slot * MaxBytes, MaxBytes));
    }
}
