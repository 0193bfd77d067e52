using System.Buffers;
using System.Text;
using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading.Json;

/// <summary>
/// Flattens one JSON object into name→value fields with a forward-only <see cref="Utf8JsonReader"/>
/// (no DOM): nested keys are joined with '.', array elements repeat their array's name, numbers keep
/// their source text, null stays null. Names and short values go through caches.
/// </summary>
internal sealed class JsonFlattener
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
    };

    private readonly FieldNameCache _names;
    private readonly Utf8ValueCache _values;
    private byte[] _path = new byte[512];
    private readonly int[] _containerPathLen = new int[65];
    private readonly bool[] _containerIsArray = new bool[65];

    public JsonFlattener(FieldNameCache names, Utf8ValueCache values)
    {
        _names = names;
        _values = values;
    }

    /// <summary>Flattens <paramref name="json"/> (one object) into <paramref name="into"/>; throws <see cref="JsonException"/> when malformed.</summary>
    public void Flatten(ReadOnlySpan<byte> json, EventFields into)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonEventFormatException("not a JSON object");
        int depth = 0;
        _containerPathLen[0] = 0;
        _containerIsArray[0] = false;
        int pathLen = 0;       // path of the current container
        int valuePathLen = 0;  // path of the value about to come (container path + property name)
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName:
                {
                    int start = pathLen;
                    if (start > 0) Append(ref start, (byte)'.');
                    AppendName(ref reader, ref start);
                    valuePathLen = start;
                    break;
                }
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                {
                    int childPath = _containerIsArray[depth] ? pathLen : valuePathLen;
                    depth++;
                    _containerPathLen[depth] = pathLen; // to restore on end
                    _containerIsArray[depth] = reader.TokenType == JsonTokenType.StartArray;
                    pathLen = childPath;
                    break;
                }
                case JsonTokenType.EndObject:
                case JsonTokenType.EndArray:
                    if (depth == 0) goto done; // end of the root object
                    pathLen = _containerPathLen[depth];
                    depth--;
                    break;
                default:
                {
                    int nameLen = _containerIsArray[depth] ? pathLen : valuePathLen;
                    string name = _names.Get(_path.AsSpan(0, nameLen));
                    into.Add(name, ScalarValue(ref reader));
                    break;
                }
            }
        }
        throw new JsonEventFormatException("unexpected end of JSON object");
    done:
        if (reader.Read()) throw new JsonEventFormatException("text after the JSON object");
    }

    private string? ScalarValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                if (!reader.ValueIsEscaped && !reader.HasValueSequence) return _values.Get(reader.ValueSpan);
                return reader.GetString();
            case JsonTokenType.Number:
                return _values.Get(reader.ValueSpan);
            case JsonTokenType.True: return "true";
            case JsonTokenType.False: return "false";
            default: return null;
        }
    }

    private void AppendName(ref Utf8JsonReader reader, ref int at)
    {
        if (!reader.ValueIsEscaped)
        {
            var span = reader.ValueSpan;
            Ensure(at + span.Length);
            span.CopyTo(_path.AsSpan(at));
            at += span.Length;
            return;
        }
        int max = reader.ValueSpan.Length;
        Ensure(at + max);
        at += reader.CopyString(_path.AsSpan(at));
    }

    private void Append(ref int at, byte b)
    {
        Ensure(at + 1);
        _path[at++] = b;
    }

    private void Ensure(int size)
    {
        if (size > _path.Length) Array.Resize(ref _path, Math.Max(size, _path.Length * 2));
    }
}

/// <summary>A JSON value is well-formed but not an event (or not well-formed in a way we describe).</summary>
internal sealed class JsonEventFormatException(string message) : Exception(message);
