using System.Security.Cryptography;
using System.Text;

namespace Hopwatch.Sigma;

/// <summary>
/// Parsed rule files kept on disk between runs, so a second hunt with the same rules skips YAML parsing
/// (most of the load time of a big rule set). An entry is used only when the file's full path, size and
/// modification time match and the cache was written by this exact build of Hopwatch (its module version
/// id); anything else is parsed again. Only plain files are cached — ones that parsed without error into
/// detection rules; files with errors, filters or correlations are always parsed, so every message and
/// check stays where it is. One cache file per set of rule roots; written atomically; a damaged or
/// foreign cache file is ignored (and replaced).
/// </summary>
/// <remarks>
/// The cache file is read whole into one array, every entry checked at once (counts, lengths, condition tags);
/// entries are slices of that array, and a rule's detection is read from its slice on first use
/// (<see cref="SigmaRule.CachedDetection"/>). No copy per entry, no stream reads.
/// </remarks>
internal sealed class SigmaParseCache
{
    private const string Magic = "HWSIGMA3";
    private static readonly Guid BuildId = typeof(SigmaParseCache).Assembly.ManifestModule.ModuleVersionId;

    private readonly string _path;

    /// <summary>A parsed file kept in the cache, under its full path (a class: dictionaries of it run on precompiled shared generic code).</summary>
    internal sealed class Entry(ReadOnlyMemory<byte> key, long size, long ticks, ReadOnlyMemory<byte> data)
    {
        /// <summary>The file's full path in UTF-8 (as the cache file holds it: no string is made for it).</summary>
        public ReadOnlyMemory<byte> Key { get; } = key;
        public long Size { get; } = size;
        public long Ticks { get; } = ticks;
        public ReadOnlyMemory<byte> Data { get; } = data;
        /// <summary>Compile facts of its rules (<see cref="SigmaCompileFacts"/>) under the pipeline of <see cref="_factsPipeline"/>; null: none.</summary>
        public ReadOnlyMemory<byte>? Facts { get; set; }
        /// <summary>Served to this load (entries no load uses are dropped when the cache is written).</summary>
        public bool Used { get; set; }
        /// <summary>Parsed again by this load (it was out of date or would not read): a fresh entry takes its place.</summary>
        public bool Replaced { get; set; }
    }

    // The entries read from the cache file, in its order and by the UTF-8 bytes of their full path.
    private readonly List<Entry> _entries = new();
    private SigmaUtf8Map<Entry> _entriesByPath = new();
    private readonly Dictionary<string, Entry> _fresh = new(StringComparer.Ordinal);
    private byte[] _factsPipeline = [], _pipelineDigest = [];
    private bool _factsChanged;
    private int _used;
    private readonly object _lock = new();
    private ReadOnlyMemory<byte>? _pipeline;
    private byte[]? _freshPipeline;

    public int Hits { get; private set; }

    /// <summary>Whether the cache holds no entry (then nothing is worth looking up before parsing).</summary>
    public bool IsEmpty => _entries.Count == 0;

    private SigmaParseCache(string path) => _path = path;

    /// <summary>The cache for these rule roots in <paramref name="directory"/> (empty when there is none yet or it is unreadable).</summary>
    public static SigmaParseCache Open(string directory, IEnumerable<string> roots)
    {
        var cache = new SigmaParseCache(Path.Combine(directory, $"sigma-rules-{RootsHash(roots)}.bin"));
        try { cache.Read(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or FormatException or InvalidDataException)
        {
            cache._entries.Clear(); // damaged or from an older format: start afresh (entries are only mapped once all read well)
        }
        return cache;
    }

    /// <summary>What names the cache files of a set of rule roots (the rule-set snapshot's too): 16 hex digits of a hash of their full paths.</summary>
    internal static string RootsHash(IEnumerable<string> roots)
    {
        var key = string.Join("\n", roots.Select(Path.GetFullPath));
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
    }

    private void Read()
    {
        if (!File.Exists(_path)) return;
        var file = File.ReadAllBytes(_path);
        var r = new SigmaCacheReader(file);
        if (r.ReadString() != Magic || !new Guid(file.AsSpan(r.Skip(16), 16)).Equals(BuildId)) return;
        int pipelineLength = r.ReadInt32();
        if (pipelineLength < 0) throw new InvalidDataException("negative pipeline length");
        ReadOnlyMemory<byte>? pipeline = pipelineLength > 0 ? file.AsMemory(r.Skip(pipelineLength), pipelineLength) : null;
        var factsPipeline = file.AsSpan(r.Skip(DigestLength), DigestLength).ToArray();
        int n = r.ReadInt32();
        if (n < 0) throw new InvalidDataException("negative entry count");
        var entries = new List<Entry>(Math.Min(n, 1 << 20));
        var byPath = new SigmaUtf8Map<Entry>(Math.Min(n, 1 << 20), Math.Min(n, 1 << 20) * 128); // paths of ~100 bytes
        for (int i = 0; i < n; i++)
        {
            int pathLength = r.ReadStringBytes().Length;
            var path = file.AsMemory(r.Position - pathLength, pathLength);
            long size = r.ReadInt64(), ticks = r.ReadInt64();
            int len = r.ReadInt32();
            if (len < 0) throw new InvalidDataException("negative entry length");
            var entry = new Entry(path, size, ticks, file.AsMemory(r.Skip(len), len));
            int factsLength = r.ReadInt32();
            if (factsLength < -1) throw new InvalidDataException("bad facts length");
            if (factsLength >= 0) entry.Facts = file.AsMemory(r.Skip(factsLength), factsLength);
            entries.Add(entry);
        }
        if (!r.AtEnd) throw new InvalidDataException("trailing bytes in the cache file");
        // Only once the whole file read well:
        _pipeline = pipeline;
        _factsPipeline = factsPipeline;
        foreach (var entry in entries)
        {
            if (byPath.TryGetValue(entry.Key.Span, out _)) throw new InvalidDataException("a file kept twice in the cache file");
            byPath.Add(entry.Key.Span, entry);
        }
        _entriesByPath = byPath;
        _entries.AddRange(entries);
    }

    /// <summary>How many entries the cache file held.</summary>
    public int EntryCount => _entries.Count;

    /// <summary>The entry kept for the file of this full path (current or not), or null.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    public Entry? Find(ReadOnlySpan<char> fullPath)
    {
        if (_entries.Count == 0) return null;
        int most = Encoding.UTF8.GetMaxByteCount(fullPath.Length);
        Span<byte> utf8 = most <= 1024 ? stackalloc byte[most] : new byte[most];
        return _entriesByPath.TryGetValue(utf8[..Encoding.UTF8.GetBytes(fullPath, utf8)], out var entry) ? entry : null;
    }

    /// <summary>
    /// The built-in log-source pipeline: parsing its YAML is the one use of the YAML library left on a run whose
    /// rules all come from the cache (and its first use costs ~0.1 s of JIT), so it is cached too. It is part
    /// of this build, so the build id alone keys it.
    /// </summary>
    public SigmaLogSourcePipeline BuiltInPipeline()
    {
        if (_pipeline is { } data)
        {
            try { return SigmaParseCacheFormat.ReadPipeline(data.ToArray()); }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException) { }
        }
        var pipeline = SigmaLogSourcePipeline.BuiltIn();
        _freshPipeline = SigmaParseCacheFormat.WritePipeline(pipeline);
        return pipeline;
    }

    private const int DigestLength = 16;

    /// <summary>
    /// The pipeline this load compiles under: compile facts (<see cref="SigmaCompileFacts"/>) recorded under another
    /// one are not used, and are replaced. Call before <see cref="TryCached"/> and <see cref="ParseAndKeep"/>.
    /// </summary>
    public void UsePipeline(SigmaLogSourcePipeline pipeline)
    {
        _pipelineDigest = SHA256.HashData(SigmaParseCacheFormat.WritePipeline(pipeline))[..DigestLength];
        if (!_pipelineDigest.AsSpan().SequenceEqual(_factsPipeline))
        {
            foreach (var entry in _entries) entry.Facts = null;
            _factsChanged = true;
        }
    }

    /// <summary>
    /// Records the compile facts of a file's rules (after the load compiled them), for files the cache keeps.
    /// Facts that came from the cache and are unchanged cost nothing here.
    /// </summary>
    public void RememberFacts(SigmaParseResult file)
    {
        if (file.CacheEntry is not { } entry) return;
        var rules = file.Rules;
        bool allFromCache = true;
        int withFacts = 0;
        foreach (var r in rules)
        {
            if (r.CompileFacts is null) continue;
            withFacts++;
            allFromCache &= r.CompileFacts.FromCache;
        }
        if (allFromCache && withFacts == file.CachedFactsCount && entry.Facts is not null) return;
        if (withFacts == 0)
        {
            if (entry.Facts is not null) _factsChanged = true;
            entry.Facts = null;
            return;
        }
        entry.Facts = SigmaParseCacheFormat.WriteFacts(rules);
        _factsChanged = true;
    }

    /// <summary>The parse result of <paramref name="file"/> from the cache, or null when the cache has none that is current.</summary>
    /// <param name="pool">Gives the texts read now; not thread-safe, so neither is this when given the same pool.</param>
    public SigmaParseResult? TryCached(SigmaRuleFile file, SigmaStringPool pool)
    {
        if (file.Entry is not { } entry || file.Stamp is not var (size, ticks) || entry.Size != size || entry.Ticks != ticks) return null;
        try
        {
            var cached = SigmaParseCacheFormat.ReadResult(entry.Data, file.Path, pool);
            int withFacts = 0;
            if (entry.Facts is { } facts)
            {
                try { withFacts = SigmaParseCacheFormat.AttachFacts(facts, cached.Rules); }
                catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
                {
                    foreach (var rule in cached.Rules) rule.CompileFacts = null; // compiled at load instead
                }
            }
            cached.CacheEntry = entry;
            cached.CachedFactsCount = withFacts;
            lock (_lock)
            {
                if (!entry.Used) { entry.Used = true; _used++; }
                Hits++;
            }
            return cached;
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException) { return null; /* parse it instead */ }
    }

    /// <summary>Parses <paramref name="file"/>, and keeps the result for the next load when it is a plain file of detection rules.</summary>
    public SigmaParseResult ParseAndKeep(SigmaRuleFile file)
    {
        var result = SigmaRuleParser.ParseFile(file.Path);
        if (file.Stamp is var (size, ticks) && result.Errors.Count == 0 && result.Filters.Count == 0 && result.Rules.Count > 0 && result.Rules.All(r => !r.IsCorrelation))
        {
            string full = file.FullPath ?? (file.Entry is { } old ? Encoding.UTF8.GetString(old.Key.Span) : Path.GetFullPath(file.Path));
            var entry = new Entry(Encoding.UTF8.GetBytes(full), size, ticks, SigmaParseCacheFormat.WriteResult(result));
            lock (_lock)
            {
                _fresh[full] = entry;
                if (file.Entry is { } replaced) replaced.Replaced = true;
            }
            result.CacheEntry = entry;
        }
        return result;
    }

    /// <summary>Writes the cache when something was parsed afresh or an entry went out of use; problems writing it are not errors (the next run parses again).</summary>
    public void SaveIfChanged()
    {
        if (_fresh.Count == 0 && _used == _entries.Count && _freshPipeline is null && !_factsChanged) return;
        var pipeline = _freshPipeline ?? _pipeline ?? ReadOnlyMemory<byte>.Empty;
        // A fresh parse replaces the entry of the same file.
        var keep = _entries.Where(e => e.Used && !e.Replaced).Concat(_fresh.Values).ToList();
        string temp = _path + "." + Environment.ProcessId + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using (var w = new BinaryWriter(File.Create(temp), Encoding.UTF8))
            {
                w.Write(Magic);
                w.Write(BuildId.ToByteArray());
                w.Write(pipeline.Length);
                w.Write(pipeline.Span);
                w.Write(_pipelineDigest.Length == DigestLength ? _pipelineDigest : new byte[DigestLength]);
                w.Write(keep.Count);
                foreach (var entry in keep)
                {
                    w.Write7BitEncodedInt(entry.Key.Length); // as BinaryWriter.Write(string) writes the path
                    w.Write(entry.Key.Span);
                    w.Write(entry.Size);
                    w.Write(entry.Ticks);
                    w.Write(entry.Data.Length);
                    w.Write(entry.Data.Span);
                    w.Write(entry.Facts?.Length ?? -1);
                    if (entry.Facts is { } f) w.Write(f.Span);
                }
            }
            File.Move(temp, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception e2) when (e2 is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>Where the CLI keeps it: $XDG_CACHE_HOME/hopwatch, else ~/.cache/hopwatch.</summary>
    public static string DefaultDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var root = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(string.IsNullOrEmpty(home) ? Path.GetTempPath() : home, ".cache");
        return Path.Combine(root, "hopwatch");
    }
}
