using Hopwatch.Analytics;
using Hopwatch.Events;

namespace Hopwatch.Tests.Analytics;

public class HostileInputTests
{
    [Fact]
    public void EventsWithMissingOrMalformedFieldsNeverThrow()
    {
        var events = new List<LogEvent>();
        int i = 0;
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            var bare = Ev.Base(Ev.At(10, i++ * 0.1), "h" + (i % 3), kind, 1);
            bare.Host = null; bare.HostShort = null; bare.Computer = "";
            events.Add(bare);
            var odd = Ev.Base(Ev.At(10, i++ * 0.1), "h" + (i % 3), kind, 4624);
            odd.UserName = @"\\\@"; odd.SourceIp = "[::1"; odd.DestinationIp = "999.999.1.1:x"; odd.LogonId = "0x";
            odd.LogonType = -7; odd.ShareName = @"\\*\"; odd.RelativeTargetName = ""; odd.ServiceImage = "\""; odd.CommandLine = new string('A', 100_000);
            odd.ProcessImage = @"\\"; odd.ParentImage = ""; odd.SessionId = ""; odd.DestinationPort = 5900; odd.SourcePort = -1;
            odd.Fields.Add("Initiated", "maybe");
            odd.Fields.Add("TargetObject", @"\services\ImagePath");
            events.Add(odd);
        }
        var (alerts, _) = Ev.Run(events);
        foreach (var a in alerts) Assert.True(a.Description.Length < 20_000, a.Analytic + " description unbounded");
    }

    [Fact]
    public void FloodOfDistinctValuesKeepsAlertsBounded()
    {
        var events = new List<LogEvent>();
        for (int i = 0; i < 5000; i++)
            events.Add(Ev.Share(Ev.At(12, i * 0.001), "srv1", "x", "10.30.0.1", "ADMIN$", $"dir{i}\\{new string('p', 400)}{i}.exe"));
        events.Add(Ev.Service(Ev.At(12, 6), "srv1", "evil", "cmd.exe /c " + new string('q', 5000)));
        var (alerts, _) = Ev.Run(events);
        var a = Assert.Single(alerts, x => x.Analytic == "admin-share-exec");
        Assert.True(a.Evidence.Count <= AlertDraft.MaxEvidence);
        Assert.True(((List<string>)a.Details!["signals"]!).Count <= 64);
        Assert.True(a.Description.Length < 40_000, "description length " + a.Description.Length);
    }
}
