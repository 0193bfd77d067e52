using System.Text.Encodings.Web;
using System.Text.Json;

namespace Hopwatch.Simulation.Writers;

/// <summary>A JSON-lines file written through one Utf8JsonWriter (one object per line).</summary>
internal sealed class JsonLineFile : IDisposable
{
    private static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true, // several root objects, one per line
    };

    private readonly FileStream _stream;
    public Utf8JsonWriter Json { get; }

    public JsonLineFile(string path)
    {
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        Json = new Utf8JsonWriter(_stream, Options);
    }

    public void EndLine()
    {
        Json.Flush();
        _stream.WriteByte((byte)'\n');
        Json.Reset(); // the next object is a new root, not a sibling needing a comma
    }

    public void Dispose()
    {
        Json.Dispose();
        _stream.Dispose();
    }
}
