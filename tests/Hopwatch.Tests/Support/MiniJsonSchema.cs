using System.Text.Json;
using System.Text.RegularExpressions;

namespace Hopwatch.Tests.Support;

/// <summary>
/// A small JSON Schema validator for the subset docs/*.schema.json use: type (one or several),
/// required, properties, items, enum, pattern, minLength, minimum, maximum, minItems, maxItems,
/// format date-time and local $ref ("#/$defs/name"). Returns every violation with its JSON path.
/// </summary>
public sealed class MiniJsonSchema
{
    private readonly JsonElement _root;

    public MiniJsonSchema(JsonElement root) => _root = root;

    public static MiniJsonSchema Load(string path) => new(JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone());

    public List<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(_root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement v, string path, List<string> errors)
    {
        if (schema.TryGetProperty("$ref", out var r))
        {
            var name = r.GetString()!;
            if (!name.StartsWith("#/$defs/")) throw new NotSupportedException(name);
            Check(_root.GetProperty("$defs").GetProperty(name["#/$defs/".Length..]), v, path, errors);
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!types.Any(t => Is(t, v))) { errors.Add($"{path}: expected {string.Join("|", types)}, got {v.ValueKind}"); return; }
        }
        if (schema.TryGetProperty("enum", out var en) && !en.EnumerateArray().Any(x => JsonElement.DeepEquals(x, v)))
            errors.Add($"{path}: {v} not in enum");
        if (v.ValueKind == JsonValueKind.String)
        {
            var s = v.GetString()!;
            if (schema.TryGetProperty("pattern", out var p) && !Regex.IsMatch(s, p.GetString()!)) errors.Add($"{path}: '{s}' does not match {p.GetString()}");
            if (schema.TryGetProperty("minLength", out var ml) && s.Length < ml.GetInt32()) errors.Add($"{path}: shorter than {ml.GetInt32()}");
            if (schema.TryGetProperty("format", out var f) && f.GetString() == "date-time" && !DateTimeOffset.TryParse(s, out _)) errors.Add($"{path}: '{s}' is not a date-time");
        }
        if (v.ValueKind == JsonValueKind.Number)
        {
            var d = v.GetDouble();
            if (schema.TryGetProperty("minimum", out var mn) && d < mn.GetDouble()) errors.Add($"{path}: {d} < {mn.GetDouble()}");
            if (schema.TryGetProperty("maximum", out var mx) && d > mx.GetDouble()) errors.Add($"{path}: {d} > {mx.GetDouble()}");
        }
        if (v.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var req))
                foreach (var name in req.EnumerateArray().Select(x => x.GetString()!))
                    if (!v.TryGetProperty(name, out _)) errors.Add($"{path}: missing required '{name}'");
            if (schema.TryGetProperty("properties", out var props))
                foreach (var prop in props.EnumerateObject())
                    if (v.TryGetProperty(prop.Name, out var child)) Check(prop.Value, child, path + "." + prop.Name, errors);
        }
        if (v.ValueKind == JsonValueKind.Array)
        {
            int n = v.GetArrayLength();
            if (schema.TryGetProperty("minItems", out var mi) && n < mi.GetInt32()) errors.Add($"{path}: fewer than {mi.GetInt32()} items");
            if (schema.TryGetProperty("maxItems", out var ma) && n > ma.GetInt32()) errors.Add($"{path}: more than {ma.GetInt32()} items");
            if (schema.TryGetProperty("items", out var items))
            {
                int i = 0;
                foreach (var x in v.EnumerateArray()) Check(items, x, $"{path}[{i++}]", errors);
            }
        }
    }

    private static bool Is(string type, JsonElement v) => type switch
    {
        "object" => v.ValueKind == JsonValueKind.Object,
        "array" => v.ValueKind == JsonValueKind.Array,
        "string" => v.ValueKind == JsonValueKind.String,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
        "number" => v.ValueKind == JsonValueKind.Number,
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => v.ValueKind == JsonValueKind.Null,
        _ => throw new NotSupportedException(type),
    };
}
