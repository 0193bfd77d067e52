using Hopwatch.Events;
using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>The detector's alerts (contract fields), the log-source pipeline and index, and meta-filters.</summary>
public class SigmaDetectorTests
{
    private const string PsExecRule = """
        title: PsExec Service Start
        id: 3ede524d-21cc-472d-a3ce-d21b568d8db7
        status: test
        description: Detects a PsExec service start
        level: high
        tags:
            - attack.execution
            - attack.t1569.002
            - attack.t1021.002
        logsource:
            category: process_creation
            product: windows
        detection:
            selection:
                Image|endswith: '\PSEXESVC.exe'
                ParentImage|endswith: '\services.exe'
            condition: selection
        """;

    [Fact]
    public void AlertFollowsTheContract()
    {
        var set = Load(PsExecRule);
        var e = Event(Sysmon, 1, ("Image", @"C:\Windows\PSEXESVC.exe"), ("ParentImage", @"C:\Windows\System32\services.exe"), ("User", "CORP\\admin"));
        e.UserName = "admin";
        e.SourceIp = "10.0.0.7";
        var alert = Assert.Single(Run(set, [e]));
        Assert.Equal("sigma", alert.Analytic);
        Assert.Equal("3ede524d-21cc-472d-a3ce-d21b568d8db7", alert.RuleId);
        Assert.Equal("PsExec Service Start", alert.Title);
        Assert.Equal(Severity.High, alert.Severity);
        Assert.Equal(["T1569.002", "T1021.002"], alert.Techniques);
        Assert.Equal(e.Time, alert.TimeFirst);
        Assert.Equal(e.Time, alert.TimeLast);
        Assert.Equal(["admin"], alert.Entities.Users);
        Assert.Equal(["10.0.0.7"], alert.Entities.SourceIps);
        Assert.Equal(["ws01.corp.local"], alert.Entities.TargetHosts);
        var ev = Assert.Single(alert.Evidence);
        Assert.Equal(e.RecordId, ev.RecordId);
        Assert.Equal(1, ev.EventId);
        Assert.Equal(AlertIds.For("sigma", alert.RuleId, alert.Evidence), alert.Id);
        Assert.Matches("^[0-9a-f]{32}$", alert.Id);
        Assert.Contains("PsExec Service Start", alert.Description);
        Assert.Contains(@"Image=C:\Windows\PSEXESVC.exe", alert.Description);
        Assert.Contains("ws01.corp.local", alert.Description);
    }

    [Fact]
    public void SameEventSameIdAcrossRuns()
    {
        var set = Load(PsExecRule);
        var e = Event(Sysmon, 1, ("Image", @"C:\Windows\PSEXESVC.exe"), ("ParentImage", @"C:\Windows\System32\services.exe"));
        Assert.Equal(Run(set, [e])[0].Id, Run(Load(PsExecRule), [e])[0].Id);
    }

    [Fact]
    public void ProcessCreationRunsOnSecurity4688WithMappedFields()
    {
        var set = Load(PsExecRule);
        var e = Event("Security", 4688, ("NewProcessName", @"C:\Windows\PSEXESVC.exe"), ("ParentProcessName", @"C:\Windows\System32\services.exe"));
        Assert.Single(Run(set, [e]));
    }

    [Fact]
    public void RuleDoesNotRunOnOtherChannelsOrEventIds()
    {
        var set = Load(PsExecRule);
        (string, string?)[] fields = [("Image", @"C:\Windows\PSEXESVC.exe"), ("ParentImage", @"C:\Windows\System32\services.exe")];
        Assert.Empty(Run(set, [Event(Sysmon, 3, fields)]));
        Assert.Empty(Run(set, [Event("Security", 4624, fields)]));
        Assert.Empty(Run(set, [Event("System", 1, fields)]));
        // Channel names are case-insensitive.
        Assert.Single(Run(set, [Event(Sysmon.ToUpperInvariant(), 1, fields)]));
    }

    [Fact]
    public void IndexTestsOnlyTheRulesOfTheEventsChannel()
    {
        var set = SigmaRuleSet.Load([Path.Combine(Support.SharedData.Sigma, "rules", "windows")]);
        var d = new SigmaDetector(set);
        d.Process(Event("Security", 4624, ("LogonType", "3")), _ => { });
        long forLogon = d.Evaluations;
        Assert.True(forLogon < 200, $"{forLogon} rules evaluated for a 4624");
        Assert.True(set.Rules.Count > 2000);
        d.Process(Event("Nonexistent/Channel", 1, ("A", "b")), _ => { });
        Assert.True(d.Evaluations - forLogon < 50);
    }

    [Fact]
    public void ServiceLogSourceMapsToItsChannel()
    {
        var set = Load("""
            title: Service installed
            id: 44444444-0000-0000-0000-000000000001
            logsource:
                product: windows
                service: system
            detection:
                selection:
                    Provider_Name: 'Service Control Manager'
                    EventID: 7045
                condition: selection
            """);
        Assert.Single(Run(set, [Event("System", 7045, ("Provider_Name", "Service Control Manager"))]));
        Assert.Empty(Run(set, [Event("Security", 7045, ("Provider_Name", "Service Control Manager"))]));
    }

    [Fact]
    public void RegistryAddUsesTheExtraCondition()
    {
        var set = Load("""
            title: Key created
            id: 44444444-0000-0000-0000-000000000002
            logsource:
                product: windows
                category: registry_add
            detection:
                selection:
                    TargetObject|contains: '\Run\'
                condition: selection
            """);
        Assert.Single(Run(set, [Event(Sysmon, 12, ("EventType", "CreateKey"), ("TargetObject", @"HKLM\x\Run\y"))]));
        Assert.Empty(Run(set, [Event(Sysmon, 12, ("EventType", "DeleteKey"), ("TargetObject", @"HKLM\x\Run\y"))]));
    }

    [Fact]
    public void EcsAndDefenderEventsFindFieldsUnderTheirOwnNames()
    {
        var set = Load(PsExecRule);
        var ecs = Event(Sysmon, 1, ("process.executable", @"C:\Windows\PSEXESVC.exe"), ("winlog.event_data.ParentImage", @"C:\Windows\System32\services.exe"));
        ecs.Format = SourceFormat.JsonEcs;
        Assert.Single(Run(set, [ecs]));
        var defender = Event(Sysmon, 1, ("FolderPath", @"C:\Windows\PSEXESVC.exe"), ("InitiatingProcessFolderPath", @"C:\Windows\System32\services.exe"));
        defender.Format = SourceFormat.JsonDefender;
        Assert.Single(Run(set, [defender]));
        defender.Format = SourceFormat.Evtx; // the aliases belong to their format only
        Assert.Empty(Run(set, [defender]));
    }

    [Fact]
    public void MetaFilterSuppressesNamedRule()
    {
        var filter = TempFile("""
            title: Filter admin jump host
            logsource:
                category: process_creation
                product: windows
            filter:
                rules:
                    - 3ede524d-21cc-472d-a3ce-d21b568d8db7
                selection:
                    Computer|startswith: 'jump'
                condition: selection
            """);
        var set = Load(PsExecRule, new SigmaOptions { FilterPaths = [filter] });
        Assert.Empty(set.Errors);
        Assert.Single(set.Filters);
        (string, string?)[] fields = [("Image", @"C:\Windows\PSEXESVC.exe"), ("ParentImage", @"C:\Windows\System32\services.exe")];
        var onJump = Event(Sysmon, 1, fields);
        onJump.Fields.Set("Computer", "jump01.corp.local");
        Assert.Empty(Run(set, [onJump]));
        Assert.Single(Run(set, [Event(Sysmon, 1, fields)]));
    }

    [Fact]
    public void MetaFilterForOtherLogSourceOrRuleDoesNotApply()
    {
        var filter = TempFile("""
            title: Filter for network events only
            logsource:
                category: network_connection
                product: windows
            filter:
                rules: []
                selection:
                    Image|endswith: 'PSEXESVC.exe'
                condition: selection
            ---
            title: Filter for another rule
            logsource:
                product: windows
            filter:
                rules: [00000000-0000-0000-0000-000000000000]
                selection:
                    Image|endswith: 'PSEXESVC.exe'
                condition: selection
            """);
        var set = Load(PsExecRule, new SigmaOptions { FilterPaths = [filter] });
        Assert.Equal(2, set.Filters.Count);
        Assert.Single(Run(set, [Event(Sysmon, 1, ("Image", @"C:\Windows\PSEXESVC.exe"), ("ParentImage", @"C:\Windows\System32\services.exe"))]));
    }

    [Fact]
    public void CustomPipelineReplacesTheBuiltIn()
    {
        var pipeline = TempFile("""
            logsources:
              - match: { product: windows, category: process_creation }
                channel: My/Channel
                eventid: 99
                fieldmap:
                  Image: Exe
            """);
        var set = Load(PsExecRule, new SigmaOptions { PipelinePath = pipeline });
        Assert.Empty(set.Errors);
        Assert.Single(Run(set, [Event("My/Channel", 99, ("Exe", @"C:\Windows\PSEXESVC.exe"), ("ParentImage", @"C:\Windows\System32\services.exe"))]));
        Assert.Empty(Run(set, [Event(Sysmon, 1, ("Image", @"C:\Windows\PSEXESVC.exe"), ("ParentImage", @"C:\Windows\System32\services.exe"))]));
    }

    [Fact]
    public void BuiltInPipelineCoversTheRegressionSuiteChannelMapping()
    {
        // tests/thor.yml in the snapshot maps categories to Sysmon event ids; the built-in pipeline must agree.
        var p = SigmaLogSourcePipeline.BuiltIn();
        var thor = File.ReadAllText(Path.Combine(Support.SharedData.Sigma, "tests", "thor.yml"));
        var found = System.Text.RegularExpressions.Regex.Matches(thor,
            @"category: (\w+)\s+product: windows\s+conditions:\s+EventID: (\d+)\s+(?:EventType: \w+\s+)?rewrite:\s+product: windows\s+service: sysmon");
        Assert.True(found.Count >= 30, $"{found.Count} Sysmon mappings found in thor.yml");
        foreach (System.Text.RegularExpressions.Match m in found)
        {
            var maps = p.MappingsFor(new SigmaLogSource("windows", m.Groups[1].Value, null));
            Assert.Contains(maps, x => x.Channels.Contains("Microsoft-Windows-Sysmon/Operational") && x.EventIds.Contains(int.Parse(m.Groups[2].Value)));
        }
    }
}
