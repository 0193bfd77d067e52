using System.Runtime.InteropServices;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// The text each value step of one extraction plan gave last, with the value bytes it came from: records of a
/// template mostly repeat a slot's value from the record before, and comparing a few bytes beats hashing them for
/// the value cache. Like <see cref="EvtxSlotValues"/>, but with a place of its own per step instead of a hashed slot
/// shared by every template's nodes, so templates that take turns (a 4624 and its 4672) do not evict each other.
/// A hit needs the same type and bytes (for strings: the same characters), and the text depends on nothing else. Belongs to one plan of one decoding
/// thread (see <see cref="EvtxExtractionPlans"/>).
/// </summary>
internal sealed class EvtxStepValues(int steps)
{
    /// <summary>
    /// Longer values other than strings are left to the value cache: remembering them would mean copying them. Enough
    /// for numbers, GUIDs, times and SIDs (strings are compared with their text and need no bytes).
    /// </summary>
    public const int MaxBytes = 32;

    private readonly string?[] _texts = new string?[steps];
    private readonly int[] _lengths = new int[steps];
    private readonly byte[] _types = new byte[steps];
    private readonly byte[] _bytes = new byte[steps * MaxBytes];

    /// <summary>
    /// The text step <paramref name="index"/> gave last when its value was these bytes of this type, else null. A
    /// string value, of any length, is compared with that text itself: its text is its characters up to the first NUL
    /// (BinXmlValueFormatter.StringChars), so no bytes need keeping.
    /// </summary>
    public string? Find(int index, byte type, ReadOnlySpan<byte> data)
    {
        var text = _texts[index];
        if (text is null || _types[index] != type) return null;
        if (type == BinXmlValueType.String) return SameString(data, text) ? text : null;
        if (_lengths[index] == data.Length && data.SequenceEqual(_bytes.AsSpan(index * MaxBytes, data.Length)))
            return text;
        return null;
    }

    /// <summary>
    /// Whether the string value <paramref name="data"/> reads as <paramref name="text"/> (its characters up to the first
    /// NUL, see BinXmlValueFormatter.StringChars), without searching it for the NUL: <paramref name="text"/> holds none,
    /// so the value matches when it starts with the text and ends there or has a NUL next.
    /// </summary>
    private static bool SameString(ReadOnlySpan<byte> data, string text)
    {
        var chars = MemoryMarshal.Cast<byte, char>(data[..(data.Length & ~1)]);
        return chars.Length >= text.Length && chars[..text.Length].SequenceEqual(text)
            && (chars.Length == text.Length || chars[text.Length] == '\0');
    }

    /// <summary>Remembers <paramref name="text"/> for step <paramref name="index"/>'s value (other than strings, at most <see cref="MaxBytes"/> bytes).</summary>
    public void Remember(int index, byte type, ReadOnlySpan<byte> data, string text)
    {
        if (type == BinXmlValueType.String)
        {
            _texts[index] = text;
            _types[index] = type;
            return;
        }
        if (data.Length > MaxBytes) return;
        _texts[index] = text;
        _types[index] = type;
        _lengths[index] = data.Length;
        data.CopyTo(_bytes.AsSpan(index * MaxBytes, MaxBytes));
    }
}
