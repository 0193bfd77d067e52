using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Reading.ReadingTestSupport;

namespace Hopwatch.Tests.Reading;

/// <summary>The OTRF Security-Datasets zips (flat NXLog JSON lines) read cleanly and normalise.</summary>
public class SecurityDatasetsTests
{
    /// <summary>
    /// Every zip: host zips (JSON lines, auditd) read with zero warnings; the network zips hold only
    /// packet captures, which are reported as not event logs and nothing else.
    /// </summary>
    [Fact]
    public void EverySecurityDatasetsZipReadsWithZeroWarnings()
    {
        var zips = Directory.EnumerateFiles(SharedData.SecurityDatasets, "*.zip", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        Assert.True(zips.Length >= 100, $"only {zips.Length} zips");
        var diag = new ReadDiagnostics();
        long events = 0;
        var formats = new HashSet<SourceFormat>();
        foreach (var e in EvidenceReader.Read(zips, new EvidenceReadOptions(), diag))
        {
            events++;
            formats.Add(e.Format);
        }
        var notPcap = diag.Warnings.Where(w => !w.Message.Contains("packet capture")).ToList();
        Assert.True(notPcap.Count == 0, string.Join("\n", notPcap.Take(20)));
        Assert.All(diag.Warnings, w => Assert.Contains("/network/", w.File.Replace('\\', '/')));
        Assert.Equal(diag.WarningCount, diag.UnrecognisedFileCount);
        Assert.True(events > 400_000, $"{events} events");
        Assert.Equal(new HashSet<SourceFormat> { SourceFormat.JsonFlat, SourceFormat.LinuxAudit }, formats);
    }

    [Fact]
    public void RdpLsassDumpDatasetReadsWithoutWarningsAndFindsLogons()
    {
        var zip = Path.Combine(SharedData.SecurityDatasets, "atomic", "windows", "credential_access", "host", "rdp_interactive_taskmanager_lsass_dump.zip");
        var (events, diag) = ReadPaths(zip);
        Assert.True(diag.WarningCount == 0, Warnings(diag));
        Assert.True(events.Count > 1000, $"only {events.Count} events");
        Assert.All(events, e => Assert.Equal(SourceFormat.JsonFlat, e.Format));
        Assert.All(events, e => Assert.StartsWith(zip + "!", e.File));
        // The first record of the file: 5158 on MORDORDC, EventTime 04:37:45 local = 08:37:45 UTC.
        var first = events[0];
        Assert.Equal(5158, first.EventId);
        Assert.Equal("Security", first.Channel);
        Assert.Equal("mordordc.theshire.local", first.Host);
        Assert.Equal("mordordc", first.HostShort);
        Assert.Equal(new DateTime(2020, 9, 22, 8, 37, 45, DateTimeKind.Utc), first.Time);
        Assert.Equal(2039973, first.RecordId);
        Assert.Equal(EventKind.NetworkBind, first.Kind);
        // The RDP session from 1.2.3.4 (robertos-mbp) as pgustavo, seen by three event types.
        var auth = Assert.Single(events, e => e.Kind == EventKind.RdpAuthSucceeded);
        Assert.Equal(("pgustavo", "theshire", "1.2.3.4"), (auth.UserName, auth.UserDomain, auth.SourceIp));
        Assert.Equal("workstation5.theshire.local", auth.Host);
        var reconnect = events.First(e => e.Kind == EventKind.RdpSessionReconnect && e.EventId == 4778);
        Assert.Equal(("pgustavo", "theshire", "1.2.3.4", "robertos-mbp", "0x10ac67", "RDP-Tcp#5"),
            (reconnect.UserName, reconnect.UserDomain, reconnect.SourceIp, reconnect.SourceHost, reconnect.LogonId, reconnect.SessionId));
        var unlock = events.Where(e => e.Kind == EventKind.Logon && e.LogonType == 7 && e.SourceIp == "1.2.3.4").ToList();
        Assert.Equal(2, unlock.Count);
        Assert.All(unlock, e => Assert.Equal("pgustavo", e.UserName));
    }
}
