using System.IO.Enumeration;
using Hopwatch.Events;

namespace Hopwatch.Reading;

/// <summary>
/// The files of <see cref="EvidenceReader.ListFiles"/>, in the same order, handed out while the folders are
/// still being walked: a reader can start on the first file before the last folder is listed. (Evidence
/// trees hold hundreds of folders; listing the bench corpus first took ~10 ms, serial time in front of
/// every parallel dump.) Ordinal order of full paths is produced folder by folder: within a folder the
/// entries are sorted by name, a folder's name counting with a trailing '/', which is exactly where
/// its files fall among full paths compared ordinally.
/// </summary>
public static class EvidenceFileWalk
{
    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = true,
        AttributesToSkip = FileAttributes.ReparsePoint, // as ListFiles: no symlinks, so no loops
        ReturnSpecialDirectories = false,
    };

    public static IEnumerable<string> Enumerate(IEnumerable<string> paths, ReadDiagnostics? diag = null)
    {
        foreach (var p in paths)
        {
            if (Directory.Exists(p))
            {
                foreach (var f in Walk(p, root: true)) yield return f;
            }
            else if (File.Exists(p)) yield return p;
            else diag?.Warn(p, "file", "no such file or directory");
        }
    }

    /// <summary>A class, not a struct: the enumerator and sort then run the framework's shared, precompiled code
    /// for reference types instead of JIT-compiling some twenty methods for a new value type at start-up.
    /// The name is the end of the path (from <c>NameStart</c>): no string of its own per entry.</summary>
    private sealed record Entry(string Path, int NameStart, bool IsDirectory)
    {
        /// <summary>
        /// Ordinal order of the names, a folder's with a trailing '/' (what comparing "name/" strings gives,
        /// without making them).
        /// </summary>
        public static int Compare(Entry a, Entry b)
        {
            ReadOnlySpan<char> x = a.Path.AsSpan(a.NameStart), y = b.Path.AsSpan(b.NameStart);
            int n = Math.Min(x.Length, y.Length);
            int c = x[..n].SequenceCompareTo(y[..n]);
            if (c != 0) return c;
            for (int i = n; ; i++)
            {
                int cx = At(x, a.IsDirectory, i), cy = At(y, b.IsDirectory, i);
                if (cx != cy) return cx - cy;
                if (cx < 0) return 0;
            }
        }

        /// <summary>Character <paramref name="i"/> of the name with '/' after a folder's; -1 past the end.</summary>
        private static int At(ReadOnlySpan<char> name, bool directory, int i)
            => i < name.Length ? name[i] : i == name.Length && directory ? '/' : -1;
    }

    private static IEnumerable<string> Walk(string dir, bool root)
    {
        List<Entry> entries;
        try
        {
            entries = new FileSystemEnumerable<Entry>(dir,
                (ref FileSystemEntry e) =>
                {
                    var path = e.ToSpecifiedFullPath();
                    return new Entry(path, path.Length - e.FileName.Length, e.IsDirectory);
                },
                OneLevel).ToList();
        }
        catch (Exception ex) when (!root && ex is UnauthorizedAccessException or DirectoryNotFoundException or IOException)
        {
            yield break; // an unreadable or vanished subfolder is skipped, as the recursive listing skips it
        }
        entries.Sort(Entry.Compare);
        foreach (var e in entries)
        {
            if (!e.IsDirectory) yield return e.Path;
            else
                foreach (var f in Walk(e.Path, root: false)) yield return f;
        }
    }
}
