using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hopwatch.Reporting;

/// <summary>
/// Where JSON metadata comes from: the generated <see cref="HopwatchJsonContext"/> first, and the
/// reflection-based resolver only where the runtime has one (JIT builds; the native build does not,
/// so there every serialised type must be in the context). Serialise through these helpers, which take
/// the metadata from the options, rather than the generic <see cref="JsonSerializer"/> overloads that
/// need reflection.
/// </summary>
public static class HopwatchJson
{
    /// <summary>The resolver for options Hopwatch creates; <paramref name="first"/> (another assembly's context) is asked before Hopwatch's own.</summary>
    public static IJsonTypeInfoResolver Resolver(IJsonTypeInfoResolver? first = null)
    {
        var resolvers = new List<IJsonTypeInfoResolver>(3);
        if (first is not null) resolvers.Add(first);
        resolvers.Add(HopwatchJsonContext.Default);
        if (JsonSerializer.IsReflectionEnabledByDefault) resolvers.Add(ReflectionResolver());
        return JsonTypeInfoResolver.Combine(resolvers.ToArray());
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Only used when the runtime allows reflection-based serialisation (IsReflectionEnabledByDefault).")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Only used when the runtime allows reflection-based serialisation (IsReflectionEnabledByDefault).")]
    private static IJsonTypeInfoResolver ReflectionResolver() => new DefaultJsonTypeInfoResolver();

    /// <summary>Plain options (default naming and escaping) with <see cref="Resolver"/>.</summary>
    public static readonly JsonSerializerOptions Plain = new() { TypeInfoResolver = Resolver() };

    public static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    public static string Serialize<T>(T value, JsonSerializerOptions options) => JsonSerializer.Serialize(value, Info<T>(options));

    public static T? Deserialize<T>(string json, JsonSerializerOptions options) => JsonSerializer.Deserialize(json, Info<T>(options));

    public static T? Deserialize<T>(Stream json, JsonSerializerOptions options) => JsonSerializer.Deserialize(json, Info<T>(options));

    /// <summary>A value of a type only known at run time; false when no metadata for it exists (native build, type not in the context).</summary>
    public static bool TrySerialize(Utf8JsonWriter w, object value, JsonSerializerOptions options)
    {
        if (!options.TryGetTypeInfo(value.GetType(), out var info)) return false;
        JsonSerializer.Serialize(w, value, info);
        return true;
    }
}
