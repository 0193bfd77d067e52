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
    /// <summary>Default naming and escaping, with this context ahead of Hopwatch's own metadata.</summary>
    public static readonly JsonSerializerOptions PlainOptions = new() { TypeInfoResolver = HopwatchJson.Resolver(Default) };
}
