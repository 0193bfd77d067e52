using System.IO.Enumeration;

namespace Hopwatch.Sigma;

/// <summary>
/// A rule file found under the rule paths, with what the parsed-rule cache (<see cref="SigmaParseCache"/>) checks it
/// by: size, modification time and its entry there (found while listing, by full path, no string made for it).
/// </summary>
internal sealed class SigmaRuleFile
{
    /// <summary>The path as listed (under the rule path as given): rules and errors name the file by it.</summary>
    public required string Path { get; init; }
    /// <summary>Size and modification time; null when the file could not be examined (it is then parsed, and reports why).</summary>
    public (long Size, long Ticks)? Stamp { get; init; }
    /// <summary>Its entry in the cache (current or not), or null when it has none.</summary>
    public SigmaParseCache.Entry? Entry { get; init; }
    /// <summary>Its full path when it has no entry (the key a new entry is kept under).</summary>
    public string? FullPath { get; init; }

    /// <summary>
    /// The *.yml / *.yaml files under the given directories (recursively, each directory's files in ordinal order, as
    /// Directory.EnumerateFiles lists them) and the files given, each examined once by the listing itself: a load from
    /// the cache examined every file through a FileInfo and its full path (for a relative rule path: two getcwd calls
    /// and three path strings per file).
    /// </summary>
    /// <param name="digest">When given, each file's hash for the rule-set snapshot's key is added to it (<see cref="SigmaRuleFileSetDigest"/>).</param>
    public static List<SigmaRuleFile> List(IEnumerable<string> paths, List<SigmaRuleError> errors, SigmaParseCache cache, SigmaRuleFileSetDigest.Builder? digest = null)
    {
        var files = new List<SigmaRuleFile>();
        var buffer = new char[1024];
        foreach (var p in paths)
        {
            if (File.Exists(p))
            {
                string full = System.IO.Path.GetFullPath(p);
                var entry = cache.Find(full);
                files.Add(new SigmaRuleFile { Path = p, Stamp = StampOf(p), Entry = entry, FullPath = entry is null ? full : null });
                digest?.Add(SigmaRuleFileSetDigest.OfFile(p));
                continue;
            }
            if (!Directory.Exists(p))
            {
                errors.Add(new SigmaRuleError(p, 0, "no such file or directory"));
                digest?.Fail();
                continue;
            }
            // The options and test Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories) uses.
            var options = new EnumerationOptions { RecurseSubdirectories = true, MatchType = MatchType.Win32, AttributesToSkip = 0, IgnoreInaccessible = false };
            var found = new FileSystemEnumerable<SigmaRuleFile>(p, (ref FileSystemEntry e) =>
            {
                var stamp = StampOf(ref e);
                digest?.Add(SigmaRuleFileSetDigest.OfEntry(ref e));
                var entry = System.IO.Path.TryJoin(e.Directory, e.FileName, buffer, out int n) ? cache.Find(buffer.AsSpan(0, n)) : cache.Find(e.ToFullPath());
                return new SigmaRuleFile { Path = e.ToSpecifiedFullPath(), Stamp = stamp, Entry = entry, FullPath = entry is null ? e.ToFullPath() : null };
            }, options)
            {
                ShouldIncludePredicate = IsRuleFile,
            };
            var sorted = found.ToList();
            // All start with the path as given: compare what follows it (the same order, fewer characters compared).
            int root = sorted.TrueForAll(f => f.Path.StartsWith(p, StringComparison.Ordinal)) ? p.Length : 0;
            sorted.Sort((a, b) => string.CompareOrdinal(a.Path, root, b.Path, root, int.MaxValue));
            files.AddRange(sorted);
        }
        return files;
    }

    /// <summary>A *.yml / *.yaml file (not a folder).</summary>
    internal static bool IsRuleFile(ref FileSystemEntry e) => !e.IsDirectory &&
        (e.FileName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || e.FileName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A listed file's size and time: its own, or for a symbolic link those of the file it leads to (the listing's are the
    /// link's own, which do not change when the file linked to does); null when it cannot be examined.
    /// </summary>
    internal static (long Size, long Ticks)? StampOf(ref FileSystemEntry e)
    {
        try
        {
            if ((e.Attributes & FileAttributes.ReparsePoint) == 0) return (e.Length, e.LastWriteTimeUtc.UtcTicks);
            return File.ResolveLinkTarget(e.ToFullPath(), returnFinalTarget: true) is FileInfo { Exists: true } target
                ? (target.Length, target.LastWriteTimeUtc.Ticks) : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
    }

    private static (long Size, long Ticks)? StampOf(string file)
    {
        try
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target) info = target;
            return (info.Length, info.LastWriteTimeUtc.Ticks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
