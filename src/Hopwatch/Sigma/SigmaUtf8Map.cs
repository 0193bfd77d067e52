using System.Buffers.Binary;
using System.Numerics;

namespace Hopwatch.Sigma;

/// <summary>
/// Values by UTF-8 key, looked up straight from the bytes of the parsed-rule cache: no string is made, and no
/// UTF-16 copy hashed, for a key seen before (a load reads ~30,000 field names and ~20,000 required texts there,
/// a few hundred and ~12,000 distinct). Open addressing over flat arrays; the keys' bytes are kept in one array.
/// Single-threaded.
/// </summary>
internal sealed class SigmaUtf8Map<T>
{
    // Per slot: the key's hash in the high half, its entry number + 1 in the low half (0 = empty): a probe compares
    // hashes without reaching into the entries.
    private long[] _slots;
    private byte[] _keyBytes;
    private int _keyBytesUsed;
    private int[] _keyStart, _keyLength, _hash;
    private T[] _values;
    private int _count;

    /// <param name="capacity">Keys expected (growing past it costs copies).</param>
    /// <param name="keyBytes">Bytes of all keys together expected.</param>
    public SigmaUtf8Map(int capacity = 128, int keyBytes = 4096)
    {
        capacity = Math.Max(capacity, 16);
        _slots = new long[(int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)capacity * 2)];
        _keyBytes = new byte[Math.Max(keyBytes, 256)];
        _keyStart = new int[capacity];
        _keyLength = new int[capacity];
        _hash = new int[capacity];
        _values = new T[capacity];
    }

    public int Count => _count;

    public bool TryGetValue(ReadOnlySpan<byte> key, out T value)
    {
        int hash = Hash(key), mask = _slots.Length - 1;
        for (int slot = hash & mask; ; slot = (slot + 1) & mask)
        {
            long packed = _slots[slot];
            if (packed == 0) break;
            if ((int)(packed >> 32) != hash) continue;
            int e = (int)packed - 1;
            if (key.SequenceEqual(_keyBytes.AsSpan(_keyStart[e], _keyLength[e])))
            {
                value = _values[e];
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Adds a key that is not in the map yet.</summary>
    public void Add(ReadOnlySpan<byte> key, T value)
    {
        if ((_count + 1) * 2 > _slots.Length) Grow();
        if (_count == _values.Length)
        {
            int size = _count * 2;
            Array.Resize(ref _keyStart, size);
            Array.Resize(ref _keyLength, size);
            Array.Resize(ref _hash, size);
            Array.Resize(ref _values, size);
        }
        if (_keyBytesUsed + key.Length > _keyBytes.Length) Array.Resize(ref _keyBytes, Math.Max(_keyBytes.Length * 2, _keyBytesUsed + key.Length));
        key.CopyTo(_keyBytes.AsSpan(_keyBytesUsed));
        int e = _count++;
        _keyStart[e] = _keyBytesUsed;
        _keyLength[e] = key.Length;
        _keyBytesUsed += key.Length;
        _hash[e] = Hash(key);
        _values[e] = value;
        Place(e);
    }

    private void Place(int e)
    {
        int mask = _slots.Length - 1, slot = _hash[e] & mask;
        while (_slots[slot] != 0) slot = (slot + 1) & mask;
        _slots[slot] = (long)_hash[e] << 32 | (uint)(e + 1);
    }

    private void Grow()
    {
        _slots = new long[_slots.Length * 2];
        for (int e = 0; e < _count; e++) Place(e);
    }

    /// <summary>A fast mix of the bytes, eight at a time (keys are short: field names and texts of at most 16 characters).</summary>
    private static int Hash(ReadOnlySpan<byte> key)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        while (key.Length >= 8)
        {
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(key)) * 0xFF51AFD7ED558CCDUL, 29);
            key = key[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < key.Length; i++) tail |= (ulong)key[i] << (8 * i);
        h = (h ^ tail) * 0xC4CEB9FE1A85EC53UL;
        return (int)(h ^ h >> 32) & int.MaxValue;
    }
}
