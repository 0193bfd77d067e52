using System.Globalization;
using Hopwatch.Events;
using Hopwatch.Reading;

namespace Hopwatch.Tests.Reading;

/// <summary>
/// The hot-path shortcuts of the read stage give what the general code gives: timestamps read by
/// position equal the framework parser's result, and field lookups that skip scans still find
/// every name the case-insensitive scan finds.
/// </summary>
public class TimeAndFieldLookupTests
{
    [Theory]
    [InlineData("2026-10-05T01:49:42.645Z")]
    [InlineData("2026-10-05 01:49:42")]
    [InlineData("2026-10-05T01:49:42")]
    [InlineData("2026-10-05T01:49:42Z")]
    [InlineData("2024-02-29T23:59:59.1234567Z")]
    [InlineData("2019-03-18T22:15:49.5Z")]
    [InlineData("1999-12-31 00:00:00.000")]
    public void PositionalTimestampsEqualTheFrameworkParse(string text)
    {
        Assert.True(TimeParser.TryIso(text, out var fast));
        Assert.True(DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var framework));
        Assert.Equal(framework.Ticks, fast.Ticks);
        Assert.Equal(DateTimeKind.Utc, fast.Kind);
        Assert.True(TimeParser.TryParseUtc(text, out var viaParser));
        Assert.Equal(framework.Ticks, viaParser.Ticks);
    }

    [Theory]
    [InlineData("2026-10-05T01:49:42+02:00", "2026-10-04T23:49:42Z")]      // offsets go to the framework
    [InlineData("2026-10-05T01:49:42.123456789Z", "2026-10-05T01:49:42.1234567Z")] // 9 digits: cut to 7
    [InlineData(" 2026-10-05T01:49:42Z ", "2026-10-05T01:49:42Z")]
    public void ShapesThePositionalReaderLeavesStillParse(string text, string expectedUtc)
    {
        Assert.False(TimeParser.TryIso(text, out _));
        Assert.True(TimeParser.TryParseUtc(text, out var t));
        Assert.Equal(DateTime.Parse(expectedUtc, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal).Ticks, t.Ticks);
    }

    [Theory]
    [InlineData("2023-02-29T00:00:00Z")] // not a leap year
    [InlineData("2026-13-01T00:00:00Z")]
    [InlineData("2026-10-05T24:00:00Z")]
    [InlineData("2026-10-05T01:60:00Z")]
    [InlineData("2026-10-05T01:49:42.Z")]
    public void ImpossibleDatesAreNotReadByPosition(string text)
    {
        Assert.False(TimeParser.TryIso(text, out _));
        Assert.Equal(DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out _),
            TimeParser.TryParseUtc(text, out _));
    }

    [Fact]
    public void LookupsIgnoreCaseAndFindEveryNameHeld()
    {
        var names = new[] { "EventID", "Channel", "@timestamp", "TargetUserName", "x", "Ärger", "winlog.event_data.IpAddress", "ıd" };
        var f = new EventFields(4);
        foreach (var n in names) f.Add(n, "v-" + n);
        foreach (var n in names)
        {
            // Fresh instances (not the added references), upper and lower case.
            Assert.Equal("v-" + n, f.Get(new string(n.AsSpan())));
            Assert.Equal("v-" + n, f.Get(n.ToUpperInvariant()));
            Assert.Equal("v-" + n, f.Get(n.ToLowerInvariant()));
        }
        // Whatever the runtime's case folding says about a non-ASCII first letter, the shortcut agrees.
        Assert.Equal(string.Equals("ıd", "ID", StringComparison.OrdinalIgnoreCase) ? "v-ıd" : null, f.Get("ID"));
        Assert.Null(f.Get("TargetDomainName"));
        Assert.Null(f.Get("Event"));
        Assert.Null(f.Get(""));

        var copy = f.Copy();
        Assert.Equal("v-TargetUserName", copy.Get("targetusername"));
        f.Clear();
        Assert.Equal(0, f.Count);
        Assert.Null(f.Get("EventID"));
        Assert.Equal("v-EventID", copy.Get("eventid"));
    }

    [Fact]
    public void RecordsOfOneLayoutShareNamesButNotChanges()
    {
        var scratch = new EventFields(8);
        string[]? shared = null;
        scratch.Add("EventID", "4624");
        scratch.Add("Channel", "Security");
        var a = scratch.CopySharingNames(ref shared);
        scratch.Clear();
        scratch.Add("EventID", "4634");
        scratch.Add("Channel", "Security");
        var b = scratch.CopySharingNames(ref shared);
        Assert.Same(a.NameAt(0), b.NameAt(0));
        // Growing one record must not show in the other, nor in what later records share.
        a.Add("Extra", "x");
        a.Set("Channel", "System");
        Assert.Equal(2, b.Count);
        Assert.Null(b.Get("Extra"));
        Assert.Equal("Security", b.Get("Channel"));
        Assert.Equal("4634", b.Get("EventID"));
        Assert.Equal("x", a.Get("Extra"));
        Assert.Equal(2, shared!.Length);
        // A record of another layout gets its own names.
        scratch.Clear();
        scratch.Add("EventID", "1");
        scratch.Add("Image", "cmd.exe");
        var c = scratch.CopySharingNames(ref shared);
        Assert.Equal("cmd.exe", c.Get("image"));
        Assert.Equal("Security", b.Get("Channel"));
        // Clearing a record that shares its names leaves the others intact.
        b.Clear();
        Assert.Equal("4624", a.Get("EventID"));
        Assert.Equal("cmd.exe", c.Get("Image"));
    }

    [Fact]
    public void RememberedLookupsOnSharedNamesGiveTheScansAnswer()
    {
        // Many layouts (more than the per-thread memo has slots), each shared by several records, looked
        // up repeatedly with name instances the records do not hold, in both cases.
        var records = new List<(EventFields Fields, int Layout, int Record)>();
        var scratch = new EventFields(4);
        for (int layout = 0; layout < 3000; layout++)
        {
            string[]? shared = null;
            for (int r = 0; r < 3; r++)
            {
                scratch.Clear();
                scratch.Add(new string("EventID".AsSpan()), (layout * 10 + r).ToString());
                scratch.Add(new string(("Field" + layout).AsSpan()), "f" + layout);
                if (layout % 2 == 0) scratch.Add(new string("TargetUserName".AsSpan()), "user" + layout);
                records.Add((scratch.CopySharingNames(ref shared), layout, r));
            }
        }
        for (int pass = 0; pass < 2; pass++)
            foreach (var (f, layout, r) in records)
            {
                Assert.Equal("f" + layout, f.Get("Field" + layout));
                Assert.Equal("f" + layout, f.Get(("FIELD" + layout).ToUpperInvariant()));
                Assert.Equal(layout % 2 == 0 ? "user" + layout : null, f.Get("TargetUserName"));
                Assert.Equal(layout % 2 == 0 ? "user" + layout : null, f.Get("targetusername"));
                Assert.Equal((layout * 10 + r).ToString(), f.Get("eventid"));
                Assert.Null(f.Get("Field" + (layout + 1)));
            }
        // A full record that grows gets a new names array: the added name is found, the old answers still hold.
        var grown = records[0].Fields;
        Assert.Null(grown.Get("Extra"));
        grown.Add(new string("Extra".AsSpan()), "x");
        Assert.Equal("x", grown.Get("EXTRA"));
        Assert.Equal("f0", grown.Get("field0"));
        Assert.Null(records[1].Fields.Get("Extra"));
    }

    [Theory]
    [InlineData("0x3e7", "0x3e7")]
    [InlineData("0x3E7", "0x3e7")]
    [InlineData("0X0003e7", "0x3e7")]
    [InlineData("999", "0x3e7")]
    [InlineData("0x0", "0x0")]
    [InlineData("0x00", "0x0")]
    [InlineData("0xffffffffffffffff", "0xffffffffffffffff")]
    [InlineData("0xg1", "0xg1")]
    public void LogonIdsComeOutInOneSpelling(string raw, string expected)
    {
        var e = Logon(raw, "SRV01.Corp.Local");
        Normaliser.Normalise(e);
        Assert.Equal(expected, e.LogonId);
    }

    [Fact]
    public void HostNamesAreLowerCasedWhateverInstanceCarriesThem()
    {
        string computer = "SRV01.Corp.Local";
        var first = Logon("0x1", computer);
        var again = Logon("0x2", computer);
        var copy = Logon("0x3", new string(computer.AsSpan()));
        var other = Logon("0x4", "  \\WS-07.Corp.Local ");
        foreach (var e in new[] { first, again, copy, other }) Normaliser.Normalise(e);
        Assert.Equal(["srv01.corp.local", "srv01.corp.local", "srv01.corp.local", "ws-07.corp.local"], new[] { first, again, copy, other }.Select(e => e.Host));
        Assert.Equal(["srv01", "srv01", "srv01", "ws-07"], new[] { first, again, copy, other }.Select(e => e.HostShort));
        Assert.Equal("srv01.corp.local", first.SourceHost);
    }

    private static LogEvent Logon(string logonId, string computer)
    {
        var f = new EventFields();
        f.Add("TargetUserName", "alice");
        f.Add("TargetLogonId", logonId);
        f.Add("LogonType", "3");
        f.Add("WorkstationName", computer);
        return new LogEvent { EventId = 4624, Channel = "Security", Provider = "Microsoft-Windows-Security-Auditing", Computer = computer, Time = DateTime.UtcNow, Fields = f };
    }
}
