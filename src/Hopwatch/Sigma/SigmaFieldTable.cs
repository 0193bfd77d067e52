namespace Hopwatch.Sigma;

/// <summary>
/// Numbers every field name the compiled rules use, so an event's values can be looked up once per
/// event and then read by index. Filled while loading (single-threaded), read-only afterwards.
/// </summary>
internal sealed class SigmaFieldTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _names = new();
    /// <summary>Per source format: for each field id, other names to try when the event lacks the field.</summary>
    private readonly Dictionary<Hopwatch.Events.SourceFormat, string[]?[]> _aliases = new();
    private readonly Dictionary<Hopwatch.Events.SourceFormat, Dictionary<string, string[]>> _aliasSpecs = new();
    private readonly Dictionary<Hopwatch.Events.SourceFormat, string[]> _prefixes = new();

    private bool _frozen;

    public int Count => _names.Count;
    public string NameOf(int id) => _names[id];
    /// <summary>Every name, by number (what the rule-set snapshot keeps).</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>When set, every name asked for by <see cref="IdOf"/> is appended (to replay a compilation's field numbering).</summary>
    public List<string>? Recording { get; set; }

    public int IdOf(string name)
    {
        Recording?.Add(name);
        if (_ids.TryGetValue(name, out int id)) return id;
        // Views size their arrays by Count when they are made: a new field after that would be out of their range.
        if (_frozen) throw new InvalidOperationException($"field '{name}' was not numbered before the table was frozen");
        id = _names.Count;
        _names.Add(string.Intern(name));
        _ids[name] = id;
        return id;
    }

    /// <summary>The id of a field name the rules use, or -1.</summary>
    public int TryIdOf(string name) => _ids.TryGetValue(name, out int id) ? id : -1;

    public void AddAliases(Hopwatch.Events.SourceFormat format, Dictionary<string, string[]> map, string[] prefixes)
    {
        _aliasSpecs[format] = new Dictionary<string, string[]>(map, StringComparer.OrdinalIgnoreCase);
        _prefixes[format] = prefixes;
    }

    /// <summary>Call after all rules are compiled: turns alias specs into per-id arrays.</summary>
    public void Freeze()
    {
        _frozen = true;
        _aliases.Clear();
        foreach (var (format, spec) in _aliasSpecs)
        {
            var arr = new string[]?[_names.Count];
            var prefixes = _prefixes.TryGetValue(format, out var p) ? p : [];
            for (int i = 0; i < _names.Count; i++)
            {
                var alts = prefixes.Select(x => x + _names[i]).ToList();
                if (spec.TryGetValue(_names[i], out var more)) alts.AddRange(more);
                if (alts.Count > 0) arr[i] = alts.ToArray();
            }
            _aliases[format] = arr;
        }
    }

    public string[]?[]? AliasesFor(Hopwatch.Events.SourceFormat format) =>
        _aliases.TryGetValue(format, out var a) ? a : null;
}
