using Hopwatch.Events;

namespace Hopwatch.Reading;

/// <summary>
/// <see cref="FieldMap.Aliases"/> with every name they mention numbered, so a record's aliases are
/// applied in one pass over its fields instead of one case-insensitive scan of all fields per
/// alias (most aliases of a format are absent from any one record, and a miss scanned everything).
/// Also the prefixes each format strips, without walking the whole strip table per field.
/// </summary>
internal static class AliasIndex
{
    /// <summary>One alias with its From and To names numbered.</summary>
    internal readonly record struct Entry(FieldMap.Alias Alias, int From, int To);

    private static readonly Dictionary<string, int> Ids = BuildIds();
    private static readonly Dictionary<SourceFormat, Entry[]> ByFormat = FieldMap.Aliases
        .GroupBy(a => a.Format)
        .ToDictionary(g => g.Key, g => g.Select(a => new Entry(a, Ids[a.From], Ids[a.To])).ToArray());
    private static readonly Dictionary<SourceFormat, string[]> Prefixes = FieldMap.PrefixStrips
        .GroupBy(p => p.Format)
        .ToDictionary(g => g.Key, g => g.Select(p => p.Prefix).ToArray());

    /// <summary>How many distinct names the aliases mention (ids are 0 .. NameCount-1).</summary>
    public static int NameCount => Ids.Count;

    public static Entry[] For(SourceFormat format) => ByFormat.TryGetValue(format, out var e) ? e : [];

    public static string[] PrefixesFor(SourceFormat format) => Prefixes.TryGetValue(format, out var p) ? p : [];

    /// <summary>The id of an alias name (case-insensitive, as <see cref="EventFields"/> looks names up), or -1.</summary>
    public static int IdOf(string name) => Ids.TryGetValue(name, out int id) ? id : -1;

    private static Dictionary<string, int> BuildIds()
    {
        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var a in FieldMap.Aliases)
        {
            ids.TryAdd(a.From, ids.Count);
            ids.TryAdd(a.To, ids.Count);
        }
        return ids;
    }
}
