using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hopwatch.Sigma;

/// <summary>What one rule file held.</summary>
public sealed class SigmaParseResult
{
    public List<SigmaRule> Rules { get; } = new();
    public List<SigmaFilter> Filters { get; } = new();
    public List<SigmaRuleError> Errors { get; } = new();

    /// <summary>The file's entry in the parsed-rule cache when the cache keeps it (served from it, or parsed and kept); else null.</summary>
    internal SigmaParseCache.Entry? CacheEntry { get; set; }
    /// <summary>How many of the rules got compile facts from the cache (to see later whether any was dropped).</summary>
    internal int CachedFactsCount { get; set; }
}

/// <summary>
/// Reads Sigma YAML: one or more documents per file (`---`), Sigma 1 rule collections
/// (`action: global` merged into the documents after it, `reset` dropping it, `repeat` re-using
/// the previous document), detection rules, correlation rules and meta-filters. A bad document
/// becomes an error naming file and line; the other documents of the file still load.
/// </summary>
public static class SigmaRuleParser
{
    public static SigmaParseResult ParseFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var r = new SigmaParseResult();
            r.Errors.Add(new SigmaRuleError(path, 0, "cannot read: " + e.Message));
            return r;
        }
        return Parse(text, path);
    }

    public static SigmaParseResult Parse(string yamlText, string fileName)
    {
        var result = new SigmaParseResult();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yamlText));
        }
        catch (YamlException e)
        {
            result.Errors.Add(new SigmaRuleError(fileName, (int)e.Start.Line, "YAML syntax: " + Flatten(e)));
            return result;
        }

        YamlMappingNode? global = null, previous = null;
        int index = 0;
        foreach (var doc in stream.Documents)
        {
            index++;
            if (doc.RootNode is YamlScalarNode { Value: null or "" }) continue; // empty document (trailing ---)
            if (doc.RootNode is not YamlMappingNode root)
            {
                result.Errors.Add(new SigmaRuleError(fileName, Line(doc.RootNode), "a Sigma document must be a map"));
                continue;
            }
            string? action = Scalar(root, "action");
            var body = Without(root, "action");
            switch (action?.ToLowerInvariant())
            {
                case "global":
                    global = global is null ? body : Merge(global, body);
                    continue;
                case "reset":
                    global = null;
                    continue;
                case "repeat":
                    if (previous is null)
                    {
                        result.Errors.Add(new SigmaRuleError(fileName, Line(root), "'action: repeat' without a previous document"));
                        continue;
                    }
                    body = Merge(previous, body);
                    break;
                case null:
                    if (global is not null) body = Merge(global, body);
                    break;
                default:
                    result.Errors.Add(new SigmaRuleError(fileName, Line(root), $"unknown collection action '{action}' (global, reset or repeat)"));
                    continue;
            }
            previous = body;
            try
            {
                ParseDocument(body, fileName, Line(root), index, result);
            }
            catch (SigmaRuleException e)
            {
                result.Errors.Add(new SigmaRuleError(fileName, e.Line > 0 ? e.Line : Line(root), e.Message));
            }
        }
        return result;
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " " + e.InnerException.Message;

    private static void ParseDocument(YamlMappingNode doc, string file, int line, int index, SigmaParseResult result)
    {
        string title = Scalar(doc, "title") ?? throw new SigmaRuleException(line, "missing 'title'");
        string id = Scalar(doc, "id") ?? $"{Path.GetFileNameWithoutExtension(file)}#{index}";
        var logsource = ParseLogSource(doc);

        if (Child(doc, "filter") is { } filterNode)
        {
            if (filterNode is not YamlMappingNode fm) throw new SigmaRuleException(Line(filterNode), "'filter' must be a map");
            result.Filters.Add(new SigmaFilter
            {
                Id = id,
                Title = title,
                LogSource = logsource,
                Rules = StringList(fm, "rules"),
                Detection = ParseDetection(Without(fm, "rules"), Line(fm)),
                File = file,
                Line = line,
            });
            return;
        }

        SigmaCorrelation? correlation = null;
        SigmaDetection? detection = null;
        if (Child(doc, "correlation") is { } corr)
            correlation = ParseCorrelation(corr, doc);
        else if (Child(doc, "detection") is { } det)
        {
            if (det is not YamlMappingNode dm) throw new SigmaRuleException(Line(det), "'detection' must be a map");
            detection = ParseDetection(dm, KeyLine(doc, "detection"));
        }
        else throw new SigmaRuleException(line, "missing 'detection' (or 'correlation' / 'filter')");

        if (detection is not null && Child(doc, "logsource") is null)
            throw new SigmaRuleException(line, "missing 'logsource'");
        string? level = Scalar(doc, "level");
        if (level is not null && level.ToLowerInvariant() is not ("informational" or "low" or "medium" or "high" or "critical"))
            throw new SigmaRuleException(Line(Child(doc, "level")!), $"unknown level '{level}' (informational, low, medium, high or critical)");

        result.Rules.Add(new SigmaRule
        {
            Id = id,
            Title = title,
            Name = Scalar(doc, "name"),
            Status = Scalar(doc, "status")?.ToLowerInvariant(),
            Description = Scalar(doc, "description"),
            Level = level?.ToLowerInvariant(),
            Tags = StringList(doc, "tags"),
            LogSource = logsource,
            Detection = detection,
            Correlation = correlation,
            File = file,
            Line = line,
        });
    }

    private static SigmaLogSource ParseLogSource(YamlMappingNode doc)
    {
        if (Child(doc, "logsource") is not YamlMappingNode ls) return SigmaLogSource.Empty;
        return new SigmaLogSource(Scalar(ls, "product")?.ToLowerInvariant(), Scalar(ls, "category")?.ToLowerInvariant(),
            Scalar(ls, "service")?.ToLowerInvariant());
    }

    internal static SigmaDetection ParseDetection(YamlMappingNode det, int line)
    {
        var searches = new List<SigmaSearch>();
        YamlNode? conditionNode = null;
        foreach (var (k, v) in det.Children)
        {
            string key = ((YamlScalarNode)k).Value ?? "";
            if (key == "condition") { conditionNode = v; continue; }
            if (key == "timeframe") continue; // Sigma 1 aggregation window: meaningless without the obsolete pipe syntax
            searches.Add(ParseSearch(key, v));
        }
        if (conditionNode is null) throw new SigmaRuleException(line, "detection has no 'condition'");
        var texts = conditionNode switch
        {
            YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value) => new List<string> { s.Value! },
            YamlSequenceNode seq when seq.Children.Count > 0 => seq.Children.Select(c => (c as YamlScalarNode)?.Value
                ?? throw new SigmaRuleException(Line(c), "a condition list must hold strings")).ToList(),
            _ => throw new SigmaRuleException(Line(conditionNode), "'condition' must be a string or a list of strings"),
        };
        SigmaConditionNode? condition = null;
        foreach (var t in texts)
        {
            SigmaConditionNode node;
            try { node = SigmaConditionParser.Parse(t); }
            catch (FormatException e) { throw new SigmaRuleException(Line(conditionNode), "condition: " + e.Message); }
            condition = condition is null ? node : new SigmaOr(condition, node);
        }
        var names = searches.Select(s => s.Name).ToHashSet();
        CheckReferences(condition!, names, searches, Line(conditionNode));
        return new SigmaDetection
        {
            Searches = searches,
            Condition = condition!,
            ConditionText = string.Join(" | ", texts),
            Line = Line(conditionNode),
        };
    }

    private static void CheckReferences(SigmaConditionNode node, HashSet<string> names, List<SigmaSearch> searches, int line)
    {
        switch (node)
        {
            case SigmaAnd a: CheckReferences(a.Left, names, searches, line); CheckReferences(a.Right, names, searches, line); break;
            case SigmaOr o: CheckReferences(o.Left, names, searches, line); CheckReferences(o.Right, names, searches, line); break;
            case SigmaNot n: CheckReferences(n.Operand, names, searches, line); break;
            case SigmaSearchRef r when !names.Contains(r.Name):
                throw new SigmaRuleException(line, $"condition names '{r.Name}', which is not a search identifier of the detection");
            case SigmaOf of when !SigmaConditionParser.Expand(of.Pattern, names).Any():
                throw new SigmaRuleException(line, $"'{(of.All ? "all" : "1")} of {of.Pattern}' matches no search identifier");
        }
    }

    private static SigmaSearch ParseSearch(string name, YamlNode node)
    {
        var alternatives = new List<IReadOnlyList<SigmaFieldSpec>>();
        switch (node)
        {
            case YamlMappingNode map:
                alternatives.Add(ParseMap(map));
                break;
            case YamlSequenceNode seq:
                var keywords = new List<string?>();
                foreach (var item in seq.Children)
                {
                    if (item is YamlMappingNode m) alternatives.Add(ParseMap(m));
                    else if (item is YamlScalarNode s) keywords.Add(ScalarValue(s));
                    else throw new SigmaRuleException(Line(item), $"search '{name}': nested lists are not allowed");
                }
                if (keywords.Count > 0)
                {
                    if (keywords.Any(k => k is null)) throw new SigmaRuleException(Line(seq), $"search '{name}': null is not a keyword");
                    alternatives.Add([new SigmaFieldSpec { Field = null, Modifiers = [], Values = keywords, IsList = true, Line = Line(seq) }]);
                }
                break;
            case YamlScalarNode s when ScalarValue(s) is { } kw:
                alternatives.Add([new SigmaFieldSpec { Field = null, Modifiers = [], Values = [kw], Line = Line(s) }]);
                break;
            default:
                throw new SigmaRuleException(Line(node), $"search '{name}' is empty");
        }
        return new SigmaSearch { Name = name, Alternatives = alternatives, Line = Line(node) };
    }

    private static List<SigmaFieldSpec> ParseMap(YamlMappingNode map)
    {
        var specs = new List<SigmaFieldSpec>();
        foreach (var (k, v) in map.Children)
        {
            string key = ((YamlScalarNode)k).Value ?? "";
            var parts = key.Split('|');
            string? field = parts[0].Length == 0 ? null : parts[0];
            var mods = parts.Skip(1).Where(p => p.Length > 0).ToList();
            var values = new List<string?>();
            bool isList = false;
            switch (v)
            {
                case YamlScalarNode s: values.Add(ScalarValue(s)); break;
                case YamlSequenceNode seq:
                    isList = true;
                    foreach (var item in seq.Children)
                        values.Add(item is YamlScalarNode si ? ScalarValue(si)
                            : throw new SigmaRuleException(Line(item), $"'{key}': list items must be plain values"));
                    if (values.Count == 0) throw new SigmaRuleException(Line(v), $"'{key}' has an empty value list");
                    break;
                default:
                    throw new SigmaRuleException(Line(v), $"'{key}': a field takes a value or a list of values, not a map");
            }
            specs.Add(new SigmaFieldSpec { Field = field, Modifiers = mods, Values = values, IsList = isList, Line = Line(k) });
        }
        return specs;
    }

    private static SigmaCorrelation ParseCorrelation(YamlNode node, YamlMappingNode doc)
    {
        if (node is not YamlMappingNode c) throw new SigmaRuleException(Line(node), "'correlation' must be a map");
        string typeText = Scalar(c, "type") ?? throw new SigmaRuleException(Line(c), "correlation has no 'type'");
        var type = typeText.ToLowerInvariant() switch
        {
            "event_count" => SigmaCorrelationType.EventCount,
            "value_count" => SigmaCorrelationType.ValueCount,
            "temporal" => SigmaCorrelationType.Temporal,
            "temporal_ordered" => SigmaCorrelationType.TemporalOrdered,
            "value_sum" => SigmaCorrelationType.ValueSum,
            "value_avg" => SigmaCorrelationType.ValueAvg,
            "value_percentile" => SigmaCorrelationType.ValuePercentile,
            _ => throw new SigmaRuleException(Line(Child(c, "type")!), $"unknown correlation type '{typeText}'"),
        };
        var rules = StringList(c, "rules");
        if (rules.Count == 0) throw new SigmaRuleException(Line(c), "correlation has no 'rules'");
        string span = Scalar(c, "timespan") ?? Scalar(c, "timeframe") ?? throw new SigmaRuleException(Line(c), "correlation has no 'timespan'");
        var timespan = ParseTimespan(span) ?? throw new SigmaRuleException(Line(c), $"bad timespan '{span}' (a number and s, m, h or d, e.g. 90m)");

        var condition = new List<(SigmaCompare, double)>();
        string? field = Scalar(c, "field");
        if (Child(c, "condition") is { } condNode)
        {
            if (condNode is not YamlMappingNode cm) throw new SigmaRuleException(Line(condNode), "correlation condition must be a map like 'gte: 10'");
            foreach (var (k, v) in cm.Children)
            {
                string op = ((YamlScalarNode)k).Value ?? "";
                string val = (v as YamlScalarNode)?.Value ?? "";
                if (op == "field") { field = val; continue; }
                var cmp = op switch
                {
                    "gt" => SigmaCompare.Gt, "gte" => SigmaCompare.Gte, "lt" => SigmaCompare.Lt, "lte" => SigmaCompare.Lte,
                    "eq" => SigmaCompare.Eq, "neq" => SigmaCompare.Neq,
                    _ => throw new SigmaRuleException(Line(k), $"unknown correlation condition '{op}' (gt, gte, lt, lte, eq, neq)"),
                };
                if (!double.TryParse(val, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
                    throw new SigmaRuleException(Line(v), $"correlation condition '{op}' needs a number, got '{val}'");
                condition.Add((cmp, d));
            }
        }
        bool needsCondition = type is not (SigmaCorrelationType.Temporal or SigmaCorrelationType.TemporalOrdered);
        if (needsCondition && condition.Count == 0)
            throw new SigmaRuleException(Line(c), $"{typeText} correlation needs a 'condition'");
        if (type is SigmaCorrelationType.ValueCount or SigmaCorrelationType.ValueSum or SigmaCorrelationType.ValueAvg
                or SigmaCorrelationType.ValuePercentile && string.IsNullOrEmpty(field))
            throw new SigmaRuleException(Line(c), $"{typeText} correlation needs 'field' in its condition");

        var aliases = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.OrdinalIgnoreCase);
        if (Child(c, "aliases") is YamlMappingNode am)
            foreach (var (k, v) in am.Children)
            {
                if (v is not YamlMappingNode perRule) throw new SigmaRuleException(Line(v), "an alias maps rule names to field names");
                aliases[((YamlScalarNode)k).Value ?? ""] = perRule.Children.ToDictionary(
                    p => ((YamlScalarNode)p.Key).Value ?? "", p => (p.Value as YamlScalarNode)?.Value ?? "", StringComparer.OrdinalIgnoreCase);
            }

        string? generate = Scalar(c, "generate") ?? Scalar(doc, "generate");
        return new SigmaCorrelation
        {
            Type = type,
            Rules = rules,
            GroupBy = StringList(c, "group-by"),
            Timespan = timespan,
            Condition = condition,
            Field = field,
            Aliases = aliases,
            Generate = string.Equals(generate, "true", StringComparison.OrdinalIgnoreCase),
        };
    }

    public static TimeSpan? ParseTimespan(string s)
    {
        s = s.Trim();
        if (s.Length < 2 || !double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) || n <= 0) return null;
        return s[^1] switch
        {
            's' => TimeSpan.FromSeconds(n),
            'm' => TimeSpan.FromMinutes(n),
            'h' => TimeSpan.FromHours(n),
            'd' => TimeSpan.FromDays(n),
            'w' => TimeSpan.FromDays(7 * n),
            _ => null,
        };
    }

    // ---- YAML helpers ----

    private static int Line(YamlNode n) => (int)n.Start.Line;

    private static int KeyLine(YamlMappingNode map, string key) =>
        map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key) is { } k ? Line(k) : Line(map);

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static string? Scalar(YamlMappingNode map, string key) =>
        Child(map, key) is YamlScalarNode s && !string.IsNullOrEmpty(s.Value) ? s.Value : null;

    private static List<string> StringList(YamlMappingNode map, string key) => Child(map, key) switch
    {
        YamlScalarNode s when !string.IsNullOrEmpty(s.Value) => [s.Value!],
        YamlSequenceNode seq => seq.Children.OfType<YamlScalarNode>().Select(x => x.Value ?? "").Where(x => x.Length > 0).ToList(),
        _ => [],
    };

    /// <summary>A scalar's value; null for the YAML null (`null`, `~` or nothing, unquoted).</summary>
    private static string? ScalarValue(YamlScalarNode s)
    {
        if (s.Style is ScalarStyle.Plain or ScalarStyle.Any && (s.Value is null or "" or "null" or "Null" or "NULL" or "~"))
            return null;
        return s.Value ?? "";
    }

    private static YamlMappingNode Without(YamlMappingNode map, string key)
    {
        var copy = new YamlMappingNode();
        foreach (var (k, v) in map.Children)
            if (!(k is YamlScalarNode s && s.Value == key)) copy.Children.Add(k, v);
        return copy;
    }

    /// <summary>Deep merge for collections: maps merge key by key, anything else in <paramref name="over"/> replaces.</summary>
    private static YamlMappingNode Merge(YamlMappingNode baseMap, YamlMappingNode over)
    {
        var result = new YamlMappingNode();
        foreach (var (k, v) in baseMap.Children) result.Children.Add(k, v);
        foreach (var (k, v) in over.Children)
        {
            if (result.Children.TryGetValue(k, out var existing) && existing is YamlMappingNode em && v is YamlMappingNode vm)
                result.Children[k] = Merge(em, vm);
            else
                result.Children[k] = v;
        }
        return result;
    }
}
