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

    /// <summary>Names pooled so far. Counted here: ConcurrentDictionary.Count takes every lock, and its first
    /// call set up the collections' event source by reflection (a tenth of a small dump's start-up).</summary>
    private static int s_count;

    /// <summary>
    /// The canonical field names are pooled first, as the very instances the normaliser and analytics look
    /// fields up by (string literals): EventFields then finds them by reference, not by a case-insensitive scan.
    /// The normaliser's names come first because they are the literals themselves; FieldMap.KnownNames is
    /// built by reflection, whose strings are copies, and only adds the names no literal was found for.
    /// Runs before <see cref="DataNames"/> (field initialisers run in order), so "Data" is pooled too.
    /// </summary>
    private static readonly int Seeded = Seed();

    private static int Seed()
    {
        foreach (var name in Events.NormaliserNames.All)
            if (Pool.TryAdd(name.Name, name.Name)) s_count++;
        foreach (var name in Events.FieldMap.KnownNames)
            if (Pool.TryAdd(name, name)) s_count++;
        return s_count;
    }

    public static string Get(ReadOnlySpan<char> name)
    {
        if (Lookup.TryGetValue(name, out var s)) return s;
        s = new string(name);
        if (Volatile.Read(ref s_count) >= MaxNames) return s;
        var pooled = Pool.GetOrAdd(s, s);
        if (ReferenceEquals(pooled, s)) Interlocked.Increment(ref s_count);
        return pooled;
    }

    public static string Get(string name) => Get(name.AsSpan());

    /// <summary>Whether <paramref name="name"/> is in the pool (for tests: what gets interned and what not).</summary>
    internal static bool IsPooled(ReadOnlySpan<char> name) => Lookup.TryGetValue(name, out _);

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
