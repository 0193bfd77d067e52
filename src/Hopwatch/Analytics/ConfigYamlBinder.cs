using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Hopwatch.Analytics;

/// <summary>
/// Fills a configuration object from YAML: snake_case keys onto the public settable properties of the
/// object, sections onto the nested objects it already holds. Keys the YAML leaves out keep the values
/// the object was made with; an unknown key or a value of the wrong type is an error naming the line.
/// Works on the YAML node tree rather than YamlDotNet's object deserializer, which creates objects and
/// generic lists by reflection that a native (AOT) build cannot do. Callers keep the properties of their
/// config types in trimmed builds with <see cref="DynamicDependencyAttribute"/>.
/// </summary>
internal static class ConfigYamlBinder
{
    /// <summary>Parses <paramref name="yaml"/> (one document; empty = no changes) onto <paramref name="target"/>.</summary>
    public static void Bind(string yaml, object target, string displayName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new AnalyticsConfigException($"{displayName}: line {e.Start.Line}: {e.Message}");
        }
        if (stream.Documents.Count == 0) return;
        var root = stream.Documents[0].RootNode;
        if (IsNull(root)) return;
        if (root is not YamlMappingNode map)
            throw Error(displayName, root, "expected a mapping of keys at the top level");
        BindMapping(map, target, "", displayName);
    }

    [UnconditionalSuppressMessage("Trimming", "IL2072",
        Justification = "Callers keep the properties of their config types with [DynamicDependency].")]
    private static void BindMapping(YamlMappingNode map, object target, string path, string displayName)
    {
        var type = target.GetType();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            string key = keyNode is YamlScalarNode k ? k.Value ?? "" : "";
            string keyPath = path.Length == 0 ? key : path + "." + key;
            var property = FindProperty(type, key);
            if (property is null)
                throw Error(displayName, keyNode, $"unknown key '{keyPath}'");
            var current = property.GetValue(target);
            var value = ConvertValue(valueNode, property.PropertyType, current, keyPath, displayName);
            if (value is not null) property.SetValue(target, value);
        }
    }

    private static PropertyInfo? FindProperty(
        [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] Type type, string key)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (p.CanWrite && p.GetIndexParameters().Length == 0 && SnakeCase(p.Name) == key)
                return p;
        return null;
    }

    /// <summary>
    /// The value for a property of <paramref name="type"/>; null means "leave the property as it is":
    /// a YAML null keeps the defaults of a section or list.
    /// </summary>
    private static object? ConvertValue(YamlNode node, Type type, object? current, string keyPath, string displayName)
    {
        if (type == typeof(string)) return Scalar(node, keyPath, displayName);
        if (type == typeof(int)) return ParseScalar(node, keyPath, displayName, "a whole number",
            s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);
        if (type == typeof(double)) return ParseScalar(node, keyPath, displayName, "a number",
            s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null);
        if (type == typeof(bool)) return ParseScalar(node, keyPath, displayName, "true or false", ParseBool);
        if (type == typeof(List<string>))
            return IsNull(node) ? null : Sequence(node, keyPath, displayName).Select(n => Scalar(n, keyPath, displayName) ?? "").ToList();
        if (type == typeof(List<int>))
            return IsNull(node) ? new List<int>() : Sequence(node, keyPath, displayName)
                .Select(n => (int)ConvertValue(n, typeof(int), null, keyPath, displayName)!).ToList();
        if (current is not null && type.IsClass)
        {
            if (IsNull(node)) return null;
            if (node is not YamlMappingNode section)
                throw Error(displayName, node, $"'{keyPath}' is a section: expected keys under it");
            BindMapping(section, current, keyPath, displayName);
            return current;
        }
        // A programmer error: a config property of a type this binder was not taught.
        throw new NotSupportedException($"config property '{keyPath}' has unsupported type {type.Name}");
    }

    private static string? Scalar(YamlNode node, string keyPath, string displayName)
    {
        if (node is not YamlScalarNode s)
            throw Error(displayName, node, $"'{keyPath}' expects a single value");
        return IsNull(s) ? null : s.Value;
    }

    private static object ParseScalar(YamlNode node, string keyPath, string displayName, string what, Func<string, object?> parse)
    {
        var text = Scalar(node, keyPath, displayName);
        return (text is null ? null : parse(text.Trim()))
            ?? throw Error(displayName, node, $"'{keyPath}' expects {what} (got '{text}')");
    }

    private static object? ParseBool(string s) => s.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => null,
    };

    private static IEnumerable<YamlNode> Sequence(YamlNode node, string keyPath, string displayName) =>
        node as YamlSequenceNode ?? throw Error(displayName, node, $"'{keyPath}' expects a list, e.g. [a, b]");

    /// <summary>YAML null: `~`, `null` or nothing at all, when not quoted.</summary>
    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) } s
        && (string.IsNullOrEmpty(s.Value) || s.Value is "~" or "null" or "Null" or "NULL");

    private static AnalyticsConfigException Error(string displayName, YamlNode node, string message) =>
        new($"{displayName}: line {node.Start.Line}: {message}");

    /// <summary>`MaxHopGapMinutes` → `max_hop_gap_minutes` (the config file's key style).</summary>
    internal static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 8);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
