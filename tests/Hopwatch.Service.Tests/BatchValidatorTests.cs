using System.Text;
using Hopwatch.Service.Ingest;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Tests;

public class BatchValidatorTests
{
    private static IngestBatch V(string body, bool text = false) => BatchValidator.Validate(Encoding.UTF8.GetBytes(body), text);

    [Fact]
    public void Json_lines_keep_one_event_per_line_and_skip_blank_lines()
    {
        var b = V("{\"a\":1}\r\n\n  {\"b\":{\"c\":[1,2]}}  \n");
        Assert.True(b.Ok);
        Assert.Equal(2, b.Count);
        Assert.Equal("{\"a\":1}\n{\"b\":{\"c\":[1,2]}}", Encoding.UTF8.GetString(b.Lines.Span));
    }

    [Fact]
    public void A_pretty_printed_array_becomes_one_line_per_element()
    {
        var b = V("[\n  {\"a\": \"x\\ny\"},\n  {\n    \"b\": 2\n  }\n]\n");
        Assert.True(b.Ok, b.Error);
        Assert.Equal(2, b.Count);
        var lines = Encoding.UTF8.GetString(b.Lines.Span).Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Equal("{\"a\": \"x\\ny\"}", lines[0]);
        Assert.Equal(2, System.Text.Json.JsonDocument.Parse(lines[1]).RootElement.GetProperty("b").GetInt32());
    }

    [Theory]
    [InlineData("{\"a\":1}\n{\"a\":2}\n{\"a\":\n{\"a\":4}", 3)]
    [InlineData("{\"a\":1}\n\n[1,2]", 3)]
    [InlineData("{\"a\":1} {\"a\":2}", 1)]
    [InlineData("{\"a\":1}\n\"just a string\"", 2)]
    [InlineData("[{\"a\":1},\n 42]", 2)]
    [InlineData("[{\"a\":1},\n{\"a\":2}", 2)]
    public void Malformed_input_is_refused_with_the_line_of_the_first_problem(string body, int line)
    {
        var b = V(body);
        Assert.False(b.Ok);
        Assert.Equal(line, b.ErrorLine);
        Assert.False(string.IsNullOrWhiteSpace(b.Error));
    }

    [Fact]
    public void Text_lines_are_taken_as_they_are()
    {
        var b = V("<38>Jan  5 10:00:00 web1 sshd[1]: Accepted password for bob from 10.0.0.5 port 4242 ssh2\n\nsecond line\n", text: true);
        Assert.True(b.Ok);
        Assert.Equal(SpoolPayloadFormat.TextLines, b.Format);
        Assert.Equal(2, b.Count);
    }
}
