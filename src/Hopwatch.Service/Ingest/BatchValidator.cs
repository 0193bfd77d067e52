using System.Buffers;
using System.Text.Json;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Ingest;

/// <summary>
/// Checks a posted body and turns it into one event per line for the spool. JSON bodies are either
/// JSON lines or one JSON array; every event must be a JSON object. A batch is all or nothing: the
/// first malformed line refuses the whole batch (reported with its line number) and nothing of it is
/// stored, so a client can fix and resend it without creating duplicates.
/// </summary>
public static class BatchValidator
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow };

    public static IngestBatch Validate(ReadOnlySpan<byte> body, bool textLines)
    {
        body = SkipBom(body);
        if (textLines) return SplitText(body);
        int first = 0;
        while (first < body.Length && IsWhite(body[first])) first++;
        if (first == body.Length) return new IngestBatch { Format = SpoolPayloadFormat.JsonLines, Lines = ReadOnlyMemory<byte>.Empty, Count = 0 };
        return body[first] == (byte)'[' ? FromArray(body) : FromLines(body);
    }

    private static IngestBatch FromLines(ReadOnlySpan<byte> body) =>
        CollectLines(body, SpoolPayloadFormat.JsonLines, CheckObject);

    private static IngestBatch FromArray(ReadOnlySpan<byte> body)
    {
        var output = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length, 16));
        int written = 0, count = 0;
        var reader = new Utf8JsonReader(body, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        try
        {
            reader.Read(); // '['
            while (true)
            {
                if (!reader.Read()) return Fail(output, LineOf(body, (int)reader.BytesConsumed), "unterminated JSON array");
                if (reader.TokenType == JsonTokenType.EndArray) break;
                int start = (int)reader.TokenStartIndex;
                if (reader.TokenType != JsonTokenType.StartObject)
                    return Fail(output, LineOf(body, start), $"array element {count + 1} is {Describe(reader.TokenType)}, not a JSON object");
                reader.Skip();
                int end = (int)reader.BytesConsumed;
                if (count > 0) output[written++] = (byte)'\n';
                // Line breaks between tokens are whitespace and JSON strings cannot hold raw ones,
                // so a pretty-printed element becomes one line by blanking them.
                foreach (byte b in body[start..end]) output[written++] = b is (byte)'\n' or (byte)'\r' ? (byte)' ' : b;
                count++;
            }
            if (reader.Read()) return Fail(output, LineOf(body, (int)reader.TokenStartIndex), "content after the closing ']' of the JSON array");
        }
        catch (JsonException e)
        {
            return Fail(output, (int)(e.LineNumber ?? 0) + 1, Clean(e.Message));
        }
        return new IngestBatch { Format = SpoolPayloadFormat.JsonLines, Lines = output.AsMemory(0, written), Count = count, Pooled = output };
    }

    private static IngestBatch SplitText(ReadOnlySpan<byte> body) =>
        CollectLines(body, SpoolPayloadFormat.TextLines, static line => line.IndexOf((byte)0) >= 0 ? "NUL byte in a text line" : null);

    /// <summary>
    /// The non-empty trimmed lines of <paramref name="body"/>, joined by '\n' into a pooled buffer;
    /// the first line <paramref name="check"/> rejects fails the whole batch with its line number.
    /// </summary>
    private static IngestBatch CollectLines(ReadOnlySpan<byte> body, SpoolPayloadFormat format, Func<ReadOnlySpan<byte>, string?> check)
    {
        var output = ArrayPool<byte>.Shared.Rent(Math.Max(body.Length, 16));
        int written = 0, count = 0, lineNo = 0, pos = 0;
        while (pos < body.Length)
        {
            int nl = body[pos..].IndexOf((byte)'\n');
            var line = nl < 0 ? body[pos..] : body.Slice(pos, nl);
            pos = nl < 0 ? body.Length : pos + nl + 1;
            lineNo++;
            line = Trim(line);
            if (line.IsEmpty) continue;
            var error = check(line);
            if (error is not null) return Fail(output, lineNo, error);
            if (count > 0) output[written++] = (byte)'\n';
            line.CopyTo(output.AsSpan(written));
            written += line.Length;
            count++;
        }
        return new IngestBatch { Format = format, Lines = output.AsMemory(0, written), Count = count, Pooled = output };
    }

    private static IngestBatch Fail(byte[] pooled, int line, string message)
    {
        ArrayPool<byte>.Shared.Return(pooled);
        return IngestBatch.Fail(line, message);
    }

    /// <summary>Null when the line is exactly one JSON object, else why not.</summary>
    private static string? CheckObject(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line, isFinalBlock: true, new JsonReaderState(ReaderOptions));
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject) return $"expected a JSON object, found {Describe(reader.TokenType)}";
            reader.Skip();
            if (reader.Read()) return $"content after the JSON object at column {reader.TokenStartIndex + 1}";
            return null;
        }
        catch (JsonException e)
        {
            return Clean(e.Message);
        }
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    // System.Text.Json messages quote the offending character; keep them but strip its own line/byte
    // suffix since the answer carries the batch line number.
    private static string Clean(string message)
    {
        int i = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return "malformed JSON: " + (i > 0 ? message[..i] : message).TrimEnd('.', ' ');
    }

    private static int LineOf(ReadOnlySpan<byte> body, int offset) => body[..Math.Min(offset, body.Length)].Count((byte)'\n') + 1;

    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
    {
        int a = 0, b = s.Length;
        while (a < b && IsWhite(s[a])) a++;
        while (b > a && IsWhite(s[b - 1])) b--;
        return s[a..b];
    }

    private static bool IsWhite(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    private static ReadOnlySpan<byte> SkipBom(ReadOnlySpan<byte> s) =>
        s.Length >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF ? s[3..] : s;
}
