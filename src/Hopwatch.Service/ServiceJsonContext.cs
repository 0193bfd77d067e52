using System.Text.Json;
using System.Text.Json.Serialization;
using Hopwatch.Reporting;
using Hopwatch.Service.Store;

namespace Hopwatch.Service;

/// <summary>
/// Compile-time JSON metadata for the service's own serialised types (the native build has no
/// reflection-based serialiser; see <see cref="HopwatchJson"/>).
/// </summary>
[JsonSerializable(typeof(ServiceOptions))]
[JsonSerializable(typeof(List<TriageAnswer>))]
internal sealed partial class ServiceJsonContext : JsonSerializerContext
{
    private static JsonSerializerOptions? s_plain;

    /// <summary>Default naming and escaping, with this context ahead of Hopwatch's own metadata.</summary>
    /// <remarks>Made on first use, not in a field initialiser: the generated half of this class sets up
    /// <c>Default</c> in its own initialiser, and the order of initialisers across partial files is not defined.</remarks>
    public static JsonSerializerOptions PlainOptions => s_plain ??= new() { TypeInfoResolver = HopwatchJson.Resolver(Default) };
}
