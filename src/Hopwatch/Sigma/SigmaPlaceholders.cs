using YamlDotNet.RepresentationModel;

namespace Hopwatch.Sigma;

/// <summary>
/// Values for `%placeholder%`s (used with the `expand` modifier), from a user YAML file:
/// <code>
/// placeholders:
///   Administrators: [ 'admin', 'adm_*' ]
///   dc_ip_addresses: [ '10.0.0.10' ]
/// </code>
/// (a top-level map without the `placeholders:` key works too). Names are case-insensitive; values
/// use Sigma string syntax, so wildcards work.
/// </summary>
public sealed class SigmaPlaceholders
{
    private readonly Dictionary<string, string[]> _values = new(StringComparer.OrdinalIgnoreCase);

    public static SigmaPlaceholders Empty { get; } = new();

    public IReadOnlyCollection<string> Names => _values.Keys;

    public void Set(string name, params string[] values) => _values[name.Trim('%')] = values;

    public bool TryGet(string name, out string[] values) => _values.TryGetValue(name, out values!);

    /// <summary>Loads a placeholder file; throws <see cref="FormatException"/> naming the line for a bad file.</summary>
    public static SigmaPlaceholders Load(string path)
    {
        var result = new SigmaPlaceholders();
        var yaml = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            yaml.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new FormatException($"{path}:{e.Start.Line}: {e.Message}");
        }
        if (yaml.Documents.Count == 0) return result;
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException($"{path}: expected a map of placeholder names to value lists");
        var map = root.Children.TryGetValue(new YamlScalarNode("placeholders"), out var inner) ? inner as YamlMappingNode : root;
        if (map is null) throw new FormatException($"{path}: 'placeholders' must be a map");
        foreach (var (k, v) in map.Children)
        {
            string name = ((YamlScalarNode)k).Value ?? "";
            string[] values = v switch
            {
                YamlScalarNode s => [s.Value ?? ""],
                YamlSequenceNode seq => seq.Children.Select(c => (c as YamlScalarNode)?.Value
                    ?? throw new FormatException($"{path}:{c.Start.Line}: placeholder values must be strings")).ToArray(),
                _ => throw new FormatException($"{path}:{v.Start.Line}: placeholder '{name}' needs a value or a list of values"),
            };
            result.Set(name, values);
        }
        return result;
    }
}

/// <summary>A rule uses a placeholder the configuration does not fill: the rule is reported and not run.</summary>
internal sealed class SigmaUnfilledPlaceholderException(string name, int line)
    : Exception($"placeholder %{name}% has no value (give it one in the placeholder config)")
{
    public string Name { get; } = name;
    public int Line { get; } = line;
}
