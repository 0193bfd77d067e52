using Hopwatch.Events;
using Hopwatch.Pipeline;
using Hopwatch.Reading;
using Hopwatch.Reading.Evtx;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Pipeline;

/// <summary>
/// Reading only the events some detector wants (<see cref="EventInterest"/>): readers drop the others early
/// (EVTX records after their System element), and a hunt gives the same alerts and incidents as reading all.
/// </summary>
public sealed class WantedEventsTests
{
    private static readonly string LateralMovement = Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement");
    private static readonly string CredentialAccess = Path.Combine(SharedData.Evtx, "attack-samples", "Credential Access");
    private static readonly string PsexecZip = Path.Combine(SharedData.SecurityDatasets, "atomic", "windows", "credential_access", "host", "cmd_psexec_lsa_secrets_dump.zip");
    private static readonly string SecurityRules = Path.Combine(SharedData.Sigma, "rules", "windows", "builtin", "security");

    /// <summary>Security logons and Sysmon process starts only: most other records of the samples are dropped.</summary>
    private static bool Wanted(LogEvent e) =>
        (e.Channel == "Security" && e.EventId is 4624 or 4625) || (e.Channel == "Microsoft-Windows-Sysmon/Operational" && e.EventId == 1);

    private static string Describe(LogEvent e) =>
        $"{e.RecordId} {e.Time:O} {e.Channel}/{e.EventId} {e.Provider} {e.Computer} " +
        string.Join("|", Enumerable.Range(0, e.Fields.Count).Select(i => e.Fields.NameAt(i) + "=" + e.Fields.ValueAt(i)));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_evtx_read_with_an_interest_gives_exactly_the_wanted_events_of_a_full_read(int threads)
    {
        var files = Directory.GetFiles(LateralMovement, "*.evtx").Concat(Directory.GetFiles(CredentialAccess, "*.evtx")).Order(StringComparer.Ordinal).ToList();
        long kept = 0, dropped = 0;
        foreach (var f in files)
        {
            var allDiag = new ReadDiagnostics();
            var all = EvtxEventReader.ReadFile(f, allDiag, threads).ToList();
            var diag = new ReadDiagnostics();
            var calls = 0;
            var some = EvtxEventReader.ReadFile(f, diag, threads, interest: new EventInterest(e => { Interlocked.Increment(ref calls); return Wanted(e); })).ToList();
            Assert.Equal(all.Where(Wanted).Select(Describe), some.Select(Describe));
            Assert.Equal(allDiag.RecordCount, diag.RecordCount); // dropped records still count as read
            Assert.Equal(all.Count - some.Count, diag.SkippedRecordCount);
            Assert.Equal(0, allDiag.SkippedRecordCount);
            Assert.Equal(allDiag.WarningCount, diag.WarningCount);
            Assert.Equal(all.Count, calls); // asked once per record
            kept += some.Count;
            dropped += diag.SkippedRecordCount;
        }
        Assert.True(kept > 100 && dropped > 1000, $"the samples should hold both kinds: {kept} kept, {dropped} dropped");
    }

    [Fact]
    public void Other_formats_are_dropped_after_they_are_read_and_counted_the_same_way()
    {
        var opts = new EvidenceReadOptions { Threads = 1 };
        var allDiag = new ReadDiagnostics();
        var all = EvidenceReader.Read([PsexecZip], opts, allDiag).ToList();
        var diag = new ReadDiagnostics();
        var some = EvidenceReader.Read([PsexecZip], new EvidenceReadOptions { Threads = 1, Interest = new EventInterest(Wanted) }, diag).ToList();
        Assert.NotEqual(SourceFormat.Evtx, all[0].Format);
        Assert.Equal(all.Where(Wanted).Select(Describe), some.Select(Describe));
        Assert.True(some.Count > 0 && some.Count < all.Count, $"{some.Count} of {all.Count}");
        Assert.Equal(allDiag.RecordCount, diag.RecordCount);
        Assert.Equal(all.Count - some.Count, diag.SkippedRecordCount);
        Assert.All(some, e => Assert.NotEqual(EventKind.Other, e.Kind)); // still normalised
    }

    private static (HuntResult Result, string Alerts, string Incidents, string Timeline) Hunt(bool onlyWanted, bool analytics)
    {
        var dir = Directory.CreateTempSubdirectory("hopwatch-wanted-");
        try
        {
            var result = HuntRunner.Run(new HuntOptions
            {
                Inputs = [LateralMovement, PsexecZip],
                OutDir = dir.FullName,
                SigmaDirs = [SecurityRules],
                Analytics = analytics,
                Threads = 2,
                ReadOnlyWantedEvents = onlyWanted,
            });
            string Read(string name) => File.ReadAllText(Path.Combine(dir.FullName, name));
            return (result, Read("alerts.jsonl"), Read("incidents.jsonl"), Read("timeline.csv"));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_sigma_only_hunt_reads_fewer_events_and_finds_the_same_alerts_and_incidents()
    {
        var all = Hunt(onlyWanted: false, analytics: false);
        var wanted = Hunt(onlyWanted: true, analytics: false);
        Assert.Equal(0, all.Result.Diagnostics.SkippedRecordCount);
        // The Security rules leave Sysmon and the other logs to nobody but the triage facts (logons, process starts ...).
        Assert.True(wanted.Result.Diagnostics.SkippedRecordCount > 100, $"skipped {wanted.Result.Diagnostics.SkippedRecordCount}");
        Assert.Equal(all.Result.EventCount, wanted.Result.EventCount + wanted.Result.Diagnostics.SkippedRecordCount);
        Assert.Equal(all.Result.Diagnostics.RecordCount, wanted.Result.Diagnostics.RecordCount);
        Assert.True(all.Result.Alerts.Count > 10, $"expected alerts from the samples, got {all.Result.Alerts.Count}");
        Assert.Equal(all.Alerts, wanted.Alerts);
        Assert.Equal(all.Incidents, wanted.Incidents);
        Assert.Equal(all.Timeline, wanted.Timeline);
    }

    [Fact]
    public void With_the_analytics_every_event_is_read()
    {
        var hunt = Hunt(onlyWanted: true, analytics: true);
        Assert.Equal(0, hunt.Result.Diagnostics.SkippedRecordCount); // the analytics learn hosts and sessions from any event
        Assert.Equal(hunt.Result.Diagnostics.RecordCount, hunt.Result.EventCount);
    }
}
