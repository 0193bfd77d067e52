using Hopwatch.Sigma;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Sigma;

/// <summary>The listing a cached load uses names the same files, in the same order, as the plain one, by relative or full path.</summary>
public class SigmaRuleFileTests
{
    private static List<string> Plain(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
            .OrderBy(f => f, StringComparer.Ordinal).ToList();

    [Fact]
    public void ListsWhatDirectoryEnumerationListsWithEachFilesSizeAndTime()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        try
        {
            string full = Path.Combine(SharedData.Sigma, "rules", "windows", "builtin");
            string relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
            foreach (var root in new[] { full, relative, full + Path.DirectorySeparatorChar })
            {
                var cache = SigmaParseCacheTestAccess.Open(cacheDir, root);
                var errors = new List<SigmaRuleError>();
                var listed = SigmaRuleFile.List([root], errors, cache);
                Assert.Empty(errors);
                Assert.True(listed.Count > 100, $"{listed.Count} files under {root}");
                Assert.Equal(Plain(root), listed.Select(f => f.Path));
                foreach (var f in listed.Take(50))
                {
                    var info = new FileInfo(f.Path);
                    Assert.Equal((info.Length, info.LastWriteTimeUtc.Ticks), f.Stamp);
                    Assert.Equal(Path.GetFullPath(f.Path), f.FullPath); // no cache entry yet: the key a new one is kept under
                }
            }

            // A file given directly, and a path that does not exist.
            var file = Plain(full)[0];
            var errs = new List<SigmaRuleError>();
            var one = SigmaRuleFile.List([file, Path.Combine(full, "no-such-dir")], errs, SigmaParseCacheTestAccess.Open(cacheDir, full));
            Assert.Equal(file, Assert.Single(one).Path);
            Assert.Contains("no such file or directory", Assert.Single(errs).Message);
        }
        finally { Directory.Delete(cacheDir, true); }
    }

    [Fact]
    public void ALoadByRelativePathIsServedFromTheCacheItsFullPathFilled()
    {
        var cacheDir = Directory.CreateTempSubdirectory("hopwatch-cache-").FullName;
        try
        {
            string full = Path.Combine(SharedData.Sigma, "rules", "windows", "builtin", "security");
            string relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
            var cold = SigmaRuleSet.Load([full], new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir });
            var warm = SigmaRuleSet.Load([relative], new SigmaOptions { RuleSetSnapshot = false, RuleCacheDirectory = cacheDir });
            Assert.Equal(0, cold.CachedFileCount);
            Assert.Equal(warm.FileCount, warm.CachedFileCount);
            Assert.Equal(cold.Rules.Select(r => r.Id + r.Title + r.Description), warm.Rules.Select(r => r.Id + r.Title + r.Description));
            Assert.All(warm.Rules, r => Assert.StartsWith(relative, r.File)); // rules name their file as it was given
        }
        finally { Directory.Delete(cacheDir, true); }
    }
}

/// <summary>Opens the parsed-rule cache as a load does (its constructor is private).</summary>
internal static class SigmaParseCacheTestAccess
{
    public static SigmaParseCache Open(string directory, string root) => SigmaParseCache.Open(directory, [root]);
}
