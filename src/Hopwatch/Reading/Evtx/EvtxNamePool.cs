using System.Collections.Concurrent;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Process-wide intern pool for element/attribute names and field names, looked up by span so that a
/// name already seen costs no allocation. Bounded: past <see cref="MaxNames"/> entries (hostile input),
/// names are still returned but no longer pooled.
/// </summary>
internal static class EvtxNamePool
{
    private const int MaxNames = 100_000;
    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup =
        Pool.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<char> name)
    {
        if (Lookup.TryGetValue(name, out var s)) return s;
        s = new string(name);
        if (Pool.Count >= MaxNames) return s;
        return Pool.GetOrAdd(s, s);
    }

    public static string Get(string name) => Get(name.AsSpan());

    private static readonly string[] DataNames = CreateDataNames();

    private static string[] CreateDataNames()
    {
        var names = new string[64];
        for (int i = 0; i < names.Length; i++) names[i] = Get(i == 0 ? "Data" : "Data_" + (i + 1));
        return names;
    }

    /// <summary>"Data", "Data_2", "Data_3", ... for the n-th (1-based) unnamed Data element.</summary>
    public static string NumberedName(string baseName, int n)
    {
        if (n <= 1) return baseName;
        if (ReferenceEquals(baseName, DataNames[0]) && n <= DataNames.Length) return DataNames[n - 1];
        return Get(baseName + "_" + n);
    }
}
