using System.IO.Hashing;
using System.Text;

namespace Hopwatch.Sigma;

/// <summary>
/// A whole loaded rule set kept on disk beside the parsed-rule cache (<see cref="SigmaParseCache"/>), so that a load of
/// exactly the same rules under exactly the same settings is one file read and a check instead of a set-up: the rules
/// (their texts and detections, read on first use as from the parse cache), the skipped ones, the field table, every
/// variant with its EventIDs and required texts, the prefilter's literal finders and tables, and the index's buckets. The
/// tests themselves are not kept: they are compiled on first use, as for rules with cached compile facts.
/// </summary>
/// <remarks>
/// Used only when its key matches: this build of Hopwatch (module version id), the rule paths (as given and in full), the
/// rule files' set (<see cref="SigmaRuleFileSetDigest"/>: paths, sizes, modification times), the pipeline and placeholder
/// files (path, size, time) and the options that change the set. Loads with meta-filters are never snapshotted, nor loads
/// that found errors or correlations (their messages and checks stay where they are). The payload carries a checksum: a
/// damaged, cut off or foreign snapshot is ignored (the load takes the ordinary path and writes a fresh one). Written
/// atomically by any load that did not use it.
/// </remarks>
internal sealed class SigmaRuleSetSnapshot
{
    private const string Magic = "HWSNAP1";
    private static readonly Guid BuildId = typeof(SigmaRuleSetSnapshot).Assembly.ManifestModule.ModuleVersionId;

    private readonly string _path;
    /// <summary>The key but the rule files' digest: rule paths, settings files' stamps, options (taken before anything is read).</summary>
    private readonly byte[] _settings;
    /// <summary>The whole key, when there was a snapshot file to check against (else the load's listing gives it to <see cref="Save"/>).</summary>
    private readonly byte[]? _key;

    private SigmaRuleSetSnapshot(string path, byte[] settings, byte[]? key)
    {
        _path = path;
        _settings = settings;
        _key = key;
    }

    /// <summary>Where the snapshot of these rule paths lives.</summary>
    public string Path => _path;

    /// <summary>
    /// The snapshot for loading <paramref name="paths"/> with <paramref name="options"/> from <paramref name="directory"/>;
    /// null when such a load cannot be snapshotted (meta-filters, no rule path, a big-endian machine, snapshots off).
    /// When there is a snapshot file, walks the rule files for the key to check it against; otherwise the load's own
    /// listing gives the rule files' part of the key (<see cref="Save"/>), so a load that is never snapshotted (errors,
    /// correlations) pays no second walk. Call before anything is parsed, so that a file changed during the load
    /// changes the key.
    /// </summary>
    public static SigmaRuleSetSnapshot? For(string directory, IReadOnlyList<string> paths, SigmaOptions options)
    {
        // Arrays are kept in the machine's byte order; filters are not (they apply to rules by their texts at load).
        if (!options.RuleSetSnapshot || !BitConverter.IsLittleEndian || options.FilterPaths.Count > 0 || paths.Count == 0) return null;
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(paths.Count);
            foreach (var p in paths) { w.Write(p); w.Write(System.IO.Path.GetFullPath(p)); }
            Stamped(w, options.PipelinePath);
            Stamped(w, options.PlaceholderConfigPath);
            w.Write(options.SkipDeprecated);
            w.Write(options.Prefilter);
        }
        var settings = ms.ToArray();
        string path = System.IO.Path.Combine(directory, $"sigma-snapshot-{SigmaParseCache.RootsHash(paths)}.bin");
        var key = File.Exists(path) && SigmaRuleFileSetDigest.Of(paths) is { } digest ? KeyOf(settings, digest) : null;
        return new SigmaRuleSetSnapshot(path, settings, key);
    }

    private static byte[] KeyOf(byte[] settings, SigmaRuleFileSetDigest digest)
    {
        var key = new byte[settings.Length + 20];
        settings.CopyTo(key, 0);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(key.AsSpan(settings.Length), digest.Count);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt128LittleEndian(key.AsSpan(settings.Length + 4), digest.Sum);
        return key;
    }

    /// <summary>A settings file by full path, size and modification time (missing: no size and time).</summary>
    private static void Stamped(BinaryWriter w, string? path)
    {
        w.Write(path is not null);
        if (path is null) return;
        w.Write(System.IO.Path.GetFullPath(path));
        var info = new FileInfo(path);
        w.Write(info.Exists ? info.Length : -1);
        w.Write(info.Exists ? info.LastWriteTimeUtc.Ticks : -1);
    }

    /// <summary>The rule set as snapshotted, or null when there is no usable snapshot for this key (then load as usual).</summary>
    public SigmaRuleSet? TryLoad(SigmaOptions options)
    {
        if (_key is null) return null; // no snapshot file, or its rule files could not be examined
        SigmaMappedFile? mapped = null;
        try
        {
            if ((mapped = SigmaMappedFile.Open(_path)) is null) return null;
            if (Payload(mapped.Memory) is not { } payload) return null;
            var r = new SigmaCacheReader(payload.Span);
            if (!r.ReadStringBytes().SequenceEqual(_key)) return null; // another rule set, other settings
            var set = SigmaRuleSet.FromSnapshot(payload, r.Position, options);
            mapped = null; // the set's rules read from it from now on
            return set;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or InvalidDataException or FormatException
                                    or ArgumentException or OverflowException or SigmaSnapshotMismatchException)
        {
            return null;
        }
        finally
        {
            // Not used: unmapped now (a mapped file cannot be replaced on every system, and this load writes a new one).
            ((IDisposable?)mapped)?.Dispose();
        }
    }

    /// <summary>The payload of a snapshot file when its header is this build's and its checksum holds; else null.</summary>
    private static ReadOnlyMemory<byte>? Payload(ReadOnlyMemory<byte> file)
    {
        var r = new SigmaCacheReader(file.Span);
        if (!r.ReadStringBytes().SequenceEqual(Encoding.UTF8.GetBytes(Magic))) return null;
        if (!new Guid(file.Span.Slice(r.Skip(16), 16)).Equals(BuildId)) return null;
        long length = r.ReadInt64();
        ulong checksum = (ulong)r.ReadInt64();
        int start = r.Position;
        if (length != file.Length - start) return null;
        var payload = file[start..];
        return XxHash3.HashToUInt64(payload.Span) == checksum ? payload : null;
    }

    /// <summary>
    /// Writes the snapshot of <paramref name="set"/> (loaded under this key) when it can be snapshotted, else removes a
    /// stale one (or every later load would walk the rule files to check it); problems writing it are not errors.
    /// </summary>
    /// <param name="listed">The rule files' digest from the load's listing (used when there was no snapshot file to check).</param>
    public void Save(SigmaRuleSet set, SigmaRuleFileSetDigest? listed)
    {
        if (!set.CanSnapshot)
        {
            try { File.Delete(_path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            return;
        }
        var key = _key ?? (listed is { } digest ? KeyOf(_settings, digest) : null);
        if (key is null) return;
        string temp = _path + "." + Environment.ProcessId + ".tmp";
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
            // Written straight to the file and hashed on the way, in 64 KB pieces: a payload built in memory first (a
            // growing 4 MB stream) cost a cold load more than the writing itself.
            using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                using (var head = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true))
                {
                    head.Write(Magic);
                    head.Write(BuildId.ToByteArray());
                    head.Write(0L); // payload length and checksum, filled in below
                    head.Write(0UL);
                }
                long lengthAt = file.Position - 16;
                var hashing = new HashingStream(file);
                using (var w = new BinaryWriter(new BufferedStream(hashing, 1 << 16), Encoding.UTF8))
                {
                    w.Write7BitEncodedInt(key.Length);
                    w.Write(key);
                    set.WriteSnapshot(w);
                }
                file.Position = lengthAt;
                using var tail = new BinaryWriter(file, Encoding.UTF8, leaveOpen: true);
                tail.Write(hashing.Written);
                tail.Write(hashing.Hash.GetCurrentHashAsUInt64());
            }
            File.Move(temp, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception e2) when (e2 is IOException or UnauthorizedAccessException) { }
        }
    }
}

/// <summary>Passes what is written on to a stream, hashing it (<see cref="XxHash3"/>, as <see cref="SigmaRuleSetSnapshot"/> checks it) and counting it.</summary>
file sealed class HashingStream(Stream inner) : Stream
{
    public XxHash3 Hash { get; } = new();
    public long Written { get; private set; }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Hash.Append(buffer);
        inner.Write(buffer);
        Written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void WriteByte(byte value) => Write([value]);
    public override void Flush() => inner.Flush();
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

/// <summary>A snapshot whose content does not fit this load (a rule's log source no longer maps as it did, ...): load as usual.</summary>
internal sealed class SigmaSnapshotMismatchException(string message) : Exception(message);
