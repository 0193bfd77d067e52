using Hopwatch.Events;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Reading.ReadingTestSupport;

namespace Hopwatch.Tests.Reading;

/// <summary>
/// One real network logon (record 563285 of LM_WMI_4624_4688_TargetHost.evtx: EXAMPLE\Administrator
/// from 10.0.2.17:49244 by Kerberos) written the way each vendor writes it (fixtures in Fixtures/,
/// made by hand from each vendor's schema) must give the same normalised event as the EVTX record.
/// </summary>
public class SameLogonAcrossFormatsTests
{
    private static readonly string Fixtures = Path.Combine(SharedData.RepoRoot, "tests", "Hopwatch.Tests", "Reading", "Fixtures");

    private static LogEvent FromEvtx()
    {
        var path = Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement", "LM_WMI_4624_4688_TargetHost.evtx");
        var (events, diag) = ReadPaths(path);
        Assert.Equal(0, diag.WarningCount);
        return Assert.Single(events, e => e.Fields.Get("EventRecordID") == "563285");
    }

    private static LogEvent FromFixture(string name, SourceFormat expected)
    {
        var (events, diag) = ReadPaths(Path.Combine(Fixtures, name));
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        var e = Assert.Single(events);
        Assert.Equal(expected, e.Format);
        return e;
    }

    [Fact]
    public void EvtxLogonHasTheExpectedNormalisedView()
    {
        var e = FromEvtx();
        Assert.Equal(EventKind.Logon, e.Kind);
        Assert.Equal(("win-77ltaphiq1r.example.corp", "win-77ltaphiq1r"), (e.Host, e.HostShort));
        Assert.Equal(("administrator", "example", "S-1-5-21-1587066498-1489273250-1035260531-500"), (e.UserName, e.UserDomain, e.UserSid));
        Assert.Equal(("10.0.2.17", (int?)49244, (string?)null), (e.SourceIp, e.SourcePort, e.SourceHost));
        Assert.Equal((3, "0x10fbcc", "Kerberos", "Kerberos"), (e.LogonType!.Value, e.LogonId, e.AuthPackage, e.LogonProcess));
        Assert.Equal("win-77ltaphiq1r.example.corp", e.DestinationHost);
        Assert.Null(e.SubjectUserName); // "-" is no value
        Assert.Null(e.ProcessImage);
    }

    [Theory]
    [InlineData("logon.flat.jsonl", SourceFormat.JsonFlat)]
    [InlineData("logon.ecs.json", SourceFormat.JsonEcs)]
    [InlineData("logon.sentinel.json", SourceFormat.JsonSentinel)]
    [InlineData("logon.xml", SourceFormat.WindowsXml)]
    public void WindowsShippersGiveTheSameNormalisedEventAsEvtx(string fixture, SourceFormat format)
    {
        var evtx = FromEvtx();
        var other = FromFixture(fixture, format);
        Assert.Equal(4624, other.EventId);
        Assert.Equal("Security", other.Channel);
        Assert.Equal(563285, other.RecordId);
        Assert.True(Math.Abs((other.Time - evtx.Time).TotalSeconds) < 1, $"{other.Time:O} vs {evtx.Time:O}");
        foreach (var p in typeof(LogEvent).GetProperties())
        {
            if (p.Name is "Fields" or "Time" or "Format" or "File" or "RecordId" or "Provider" or "Computer") continue;
            Assert.True(Equals(p.GetValue(evtx), p.GetValue(other)), $"{p.Name}: evtx '{p.GetValue(evtx)}' vs {fixture} '{p.GetValue(other)}'");
        }
        // Sigma rules written for Windows find the canonical names in every format.
        foreach (var name in new[] { "EventID", "Channel", "Computer", "TargetUserName", "IpAddress", "LogonType", "AuthenticationPackageName" })
            Assert.True(other.Fields.Contains(name), $"{fixture} lacks canonical field {name}");
    }

    [Fact]
    public void DefenderLogonRowGivesTheSameLogonFacts()
    {
        var evtx = FromEvtx();
        var d = FromFixture("logon.defender.csv", SourceFormat.JsonDefender);
        // Defender does not carry the logon process, key length or subject; the logon facts it has must agree.
        Assert.Equal(EventKind.Logon, d.Kind);
        Assert.Equal(4624, d.EventId);
        Assert.Equal("DeviceLogonEvents", d.Channel);
        Assert.Equal((evtx.Host, evtx.HostShort, evtx.DestinationHost), (d.Host, d.HostShort, d.DestinationHost));
        Assert.Equal((evtx.UserName, evtx.UserDomain, evtx.UserSid), (d.UserName, d.UserDomain, d.UserSid));
        Assert.Equal((evtx.SourceIp, evtx.SourcePort, evtx.SourceHost), (d.SourceIp, d.SourcePort, d.SourceHost));
        Assert.Equal((evtx.LogonType, evtx.LogonId, evtx.AuthPackage), (d.LogonType, d.LogonId, d.AuthPackage));
        Assert.Equal(evtx.Time, d.Time);
        Assert.Equal("10.0.2.17", d.Fields.Get("IpAddress"));
        Assert.Equal("10.0.2.17", d.Fields.Get("RemoteIP")); // the vendor's name stays too
    }
}
