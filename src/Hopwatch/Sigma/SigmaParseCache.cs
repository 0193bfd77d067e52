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
    private const string Magic = "HWSIGMA2";
    private static readonly Guid BuildId = typeof(SigmaParseCache).Assembly.ManifestModule.ModuleVersionId;

    private readonly string _path;
    private readonly Dictionary<string, (long Size, long Ticks, byte[] Data)> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Size, long Ticks, byte[] Data)> _fresh = new(StringComparer.Ordinal);
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
        }
        return cache;
    }

    private void Read()
    {
        if (!File.Exists(_path)) return;
        using var r = new BinaryReader(File.OpenRead(_path), Encoding.UTF8);
        if (r.ReadString() != Magic || new Guid(r.ReadBytes(16)) != BuildId) return;
        int pipelineLength = r.ReadInt32();
        if (pipelineLength < 0) throw new InvalidDataException("negative pipeline length");
        var pipeline = pipelineLength > 0 ? r.ReadBytes(pipelineLength) : null;
        int n = r.ReadInt32();
        for (int i = 0; i < n; i++)
        {
            string file = r.ReadString();
            long size = r.ReadInt64(), ticks = r.ReadInt64();
            int len = r.ReadInt32();
            if (len < 0) throw new InvalidDataException("negative entry length");
            _entries[file] = (size, ticks, r.ReadBytes(len));
        }
        _pipeline = pipeline; // only once the whole file read well
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
        (long Size, long Ticks, byte[] Data) entry;
        bool found;
        lock (_lock) found = _entries.TryGetValue(full, out entry);
        if (found && entry.Size == size && entry.Ticks == ticks)
        {
            try
            {
                var cached = SigmaParseCacheFormat.ReadResult(entry.Data, file);
                lock (_lock) { _used.Add(full); Hits++; }
                return cached;
            }
            catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException) { /* parse it instead */ }
        }

        var result = SigmaRuleParser.ParseFile(file);
        if (result.Errors.Count == 0 && result.Filters.Count == 0 && result.Rules.Count > 0 && result.Rules.All(r => !r.IsCorrelation))
        {
            var data = SigmaParseCacheFormat.WriteResult(result);
            lock (_lock) _fresh[full] = (size, ticks, data);
        }
        return result;
    }

    /// <summary>Writes the cache when something was parsed afresh or an entry went out of use; problems writing it are not errors (the next run parses again).</summary>
    public void SaveIfChanged()
    {
        if (_fresh.Count == 0 && _used.Count == _entries.Count && _freshPipeline is null) return;
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
                w.Write(keep.Count);
                foreach (var (file, (size, ticks, data)) in keep)
                {
                    w.Write(file);
                    w.Write(size);
                    w.Write(ticks);
                    w.Write(data.Length);
                    w.Write(data);
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
