using System.Text.Json.Serialization;
using Hopwatch.Events;
using Hopwatch.Simulation;

namespace Hopwatch.Reporting;

/// <summary>
/// Compile-time JSON metadata for the types Hopwatch serialises with <see cref="System.Text.Json.JsonSerializer"/>
/// (alerts, simulator truth files, and the value shapes alert details hold). The native build has no
/// reflection-based serialiser, so a type missing here cannot be written there: add it when a new
/// type goes through the serialiser.
/// </summary>
[JsonSerializable(typeof(Alert))]
[JsonSerializable(typeof(TruthFile))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(DateTime))]
[JsonSerializable(typeof(Severity))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(List<int>))]
[JsonSerializable(typeof(List<long>))]
[JsonSerializable(typeof(List<double>))]
[JsonSerializable(typeof(List<DateTime>))]
[JsonSerializable(typeof(List<object>))]
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, int>))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(Dictionary<string, double>))]
[JsonSerializable(typeof(List<Dictionary<string, object>>))]
internal sealed partial class HopwatchJsonContext : JsonSerializerContext;
