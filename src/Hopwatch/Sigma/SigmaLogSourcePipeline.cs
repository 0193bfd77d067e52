using Hopwatch.Events;
using YamlDotNet.RepresentationModel;

namespace Hopwatch.Sigma;

/// <summary>One pipeline entry: which events a rule of a given logsource can match, and how its fields are named there.</summary>
public sealed class SigmaLogSourceMapping
{
    public SigmaLogSource Match { get; init; } = SigmaLogSource.Empty;
    public IReadOnlyList<string> Channels { get; init; } = [];
    public IReadOnlyList<int> EventIds { get; init; } = [];
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Conditions { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public IReadOnlyDictionary<string, string> FieldMap { get; init; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    public override string ToString() =>
        string.Join(",", Channels) + (EventIds.Count > 0 ? "/" + string.Join(",", EventIds) : "");
}

/// <summary>
/// The editable log-source pipeline (built-in: Pipelines/windows.yml): logsource → channel, EventID,
/// extra conditions and field mapping; plus per-format field aliases (ECS, Defender).
/// </summary>
public sealed class SigmaLogSourcePipeline
{
    public IReadOnlyList<SigmaLogSourceMapping> Mappings { get; init; } = [];
    /// <summary>Per source format: Sigma field → other names; and prefixes tried before the plain name.</summary>
    public IReadOnlyDictionary<SourceFormat, Dictionary<string, string[]>> FormatAliases { get; init; } =
        new Dictionary<SourceFormat, Dictionary<string, string[]>>();
    public IReadOnlyDictionary<SourceFormat, string[]> FormatPrefixes { get; init; } = new Dictionary<SourceFormat, string[]>();

    public static SigmaLogSourcePipeline BuiltIn()
    {
        using var s = typeof(SigmaLogSourcePipeline).Assembly.GetManifestResourceStream("Hopwatch.Sigma.Pipelines.windows.yml")
            ?? throw new InvalidOperationException("built-in Sigma pipeline resource missing");
        using var r = new StreamReader(s);
        return Parse(r.ReadToEnd(), "windows.yml (built-in)");
    }

    public static SigmaLogSourcePipeline Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>The entries a rule's logsource maps to (empty: the rule runs without a channel pre-filter).</summary>
    public List<SigmaLogSourceMapping> MappingsFor(SigmaLogSource rule)
    {
        var list = new List<SigmaLogSourceMapping>();
        if (rule.Category is null && rule.Service is null) return list;
        foreach (var m in Mappings)
        {
            if (m.Match.Product is not null && rule.Product is not null && m.Match.Product != rule.Product) continue;
            if (rule.Category is not null)
            {
                if (m.Match.Category != rule.Category) continue;
            }
            else if (m.Match.Category is not null || m.Match.Service != rule.Service) continue;
            list.Add(m);
        }
        return list;
    }

    /// <summary>Parses pipeline YAML; throws <see cref="FormatException"/> naming the place of a mistake.</summary>
    public static SigmaLogSourcePipeline Parse(string yamlText, string name)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yamlText)); }
        catch (YamlDotNet.Core.YamlException e) { throw new FormatException($"{name}:{e.Start.Line}: {e.Message}"); }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new FormatException($"{name}: expected a map with 'logsources'");
        var mappings = new List<SigmaLogSourceMapping>();
        if (Get(root, "logsources") is YamlSequenceNode seq)
        {
            foreach (var item in seq.Children)
            {
                if (item is not YamlMappingNode m || Get(m, "match") is not YamlMappingNode match)
                    throw new FormatException($"{name}:{item.Start.Line}: each logsource entry needs a 'match' map");
                var ls = new SigmaLogSource(Str(match, "product")?.ToLowerInvariant(), Str(match, "category")?.ToLowerInvariant(),
                    Str(match, "service")?.ToLowerInvariant());
                if (ls.Category is null && ls.Service is null)
                    throw new FormatException($"{name}:{item.Start.Line}: 'match' needs a category or a service");
                var channels = List(m, "channel");
                if (channels.Count == 0) throw new FormatException($"{name}:{item.Start.Line}: entry needs a 'channel'");
                var ids = new List<int>();
                foreach (var s in List(m, "eventid"))
                    ids.Add(int.TryParse(s, out int id) ? id : throw new FormatException($"{name}:{item.Start.Line}: eventid '{s}' is not a number"));
                var conditions = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
                if (Get(m, "conditions") is YamlMappingNode cm)
                    foreach (var (k, v) in cm.Children) conditions[((YamlScalarNode)k).Value!] = Values(v);
                var fieldMap = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                if (Get(m, "fieldmap") is YamlMappingNode fm)
                    foreach (var (k, v) in fm.Children) fieldMap[((YamlScalarNode)k).Value!] = ((YamlScalarNode)v).Value!;
                mappings.Add(new SigmaLogSourceMapping { Match = ls, Channels = channels, EventIds = ids, Conditions = conditions, FieldMap = fieldMap });
            }
        }
        var aliases = new Dictionary<SourceFormat, Dictionary<string, string[]>>();
        var prefixes = new Dictionary<SourceFormat, string[]>();
        if (Get(root, "formats") is YamlMappingNode formats)
        {
            foreach (var (k, v) in formats.Children)
            {
                string fname = ((YamlScalarNode)k).Value!;
                if (!Enum.TryParse<SourceFormat>(fname, true, out var format))
                    throw new FormatException($"{name}:{k.Start.Line}: unknown source format '{fname}' (one of {string.Join(", ", Enum.GetNames<SourceFormat>())})");
                if (v is not YamlMappingNode fmap) throw new FormatException($"{name}:{v.Start.Line}: format '{fname}' needs a map");
                prefixes[format] = List(fmap, "prefixes").ToArray();
                var fields = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
                if (Get(fmap, "fields") is YamlMappingNode ff)
                    foreach (var (fk, fv) in ff.Children) fields[((YamlScalarNode)fk).Value!] = Values(fv).ToArray();
                aliases[format] = fields;
            }
        }
        return new SigmaLogSourcePipeline { Mappings = mappings, FormatAliases = aliases, FormatPrefixes = prefixes };
    }

    private static YamlNode? Get(YamlMappingNode m, string key) => m.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
    private static string? Str(YamlMappingNode m, string key) => (Get(m, key) as YamlScalarNode)?.Value;
    private static List<string> List(YamlMappingNode m, string key) => Get(m, key) is { } n ? Values(n) : [];
    private static List<string> Values(YamlNode n) => n switch
    {
        YamlScalarNode s => s.Value is null ? [] : [s.Value],
        YamlSequenceNode q => q.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").ToList(),
        _ => [],
    };
}
