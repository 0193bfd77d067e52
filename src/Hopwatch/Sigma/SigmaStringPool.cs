using System.Text;

namespace Hopwatch.Sigma;

/// <summary>
/// One string per distinct text read from the parsed-rule cache in one load: log sources, statuses and required
/// texts repeat across thousands of rules (`windows`, `process_creation`, `\POWERSHELL.EXE`), and a string each
/// time was most of what reading the cache allocated. Single-threaded (the load reads the cache on one thread).
/// </summary>
internal sealed class SigmaStringPool
{
    /// <summary>Longer texts are not pooled (they are rarely repeated; decoding them on the stack would cost more).</summary>
    private const int MaxPooledChars = 256;

    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    public SigmaStringPool() => _bySpan = _strings.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The text of these UTF-8 bytes (as <see cref="Encoding.UTF8"/> decodes them), the same instance for the same text.</summary>
    public string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IsEmpty) return "";
        if (utf8.Length > MaxPooledChars) return Encoding.UTF8.GetString(utf8);
        Span<char> chars = stackalloc char[MaxPooledChars]; // UTF-8 never has fewer bytes than UTF-16 has chars
        var text = chars[..Encoding.UTF8.GetChars(utf8, chars)];
        if (_bySpan.TryGetValue(text, out var known)) return known;
        var s = new string(text);
        _strings[s] = s;
        return s;
    }
}
