using System.Text;
using Hopwatch.Events;
using Hopwatch.Service.Parsing;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Tests;

/// <summary>
/// The service's parser numbers every event by its own spool sequence (alert ids depend on it), so
/// a line the reader rejects costs that line only and shifts nothing after it; its caches carry
/// over between records without carrying a record layout over.
/// </summary>
public class EventParserTests
{
    private static string Logon(int record, string user, string ip) =>
        $"{{\"@timestamp\":\"2026-10-05T10:00:{record % 60:D2}.000Z\",\"Hostname\":\"SRV01.corp.local\",\"EventID\":4624,\"SourceName\":\"Microsoft-Windows-Security-Auditing\",\"RecordNumber\":{record},\"Channel\":\"Security\",\"TargetUserName\":\"{user}\",\"TargetDomainName\":\"CORP\",\"LogonType\":\"10\",\"IpAddress\":\"{ip}\",\"TargetLogonId\":\"0x{record:x}\"}}";

    private static SpoolRecord Record(long firstSeq, params string[] lines) => new()
    {
        FirstSeq = firstSeq, Count = lines.Length, AcceptedUnixMs = 1_790_000_000_000, Format = SpoolPayloadFormat.JsonLines,
        Source = "http:test", Lines = Encoding.UTF8.GetBytes(string.Join("\n", lines)),
    };

    [Fact]
    public void Events_are_numbered_by_their_spool_sequence_even_after_a_rejected_line()
    {
        var parser = new EvidenceReaderEventParser();
        var diag = new ReadDiagnostics();
        var events = new List<LogEvent>();
        // The middle line is JSON but no event (no EventID, no time): the reader warns and skips it.
        parser.Parse(Record(500, Logon(1, "Alice", "10.0.0.5"), "{\"hello\":\"world\"}", Logon(3, "Bob", "10.0.0.6")), diag, events);
        Assert.Equal(1, diag.WarningCount);
        Assert.Equal([500L, 502L], events.Select(e => e.RecordId));
        Assert.All(events, e => Assert.Equal("http:test", e.File));
        Assert.Equal(["alice", "bob"], events.Select(e => e.UserName));
        Assert.Equal(["10.0.0.5", "10.0.0.6"], events.Select(e => e.SourceIp));
        Assert.All(events, e => Assert.Equal(EventKind.Logon, e.Kind));
        Assert.All(events, e => Assert.Equal(10, e.LogonType));
        Assert.Equal(new DateTime(2026, 10, 5, 10, 0, 1, DateTimeKind.Utc), events[0].Time);
    }

    [Fact]
    public void A_later_record_of_another_layout_is_read_as_that_layout()
    {
        var parser = new EvidenceReaderEventParser();
        var diag = new ReadDiagnostics();
        var events = new List<LogEvent>();
        parser.Parse(Record(1, Logon(1, "alice", "10.0.0.5")), diag, events);
        // Winlogbeat/ECS: nothing at top level says EventID; the layout must be decided again.
        var ecs = "{\"@timestamp\":\"2026-10-05T10:01:00.000Z\",\"host\":{\"name\":\"ws02.corp.local\"},\"event\":{\"code\":\"4624\"},\"winlog\":{\"channel\":\"Security\",\"computer_name\":\"WS02.corp.local\",\"event_id\":\"4624\",\"provider_name\":\"Microsoft-Windows-Security-Auditing\",\"event_data\":{\"TargetUserName\":\"carol\",\"LogonType\":\"3\",\"IpAddress\":\"10.0.0.7\"}}}";
        parser.Parse(Record(2, ecs), diag, events);
        Assert.Equal(0, diag.WarningCount);
        Assert.Equal(2, events.Count);
        Assert.Equal(SourceFormat.JsonEcs, events[1].Format);
        Assert.Equal("carol", events[1].UserName);
        Assert.Equal("10.0.0.7", events[1].SourceIp);
        Assert.Equal(2L, events[1].RecordId);
    }
}
