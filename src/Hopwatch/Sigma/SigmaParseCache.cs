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
internal sealed class SigmaParseCache
{
    private const string Magic = "HWSIGMA3";
    private static readonly Guid BuildId = typeof(SigmaParseCache).Assembly.ManifestModule.ModuleVersionId;

    private readonly string _path;
    /// <summary>A cached parse of one file (a class: dictionaries of it run on precompiled shared generic code).</summary>
    private sealed record Entry(long Size, long Ticks, byte[] Data);

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _fresh = new(StringComparer.Ordinal);
    // Compile facts per file (SigmaCompileFacts of its rules), valid for the pipeline whose digest is _factsPipeline.
    private readonly Dictionary<string, byte[]> _facts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _freshFacts = new(StringComparer.Ordinal);
    private byte[] _factsPipeline = [], _pipelineDigest = [];
    private bool _factsChanged;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly object _lock = new();
    private byte[]? _pipeline, _freshPipeline;

    public int Hits { get; private set; }

    private SigmaParseCache(string path) => _path = path;

    /// <summary>The cache for these rule roots in <paramref name="directory"/> (empty when there is none yet or it is unreadable).</summary>
    public static SigmaParseCache Open(string directory, IEnumerable<string> roots)
    {
        var key = string.Join("\n", roots.Select(Path.GetFullPath));
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        var cache = new SigmaParseCache(Path.Combine(directory, $"sigma-rules-{hash}.bin"));
        try { cache.Read(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EndOfStreamException or FormatException or InvalidDataException)
        {
            cache._entries.Clear(); // damaged or from an older format: start afresh
            cache._facts.Clear();
        }
        return cache;
    }

    private void Read()
    {
        if (!File.Exists(_path)) return;
        using var r = new BinaryReader(File.OpenRead(_path), Encoding.UTF8);
        if (r.ReadString() != Magic || new Guid(Bytes(r, 16)) != BuildId) return;
        int pipelineLength = r.ReadInt32();
        if (pipelineLength < 0) throw new InvalidDataException("negative pipeline length");
        var pipeline = pipelineLength > 0 ? Bytes(r, pipelineLength) : null;
        var factsPipeline = Bytes(r, DigestLength);
        int n = r.ReadInt32();
        var facts = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            string file = r.ReadString();
            long size = r.ReadInt64(), ticks = r.ReadInt64();
            int len = r.ReadInt32();
            if (len < 0) throw new InvalidDataException("negative entry length");
            _entries[file] = new Entry(size, ticks, Bytes(r, len));
            int factsLength = r.ReadInt32();
            if (factsLength < -1) throw new InvalidDataException("bad facts length");
            if (factsLength >= 0) facts[file] = Bytes(r, factsLength);
        }
        if (r.BaseStream.Position != r.BaseStream.Length) throw new InvalidDataException("trailing bytes in the cache file");
        // Only once the whole file read well:
        _pipeline = pipeline;
        _factsPipeline = factsPipeline;
        foreach (var (file, data) in facts) _facts[file] = data;
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
            try { return SigmaParseCacheFormat.ReadPipeline(data); }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException) { }
        }
        var pipeline = SigmaLogSourcePipeline.BuiltIn();
        _freshPipeline = SigmaParseCacheFormat.WritePipeline(pipeline);
        return pipeline;
    }

    private const int DigestLength = 16;

    /// <summary>Exactly <paramref name="n"/> bytes (BinaryReader.ReadBytes returns fewer at the end of a cut-off file).</summary>
    private static byte[] Bytes(BinaryReader r, int n)
    {
        var data = r.ReadBytes(n);
        return data.Length == n ? data : throw new EndOfStreamException("cache file cut off");
    }

    /// <summary>
    /// The pipeline this load compiles under: compile facts (<see cref="SigmaCompileFacts"/>) recorded under another
    /// one are not used, and are replaced. Call before <see cref="Parse"/>.
    /// </summary>
    public void UsePipeline(SigmaLogSourcePipeline pipeline)
    {
        _pipelineDigest = SHA256.HashData(SigmaParseCacheFormat.WritePipeline(pipeline))[..DigestLength];
        if (!_pipelineDigest.AsSpan().SequenceEqual(_factsPipeline))
        {
            _facts.Clear();
            _factsChanged = true;
        }
    }

    /// <summary>
    /// Records the compile facts of a file's rules (after the load compiled them), for files the cache keeps.
    /// Facts that came from the cache and are unchanged cost nothing here.
    /// </summary>
    public void RememberFacts(string file, IReadOnlyList<SigmaRule> rules)
    {
        string full = Path.GetFullPath(file);
        bool kept;
        lock (_lock) kept = _fresh.ContainsKey(full) || _used.Contains(full);
        if (!kept) return;
        if (rules.All(r => r.CompileFacts is null or { FromCache: true }) && _facts.ContainsKey(full)
            && rules.Count(r => r.CompileFacts is not null) == (_factsRuleCount.TryGetValue(full, out int had) ? had : 0)) return;
        if (rules.All(r => r.CompileFacts is null))
        {
            if (_facts.Remove(full)) _factsChanged = true;
            return;
        }
        _freshFacts[full] = SigmaParseCacheFormat.WriteFacts(rules);
        _factsChanged = true;
    }

    // Per file: how many of its rules got facts from the cache (to see whether any was dropped since).
    private readonly Dictionary<string, int> _factsRuleCount = new(StringComparer.Ordinal);

    /// <summary>The parse result of <paramref name="file"/>: from the cache when it is current, else parsed (and remembered).</summary>
    public SigmaParseResult Parse(string file)
    {
        long size, ticks;
        try
        {
            var info = new FileInfo(file);
            size = info.Length;
            ticks = info.LastWriteTimeUtc.Ticks;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return SigmaRuleParser.ParseFile(file); }

        string full = Path.GetFullPath(file);
        Entry? entry;
        lock (_lock) _entries.TryGetValue(full, out entry);
        if (entry is not null && entry.Size == size && entry.Ticks == ticks)
        {
            try
            {
                var cached = SigmaParseCacheFormat.ReadResult(entry.Data, file);
                byte[]? facts;
                lock (_lock) facts = _facts.GetValueOrDefault(full);
                int withFacts = 0;
                if (facts is not null)
                {
                    try { withFacts = SigmaParseCacheFormat.ReadFacts(facts, cached.Rules); }
                    catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException)
                    {
                        foreach (var rule in cached.Rules) rule.CompileFacts = null; // compiled at load instead
                    }
                }
                lock (_lock) { _used.Add(full); Hits++; _factsRuleCount[full] = withFacts; }
                return cached;
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException) { /* parse it instead */ }
        }

        var result = SigmaRuleParser.ParseFile(file);
        if (result.Errors.Count == 0 && result.Filters.Count == 0 && result.Rules.Count > 0 && result.Rules.All(r => !r.IsCorrelation))
        {
            var data = SigmaParseCacheFormat.WriteResult(result);
            lock (_lock) _fresh[full] = new Entry(size, ticks, data);
        }
        return result;
    }

    /// <summary>Writes the cache when something was parsed afresh or an entry went out of use; problems writing it are not errors (the next run parses again).</summary>
    public void SaveIfChanged()
    {
        if (_fresh.Count == 0 && _used.Count == _entries.Count && _freshPipeline is null && !_factsChanged) return;
        var pipeline = _freshPipeline ?? _pipeline ?? [];
        var keep = _entries.Where(p => _used.Contains(p.Key)).Concat(_fresh).ToList();
        string temp = _path + "." + Environment.ProcessId + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using (var w = new BinaryWriter(File.Create(temp), Encoding.UTF8))
            {
                w.Write(Magic);
                w.Write(BuildId.ToByteArray());
                w.Write(pipeline.Length);
                w.Write(pipeline);
                w.Write(_pipelineDigest.Length == DigestLength ? _pipelineDigest : new byte[DigestLength]);
                w.Write(keep.Count);
                foreach (var (file, (size, ticks, data)) in keep)
                {
                    w.Write(file);
                    w.Write(size);
                    w.Write(ticks);
                    w.Write(data.Length);
                    w.Write(data);
                    var facts = _freshFacts.GetValueOrDefault(file) ?? (_fresh.ContainsKey(file) ? null : _facts.GetValueOrDefault(file));
                    w.Write(facts?.Length ?? -1);
                    if (facts is not null) w.Write(facts);
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
