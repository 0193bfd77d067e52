using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Reading;

/// <summary>The streamed folder walk gives ListFiles' files in ListFiles' order.</summary>
public class EvidenceFileWalkTests
{
    [Fact]
    public void Shared_data_tree_lists_the_same_files_in_the_same_order()
    {
        var root = Path.GetDirectoryName(SharedData.Evtx)!;
        var expected = EvidenceReader.ListFiles([root]);
        Assert.True(expected.Count > 500, $"expected the shared data tree, found {expected.Count} files");
        Assert.Equal(expected, EvidenceFileWalk.Enumerate([root]).ToList());
        Assert.Equal(EvidenceReader.ListFiles([root + "/"]), EvidenceFileWalk.Enumerate([root + "/"]).ToList());
    }

    [Fact]
    public void Names_around_the_separator_and_symlinks_sort_and_skip_as_listed()
    {
        string dir = Path.Combine(Path.GetTempPath(), "hopwatch-walk-" + Guid.NewGuid().ToString("N"));
        try
        {
            // Characters below and above '/' (0x2F) next to a folder of the same stem decide the order.
            foreach (var d in new[] { "a", "a-b", "a.b", "a0", "a b", "b/c", "b/c/d", ".hidden" })
                Directory.CreateDirectory(Path.Combine(dir, d));
            foreach (var f in new[] { "a/x.evtx", "a-b/y", "a.b/z", "a0/w", "a b/v", "a-", "a.", "a1", "b/c/d/e", "b/c.json", "b/c0", ".hidden/h", "A" })
                File.WriteAllText(Path.Combine(dir, f), "x");
            File.CreateSymbolicLink(Path.Combine(dir, "link.evtx"), Path.Combine(dir, "a1"));
            Directory.CreateSymbolicLink(Path.Combine(dir, "loop"), dir);
            var diag = new ReadDiagnostics();
            var inputs = new[] { dir, Path.Combine(dir, "a1"), Path.Combine(dir, "missing") };
            var expected = EvidenceReader.ListFiles(inputs, diag);
            var diag2 = new ReadDiagnostics();
            Assert.Equal(expected, EvidenceFileWalk.Enumerate(inputs, diag2).ToList());
            Assert.Equal(diag.WarningCount, diag2.WarningCount);
            Assert.DoesNotContain(expected, f => f.Contains("link.evtx") || f.Contains("loop"));
            Assert.Equal(14, expected.Count);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
