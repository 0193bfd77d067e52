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
        var digest = new Builder();
        try
        {
            foreach (var p in paths)
            {
                if (File.Exists(p)) { digest.Add(OfFile(p)); continue; }
                if (!Directory.Exists(p)) return null;
                using var walk = new Walker(p, digest);
                while (walk.MoveNext()) { }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        return digest.Result;
    }

    /// <summary>Adds up the files' hashes (<see cref="OfFile"/>, <see cref="OfEntry"/>) as a listing finds them.</summary>
    internal sealed class Builder
    {
        private int _count;
        private UInt128 _sum;
        private bool _failed;

        /// <summary>One file's hash; null: it could not be examined (then there is no digest).</summary>
        public void Add(UInt128? hash)
        {
            if (hash is not { } h) { _failed = true; return; }
            _sum += h;
            _count++;
        }

        public void Fail() => _failed = true;

        public SigmaRuleFileSetDigest? Result => _failed ? null : new SigmaRuleFileSetDigest(_count, _sum);
    }

    /// <summary>The hash of a rule file given as a path (not found in a folder); null when it cannot be examined.</summary>
    internal static UInt128? OfFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            var hash = Hash(path, [], info.Length, info.LastWriteTimeUtc.Ticks);
            // A link: the file it leads to as well (the link's own size and time do not change when that file does).
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is FileInfo { Exists: true } target)
                hash += Hash(path, "->", target.Length, target.LastWriteTimeUtc.Ticks);
            return hash;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The hash of a rule file found in a folder (its path below the folder, size and time); null when it cannot be examined.</summary>
    internal static UInt128? OfEntry(ref FileSystemEntry e)
    {
        try
        {
            var below = e.Directory[e.RootDirectory.Length..];
            var hash = Hash(below, e.FileName, e.Length, e.LastWriteTimeUtc.UtcTicks);
            if ((e.Attributes & FileAttributes.ReparsePoint) != 0)
            {
                if (SigmaRuleFile.StampOf(ref e) is not var (size, ticks)) return null;
                hash += Hash(below, string.Concat(e.FileName, "->"), size, ticks);
            }
            return hash;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return null; }
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
    private sealed class Walker(string root, Builder digest) : FileSystemEnumerator<int>(root, Options)
    {
        private static readonly EnumerationOptions Options = new() { RecurseSubdirectories = true, MatchType = MatchType.Win32, AttributesToSkip = 0, IgnoreInaccessible = false };

        protected override bool ShouldIncludeEntry(ref FileSystemEntry e) => SigmaRuleFile.IsRuleFile(ref e);

        protected override int TransformEntry(ref FileSystemEntry e)
        {
            digest.Add(OfEntry(ref e));
            return 0;
        }

        protected override bool ContinueOnError(int error)
        {
            digest.Fail();
            return false; // the walk throws, and the digest is null
        }
    }
}
