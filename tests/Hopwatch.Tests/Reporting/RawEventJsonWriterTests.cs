using System.Text;
using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Reporting;

namespace Hopwatch.Tests.Reporting;

/// <summary>The dump's hand-rolled JSON writer: what a standard JSON parser reads back is what was written.</summary>
public class RawEventJsonWriterTests
{
    [Theory]
    [InlineData("plain ascii")]
    [InlineData(@"C:\Windows\System32\cmd.exe /c ""echo hi""")]
    [InlineData("tab\there\r\nnew line, bell \u0007, unit separator \u001f and NUL \0 end")]
    [InlineData("non-ASCII: Ünïcödé – 日本語 – 🙂 after\\backslash")]
    [InlineData("\\")]
    [InlineData("\"")]
    [InlineData("")]
    public void Values_read_back_unchanged(string value)
    {
        var fields = new EventFields();
        fields.Add("Value", value);
        fields.Add("Second", value + value);
        var e = new LogEvent
        {
            File = "dir\\file \"q\".evtx", RecordId = 42, Time = new DateTime(2024, 2, 29, 23, 59, 58, DateTimeKind.Utc).AddTicks(1234567),
            EventId = 4624, Channel = "Security", Provider = "Microsoft-Windows-Security-Auditing", Computer = "HOST\u0001", Fields = fields,
        };
        var ms = new MemoryStream();
        using (var w = new RawEventJsonWriter(ms))
        {
            w.Write(e);
            w.Write(e);
        }
        var lines = Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal(lines[0], lines[1]);
        using var doc = JsonDocument.Parse(lines[0]);
        var r = doc.RootElement;
        Assert.Equal(42, r.GetProperty("record_id").GetInt64());
        Assert.Equal("2024-02-29T23:59:58.1234567Z", r.GetProperty("time").GetString());
        Assert.Equal("HOST\u0001", r.GetProperty("computer").GetString());
        Assert.Equal(e.File, r.GetProperty("file").GetString());
        Assert.Equal(value, r.GetProperty("data").GetProperty("Value").GetString());
        Assert.Equal(value + value, r.GetProperty("data").GetProperty("Second").GetString());
    }

    [Fact]
    public void A_lone_surrogate_becomes_the_replacement_character()
    {
        var fields = new EventFields();
        fields.Add("Value", "a\ud800b");
        var ms = new MemoryStream();
        using (var w = new RawEventJsonWriter(ms)) w.Write(new LogEvent { Fields = fields });
        using var doc = JsonDocument.Parse(ms.ToArray());
        Assert.Equal("a\ufffdb", doc.RootElement.GetProperty("data").GetProperty("Value").GetString());
    }

    [Fact]
    public void Each_record_names_its_own_file_when_files_change_in_length_and_back()
    {
        // The file's JSON literal is kept in one buffer reused file after file: a shorter name after a longer one
        // must not keep the longer one's tail, and a name seen before must be encoded anew when it comes back.
        string longName = new string('x', 600) + "\\\u00fc \"long\".evtx", shortName = "s.evtx";
        string[] files = [longName, shortName, "\u00e9\t.evtx", longName, shortName + "\u0001"];
        var ms = new MemoryStream();
        using (var w = new RawEventJsonWriter(ms))
        {
            foreach (var f in files)
            {
                w.Write(new LogEvent { File = f, RecordId = 1 });
                w.WriteRecord(2, default, 0, "\"c\""u8, "\"p\""u8, "\"h\""u8, f, ""u8);
            }
        }
        var lines = Encoding.UTF8.GetString(ms.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2 * files.Length, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            Assert.Equal(files[i / 2], doc.RootElement.GetProperty("file").GetString());
        }
    }
}
