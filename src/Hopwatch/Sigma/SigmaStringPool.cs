using System.Text;

namespace Hopwatch.Sigma;

/// <summary>
/// One string per distinct text read from the parsed-rule cache in one load: log sources, statuses and required
/// texts repeat across thousands of rules (`windows`, `process_creation`, `\POWERSHELL.EXE`), and a string each
/// time was most of what reading the cache allocated. Single-threaded (the load reads the cache on one thread).
/// </summary>
internal sealed class SigmaStringPool
{
    private readonly SigmaUtf8Map<string> _strings;

    /// <param name="files">Files expected from the cache (each brings ~5 distinct texts of ~15 bytes).</param>
    public SigmaStringPool(int files = 0) => _strings = new SigmaUtf8Map<string>(files * 6, files * 90);

    /// <summary>The text of these UTF-8 bytes (as <see cref="Encoding.UTF8"/> decodes them), the same instance for the same bytes.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "";
        if (_strings.TryGetValue(utf8, out var known)) return known;
        var s = Encoding.UTF8.GetString(utf8);
        _strings.Add(utf8, s);
        return s;
    }

    /// <summary>Field numbers in the load's field table by the UTF-8 bytes of the name, for <see cref="SigmaParseCacheFormat.ReadRuleFacts"/>.</summary>
    public SigmaUtf8Map<int> FieldIds { get; } = new();
}
