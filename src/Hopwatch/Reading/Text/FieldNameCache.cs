using System.Text;

namespace Hopwatch.Reading.Text;

/// <summary>
/// Interns field names (JSON keys, CSV headers, XML Data names) so every event of a file shares one
/// string per name, and names the mapping table knows are the very same string instances as the
/// table's, which makes <see cref="Events.EventFields"/> lookups a reference compare. Bounded: past
/// <see cref="MaxNames"/> distinct names, new ones are allocated but not kept.
/// </summary>
internal sealed class FieldNameCache
{
    private const int MaxNames = 50_000;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    public FieldNameCache()
    {
        _lookup = _names.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var n in Events.FieldMap.KnownNames) _names[n] = n;
    }

    // UTF-8 bytes → interned name, direct-mapped in front of the dictionary: a record's names are
    // found by their bytes without decoding them to chars and hashing those again.
    private const int Slots = 1024;
    private readonly byte[]?[] _utf8Keys = new byte[Slots][];
    private readonly string?[] _utf8Names = new string[Slots];

    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length is > 0 and <= 64)
        {
            int slot = (int)(Utf8ValueCache.Hash(utf8) & (Slots - 1));
            var key = _utf8Keys[slot];
            if (key is not null && utf8.SequenceEqual(key)) return _utf8Names[slot]!;
            var name = Decode(utf8);
            _utf8Keys[slot] = utf8.ToArray();
            _utf8Names[slot] = name;
            return name;
        }
        return Decode(utf8);
    }

    private string Decode(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length <= 256)
        {
            Span<char> chars = stackalloc char[256];
            int n = Encoding.UTF8.GetChars(utf8, chars);
            return Get(chars[..n]);
        }
        return Get(Encoding.UTF8.GetString(utf8).AsSpan());
    }

    public string Get(ReadOnlySpan<char> name)
    {
        if (_lookup.TryGetValue(name, out var s)) return s;
        s = name.ToString();
        if (_names.Count < MaxNames) _names[s] = s;
        return s;
    }

    public string Get(string name) => Get(name.AsSpan());
}
