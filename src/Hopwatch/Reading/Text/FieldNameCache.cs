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

    public string Get(ReadOnlySpan<byte> utf8)
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
