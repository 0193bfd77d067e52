using System.Buffers.Binary;
using System.Text;

namespace Hopwatch.Sigma;

/// <summary>
/// Reads what <see cref="BinaryWriter"/> wrote (little-endian numbers, one-byte booleans, strings as a
/// 7-bit-encoded UTF-8 byte count and the bytes) straight from the bytes of one cached rule file: no stream,
/// reader, decoder or buffers per file (a warm load reads 2,400 of them). Cut-off input throws
/// <see cref="EndOfStreamException"/> and a malformed count <see cref="FormatException"/>, as BinaryReader does.
/// </summary>
internal ref struct SigmaCacheReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position == _data.Length;
    /// <summary>Bytes read so far (where the next read starts).</summary>
    public readonly int Position => _position;

    private ReadOnlySpan<byte> Take(int n)
    {
        if ((uint)n > (uint)(_data.Length - _position)) throw new EndOfStreamException("cached rule data cut off");
        var span = _data.Slice(_position, n);
        _position += n;
        return span;
    }

    public byte ReadByte()
    {
        if ((uint)_position >= (uint)_data.Length) throw new EndOfStreamException("cached rule data cut off");
        return _data[_position++];
    }

    public bool ReadBoolean() => ReadByte() != 0;
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    public string ReadString()
    {
        int length = Read7BitEncodedInt();
        return length == 0 ? "" : Encoding.UTF8.GetString(Take(length));
    }

    /// <summary>The UTF-8 bytes of the string <see cref="ReadString"/> would read.</summary>
    public ReadOnlySpan<byte> ReadStringBytes() => Take(Read7BitEncodedInt());

    /// <summary>Passes over a string as <see cref="ReadString"/> would read it (same checks), without making it.</summary>
    public void SkipString()
    {
        int length = Read7BitEncodedInt();
        if ((uint)length > (uint)(_data.Length - _position)) throw new EndOfStreamException("cached rule data cut off");
        _position += length;
    }

    /// <summary>Passes over <paramref name="n"/> bytes; returns where they start.</summary>
    public int Skip(int n)
    {
        int start = _position;
        Take(n);
        return start;
    }

    private int Read7BitEncodedInt()
    {
        // Most lengths and counts fit one byte.
        if ((uint)_position < (uint)_data.Length && _data[_position] < 0x80) return _data[_position++];
        uint result = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 28 && b > 0b1111) throw new FormatException("bad 7-bit encoded length");
            result |= (uint)(b & 0x7F) << shift;
            if (b < 0x80) return result <= int.MaxValue ? (int)result : throw new FormatException("bad 7-bit encoded length");
        }
        throw new FormatException("bad 7-bit encoded length");
    }
}
