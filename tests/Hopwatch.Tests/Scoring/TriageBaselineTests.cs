using Hopwatch.Events;
using Hopwatch.Scoring;

namespace Hopwatch.Tests.Scoring;

public class TriageBaselineTests
{
    private static readonly DateTime T = new(2024, 6, 1, 9, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void CountsUsualSourcesAndHoursOnEarlierDaysOnly()
    {
        var s = new Scenario();
        for (int d = 1; d <= 3; d++) s.Logon(T.AddDays(-d), "srv1", "CORP\\Alice", "WS-01.corp.local", "10.0.0.1", 10);
        s.Logon(T, "srv1", "alice", "ws-01", null, 10);
        var b = s.Baseline();
        Assert.Equal(3, b.SourceDaysBefore("alice", "ws-01", T));
        Assert.Equal(3, b.SourceDaysBefore("alice", "10.0.0.1", T));
        Assert.Equal(0, b.SourceDaysBefore("alice", "ws-01", T.AddDays(-3)));
        Assert.Equal(3, b.HourDaysBefore("alice", 10, T)); // ±1 hour of 09:00
        Assert.Equal(0, b.HourDaysBefore("alice", 3, T));
        var access = b.Access("SRV1.corp.local", "alice")!;
        Assert.Equal(T.AddDays(-3), access.FirstSuccess);
        Assert.Equal(4, access.Count);
        Assert.Equal(1 << 10, access.LogonTypeMask);
        Assert.Equal("CORP", b.DomainOf("alice"));
    }

    [Fact]
    public void KeepsOnlyRemoteExecutionProcessStarts()
    {
        var s = new Scenario();
        var logon = s.Logon(T, "srv1", "bob", "ws-02", null, 3);
        s.ProcessStart(T.AddMinutes(1), "srv1", "bob", @"C:\Windows\System32\cmd.exe", "cmd /c whoami", @"C:\Windows\explorer.exe", logon.LogonId);
        s.ProcessStart(T.AddMinutes(2), "srv1", "carol", @"C:\Windows\System32\notepad.exe", "notepad", @"C:\Windows\explorer.exe", "0xdead");
        s.ProcessStart(T.AddMinutes(3), "srv1", null!, @"C:\Windows\System32\cmd.exe", "cmd /c net user", @"C:\Windows\System32\wsmprovhost.exe");
        var facts = s.Baseline().ActivityOn("srv1").ToList();
        Assert.Equal(2, facts.Count);
        Assert.Equal("bob", facts[0].User);
        Assert.Contains("whoami", facts[0].Detail);
        Assert.StartsWith("wsmprovhost.exe → ", facts[1].Detail);
    }

    [Fact]
    public void FailureListsAreBounded()
    {
        var s = new Scenario();
        for (int i = 0; i < TriageBaseline.MaxFailuresPerKey + 50; i++) s.Failure(T.AddSeconds(i), "srv1", "eve", "ws-666", null);
        var b = s.Baseline();
        var kept = b.FailuresForUser("eve").ToList();
        Assert.Equal(TriageBaseline.MaxFailuresPerKey, kept.Count);
        Assert.Equal(T.AddSeconds(TriageBaseline.MaxFailuresPerKey + 49), kept[^1].Time); // the most recent are kept
    }

    [Fact]
    public void ShareWritesNeedAWriteAccess()
    {
        var s = new Scenario();
        var read = s.Event(T, "srv1", 5145, "Security", EventKind.ShareAccess);
        read.ShareName = @"\\*\C$"; read.RelativeTargetName = "readme.txt"; read.AccessMask = "0x1"; read.UserName = "bob";
        var write = s.Event(T, "srv1", 5145, "Security", EventKind.ShareAccess);
        write.ShareName = @"\\*\ADMIN$"; write.RelativeTargetName = "PSEXESVC.exe"; write.AccessMask = "0x2"; write.UserName = "bob";
        var facts = s.Baseline().ActivityOn("srv1").ToList();
        var f = Assert.Single(facts);
        Assert.Equal("share write", f.Kind);
        Assert.Contains("PSEXESVC.exe", f.Detail);
    }

    [Fact]
    public void RolesComeFromTheLookupByShortName()
    {
        var b = new TriageBaseline(h => h == "jump01" ? "jump host" : null);
        Assert.Equal("jump host", b.RoleOf("JUMP01.corp.local"));
        Assert.Null(b.RoleOf("ws-01"));
        Assert.Null(new TriageBaseline().RoleOf("jump01"));
    }
}

public class RiskScoreTests
{
    [Theory]
    [InlineData(-40, 0)]
    [InlineData(0, 0)]
    [InlineData(10, 15)]
    [InlineData(60, 63)]
    [InlineData(150, 92)]
    [InlineData(1000, 100)]
    public void PointsMapToZeroToHundredWithDiminishingReturns(int points, int score) =>
        Assert.Equal(score, IncidentAnalysis.RiskScoreOf(points));
}

public class NamesTests
{
    [Theory]
    [InlineData("WS-01.corp.local", "ws-01")]
    [InlineData("\\\\FS01", "fs01")]
    [InlineData("10.0.0.5", "10.0.0.5")]
    [InlineData("fe80::1", "fe80::1")]
    [InlineData("-", null)]
    [InlineData("NULL", null)]
    [InlineData("127.0.0.1", null)]
    [InlineData("  ", null)]
    public void HostKeys(string raw, string? key) => Assert.Equal(key, Names.HostKey(raw));

    [Theory]
    [InlineData("CORP\\Alice", "alice")]
    [InlineData("bob@corp.local", "bob")]
    [InlineData("WS01$", null)]
    [InlineData("NT AUTHORITY\\SYSTEM", null)]
    [InlineData("ANONYMOUS LOGON", null)]
    public void UserKeys(string raw, string? key) => Assert.Equal(key, Names.UserKey(raw));
}
