using Hopwatch.Events;
using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

public class SigmaRuleIndexTests
{
    [Fact]
    public void RulesAreFiledUnderTheEventIdsTheirDetectionRequires()
    {
        var set = Load("""
            title: Network logon
            id: 44444444-0000-0000-0000-000000000003
            logsource:
                product: windows
                service: security
            detection:
                selection:
                    EventID: 4624
                    LogonType: 3
                condition: selection
            ---
            title: Either id, or any event with a marker
            id: 44444444-0000-0000-0000-000000000004
            logsource:
                product: windows
                service: security
            detection:
                a:
                    EventID: [4625, 4771]
                b:
                    Marker: x
                condition: a or b
            """);
        Assert.Empty(set.Errors);
        var d = new SigmaDetector(set);
        var alerts = new List<Alert>();
        d.Process(Event("Security", 4625, ("LogonType", "3")), alerts.Add);
        Assert.Equal(1, d.Evaluations); // only the second rule: its 'or b' branch can match any id
        d.Process(Event("Security", 4624, ("LogonType", "3")), alerts.Add);
        Assert.Equal(3, d.Evaluations);
        Assert.Equal(["44444444-0000-0000-0000-000000000004", "44444444-0000-0000-0000-000000000003"], alerts.Select(a => a.RuleId));
        d.Process(Event("Security", 1, ("Marker", "x")), alerts.Add);
        Assert.Equal("44444444-0000-0000-0000-000000000004", alerts[^1].RuleId);
        Assert.Equal(3, alerts.Count);
    }
}
