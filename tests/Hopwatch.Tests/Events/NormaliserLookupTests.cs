using System.Reflection;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Events;

/// <summary>
/// The normaliser looks fields up through a table per field layout (<see cref="NormaliserFields"/>) and keeps
/// split user names per value instance. Both must answer exactly what a plain lookup by name answers, on real
/// events of every shape the shared data has (EVTX templates, JSON exports), including after other layouts
/// have taken the table slots.
/// </summary>
public class NormaliserLookupTests
{
    private static readonly CanonicalName[] AllNames = typeof(NormaliserNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(CanonicalName))
        .Select(f => (CanonicalName)f.GetValue(null)!)
        .ToArray();

    private static List<LogEvent> Read(params string[] paths)
        => EvidenceReader.Read(paths, new EvidenceReadOptions { Normalise = false, Threads = 1 }, new ReadDiagnostics()).ToList();

    [Fact]
    public void EveryNameHasItsOwnSlotWithinTheTable()
    {
        Assert.True(AllNames.Length > 90);
        Assert.Equal(AllNames.Length, AllNames.Select(n => n.Id).Distinct().Count());
        Assert.All(AllNames, n => Assert.InRange(n.Id, 0, NormaliserNames.Count - 1));
    }

    [Fact]
    public void LayoutLookupsAnswerWhatLookupsByNameAnswer()
    {
        var events = Read(Path.Combine(SharedData.Evtx, "parser-edge-cases"), Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement"));
        events.AddRange(Read(Path.Combine(SharedData.SecurityDatasets, "atomic", "windows", "credential_access", "host", "rdp_interactive_taskmanager_lsass_dump.zip")));
        Assert.True(events.Count > 5000);
        int shared = 0;
        // Twice: the second pass finds the tables the first one filled (and evicted).
        for (int pass = 0; pass < 2; pass++)
            foreach (var e in events)
            {
                var view = new NormaliserFields(e.Fields);
                if (e.Fields.SharedNames is not null) shared++;
                foreach (var n in AllNames)
                {
                    Assert.Equal(e.Fields.Get(n.Name), view.Get(n));
                    Assert.Equal(e.Fields.Contains(n.Name), view.Contains(n));
                }
            }
        Assert.True(shared > events.Count, "EVTX events share their layout's names array");
    }

    [Fact]
    public void FieldsBuiltByHandAreLookedUpByName()
    {
        var f = new EventFields(8);
        f.Add("targetusername", "alice");
        f.Add(FieldMap.IpAddress, "10.0.0.5");
        Assert.Null(f.SharedNames); // not full: it may still grow in place
        var view = new NormaliserFields(f);
        Assert.Equal("alice", view.Get(NormaliserNames.TargetUserName));
        Assert.Equal("10.0.0.5", view.Get(NormaliserNames.IpAddress));
        Assert.Null(view.Get(NormaliserNames.WorkstationName));
    }

    [Fact]
    public void EvtxFieldNamesAreTheCanonicalInstances()
    {
        // The normaliser's names are pooled as FieldMap's constants (the literals), so lookups by them match by reference.
        var events = Read(Path.Combine(SharedData.Evtx, "parser-edge-cases", "security.evtx"));
        var logon = events.First(e => e.EventId == 4624);
        int i = logon.Fields.IndexOf(FieldMap.TargetUserName);
        Assert.True(i >= 0);
        Assert.Same(FieldMap.TargetUserName, logon.Fields.NameAt(i));
        Assert.Same(FieldMap.IpAddress, logon.Fields.NameAt(logon.Fields.IndexOf(FieldMap.IpAddress)));
        Assert.Same(FieldMap.LogonType, logon.Fields.NameAt(logon.Fields.IndexOf(FieldMap.LogonType)));
    }

    [Fact]
    public void SplitUserGivesTheSameAnswerForARepeatedInstanceAsForFreshCopies()
    {
        string user = "CORP\\Alice", otherDomain = "Fabrikam";
        var first = Normaliser.SplitUser(user, null);
        Assert.Equal(("alice", "corp"), first);
        Assert.Equal(first, Normaliser.SplitUser(user, null));
        // The same user instance with a domain: the explicit domain wins, not the remembered answer.
        Assert.Equal(("alice", "fabrikam"), Normaliser.SplitUser(user, otherDomain));
        Assert.Equal(("alice", "corp"), Normaliser.SplitUser(user, null));
        Assert.Equal(("bob", "contoso.com"), Normaliser.SplitUser(new string("Bob@Contoso.com".AsSpan()), null));
        Assert.Equal((null, "corp"), Normaliser.SplitUser("-", "CORP"));
        Assert.Equal((null, null), Normaliser.SplitUser(null, null));
    }
}
