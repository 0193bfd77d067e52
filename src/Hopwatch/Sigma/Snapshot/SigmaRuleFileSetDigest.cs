using System.IO.Enumeration;
using System.IO.Hashing;
using System.Runtime.InteropServices;

namespace Hopwatch.Sigma;

/// <summary>
/// What identifies a set of rule files for the rule-set snapshot (<see cref="SigmaRuleSetSnapshot"/>): how many
/// *.yml / *.yaml files the rule paths hold, and the sum of one 128-bit hash per file over its path (below the rule
/// path as given), size and modification time. A file added, removed, renamed, resized or touched changes it. The sum
/// does not depend on the order the directory lists files in, so the walk makes nothing per file: no string, no
/// object, no sort — the stat of each file (the listing's own) is its cost.
/// </summary>
internal readonly record struct SigmaRuleFileSetDigest(int Count, UInt128 Sum)
{
    /// <summary>
    /// Walks the rule paths as <see cref="SigmaRuleFile.List"/> does (same files, same options). Null when a path is
    /// missing or a file or folder cannot be examined: such a load reports errors, and is never snapshotted.
    /// </summary>
    public static SigmaRuleFileSetDigest? Of(IReadOnlyList<string> paths)
    {
        int count = 0;
        UInt128 sum = 0;
        try
        {
            foreach (var p in paths)
            {
                if (File.Exists(p))
                {
                    var info = new FileInfo(p);
                    if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target)
                        sum += Hash(p, "->", target.Length, target.LastWriteTimeUtc.Ticks); // the file linked to changes, not the link
                    sum += Hash(p, [], info.Length, info.LastWriteTimeUtc.Ticks);
                    count++;
                    continue;
                }
                if (!Directory.Exists(p)) return null;
                using var walk = new Walker(p);
                while (walk.MoveNext()) { }
                if (walk.Failed) return null;
                count += walk.Count;
                sum += walk.Sum;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return new SigmaRuleFileSetDigest(count, sum);
    }

    [System.Runtime.CompilerServices.SkipLocalsInit]
    private static UInt128 Hash(ReadOnlySpan<char> directory, ReadOnlySpan<char> name, long size, long ticks)
    {
        int bytes = (directory.Length + 1 + name.Length) * 2 + 16;
        Span<byte> buffer = bytes <= 2048 ? stackalloc byte[bytes] : new byte[bytes];
        MemoryMarshal.AsBytes(directory).CopyTo(buffer);
        int at = directory.Length * 2;
        buffer[at] = (byte)'/';
        buffer[at + 1] = 0;
        MemoryMarshal.AsBytes(name).CopyTo(buffer[(at + 2)..]);
        at += 2 + name.Length * 2;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer[at..], size);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(buffer[(at + 8)..], ticks);
        return XxHash128.HashToUInt128(buffer);
    }

    /// <summary>The listing of <see cref="SigmaRuleFile.List"/> for one folder, hashing each file instead of making an object of it.</summary>
    private sealed class Walker(string root) : FileSystemEnumerator<int>(root, Options)
    {
        private static readonly EnumerationOptions Options = new() { RecurseSubdirectories = true, MatchType = MatchType.Win32, AttributesToSkip = 0, IgnoreInaccessible = false };

        public int Count;
        public UInt128 Sum;
        public bool Failed;

        protected override bool ShouldIncludeEntry(ref FileSystemEntry e) => !e.IsDirectory &&
            (e.FileName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || e.FileName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase));

        protected override int TransformEntry(ref FileSystemEntry e)
        {
            try
            {
                Sum += Hash(e.Directory[e.RootDirectory.Length..], e.FileName, e.Length, e.LastWriteTimeUtc.UtcTicks);
                // A link: the file it leads to as well (the link's own size and time do not change when that file does).
                if ((e.Attributes & FileAttributes.ReparsePoint) != 0)
                {
                    if (SigmaRuleFile.StampOf(ref e) is not var (size, ticks)) Failed = true;
                    else Sum += Hash(e.Directory[e.RootDirectory.Length..], string.Concat(e.FileName, "->"), size, ticks);
                }
                Count++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { Failed = true; }
            return 0;
        }

        protected override bool ContinueOnError(int error)
        {
            Failed = true;
            return false; // the walk throws, and the digest is null
        }
    }
}
