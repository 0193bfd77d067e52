using System.Text.Json;
using Hopwatch.Events;
using Hopwatch.Reporting;

namespace Hopwatch.Tests.Reporting;

public class AlertJsonWriterTests
{
    private static Alert Sample() => new()
    {
        Id = "x",
        Analytic = "sigma",
        RuleId = "r-1",
        Title = "<script>alert(1)</script>",
        Severity = Severity.High,
        Techniques = { "T1021.001" },
        TimeFirst = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc),
        TimeLast = new DateTime(2024, 1, 2, 3, 4, 6, DateTimeKind.Utc),
        Entities = { Users = { "alice" }, TargetHosts = { "dc01" } },
        Evidence = { new AlertEvidence { File = "a.evtx", RecordId = 7, Host = "DC01", Channel = "Security", EventId = 4624 } },
        Description = "d",
    };

    [Fact]
    public void WritesOneContractObjectPerLine()
    {
        var sw = new StringWriter();
        using (var w = new AlertJsonWriter(sw)) { w.Write(Sample()); w.Write(Sample()); }
        var lines = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        var root = doc.RootElement;
        foreach (var name in new[] { "id", "analytic", "rule_id", "title", "severity", "techniques", "time_first", "time_last", "entities", "evidence", "description" })
            Assert.True(root.TryGetProperty(name, out _), name);
        Assert.Equal("high", root.GetProperty("severity").GetString());
        Assert.Equal("2024-01-02T03:04:05.0000000Z", root.GetProperty("time_first").GetString());
        var ent = root.GetProperty("entities");
        foreach (var name in new[] { "users", "source_hosts", "source_ips", "target_hosts" })
            Assert.Equal(JsonValueKind.Array, ent.GetProperty(name).ValueKind);
        var ev = root.GetProperty("evidence")[0];
        Assert.Equal(7, ev.GetProperty("record_id").GetInt64());
        Assert.Equal(4624, ev.GetProperty("event_id").GetInt32());
    }

    [Fact]
    public void HtmlSignificantCharactersAreEscapedOnTheWire()
    {
        var sw = new StringWriter();
        using (var w = new AlertJsonWriter(sw)) w.Write(Sample());
        Assert.DoesNotContain("<script>", sw.ToString());
        using var doc = JsonDocument.Parse(sw.ToString());
        Assert.Equal("<script>alert(1)</script>", doc.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public void AlertIdsAreDeterministicAndEvidenceSensitive()
    {
        var a = Sample();
        string id1 = AlertIds.For("sigma", "r-1", a.Evidence);
        string id2 = AlertIds.For("sigma", "r-1", Sample().Evidence);
        Assert.Equal(id1, id2);
        a.Evidence[0].RecordId = 8;
        Assert.NotEqual(id1, AlertIds.For("sigma", "r-1", a.Evidence));
        Assert.Equal(32, id1.Length);
    }
}
