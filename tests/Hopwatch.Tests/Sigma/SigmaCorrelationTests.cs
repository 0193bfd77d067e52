using Hopwatch.Events;
using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>Correlation rules: every type in the spec, group-by, timespan, aliases, chaining, generate.</summary>
public class SigmaCorrelationTests
{
    /// <summary>The spec's "Failed Logins Followed by Successful Login" example (chained: event_count inside temporal_ordered).</summary>
    public const string SpecExample = """
        title: Correlation - Multiple Failed Logins Followed by Successful Login
        id: b180ead8-d58f-40b2-ae54-c8940995b9b6
        status: experimental
        correlation:
            type: temporal_ordered
            rules:
                - multiple_failed_login
                - successful_login
            group-by:
                - User
            timespan: 10m
        level: high
        tags:
            - attack.t1110
        ---
        title: Multiple failed logons
        id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
        name: multiple_failed_login
        correlation:
            type: event_count
            rules:
                - failed_login
            group-by:
                - User
            timespan: 10m
            condition:
                gte: 10
        ---
        title: Single failed login
        id: 53ba33fd-3a50-4468-a5ef-c583635cfa92
        name: failed_login
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID:
                    - 529
                    - 4625
            condition: selection
        ---
        title: Successful login
        id: 4d0a2c83-c62c-4ed4-b475-c7e23a9269b8
        name: successful_login
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID:
                    - 528
                    - 4624
            condition: selection
        """;

    private static readonly DateTime T0 = new(2024, 5, 1, 10, 0, 0, DateTimeKind.Utc);

    private static LogEvent Sec(int id, int seconds, params (string, string?)[] fields) => Event("Security", id, T0.AddSeconds(seconds), fields);

    [Fact]
    public void SpecExampleFiresOnceForTenFailuresThenSuccessOfTheSameUser()
    {
        var set = Load(SpecExample);
        Assert.Empty(set.Errors);
        var events = new List<LogEvent>();
        for (int i = 0; i < 10; i++) events.Add(Sec(4625, i * 10, ("User", "bob")));
        for (int i = 0; i < 10; i++) events.Add(Sec(4625, i * 10, ("User", "carol"))); // carol never succeeds
        events.Add(Sec(4624, 200, ("User", "alice")));  // alice had no failures
        events.Add(Sec(4624, 300, ("User", "bob")));
        var alerts = Run(set, events.OrderBy(e => e.Time));
        var alert = Assert.Single(alerts);
        Assert.Equal("b180ead8-d58f-40b2-ae54-c8940995b9b6", alert.RuleId);
        Assert.Equal(Severity.High, alert.Severity);
        Assert.Equal(["T1110"], alert.Techniques);
        Assert.Equal(T0, alert.TimeFirst);
        Assert.Equal(T0.AddSeconds(300), alert.TimeLast);
        Assert.Equal(11, alert.Evidence.Count);
        Assert.Contains("User=bob", alert.Description);
        Assert.Equal("sigma", alert.Analytic);
    }

    [Fact]
    public void SpecExampleDoesNotFireWhenSuccessComesFirstOrTooLate()
    {
        var set = Load(SpecExample);
        var first = new List<LogEvent> { Sec(4624, 0, ("User", "bob")) };
        for (int i = 0; i < 10; i++) first.Add(Sec(4625, 10 + i, ("User", "bob")));
        Assert.Empty(Run(set, first));

        var late = new List<LogEvent>();
        for (int i = 0; i < 10; i++) late.Add(Sec(4625, i, ("User", "bob")));
        late.Add(Sec(4624, 11 * 60, ("User", "bob"))); // 11 minutes after the failures began
        Assert.Empty(Run(set, late));
    }

    private static string Correlation(string body, string level = "medium") => $"""
        title: Corr
        id: cccccccc-0000-0000-0000-000000000001
        level: {level}
        correlation:
        {body}
        ---
        title: Failed logon
        id: ffffffff-0000-0000-0000-000000000001
        name: failed
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID: 4625
            condition: selection
        ---
        title: Logon
        id: ffffffff-0000-0000-0000-000000000002
        name: success
        logsource:
            product: windows
            service: security
        detection:
            selection:
                EventID: 4624
            condition: selection
        """;

    [Fact]
    public void EventCountGroupsByFieldWithinTimespan()
    {
        var set = Load(Correlation("""
                type: event_count
                rules: [failed]
                group-by: [TargetUserName]
                timespan: 1m
                condition:
                    gte: 3
            """));
        Assert.Empty(set.Errors);
        // bob: 3 within a minute -> fires; alice: 3 spread over 3 minutes -> not; carol: 2 -> not.
        var events = new[]
        {
            Sec(4625, 0, ("TargetUserName", "bob")), Sec(4625, 20, ("TargetUserName", "bob")), Sec(4625, 50, ("TargetUserName", "bob")),
            Sec(4625, 0, ("TargetUserName", "alice")), Sec(4625, 70, ("TargetUserName", "alice")), Sec(4625, 140, ("TargetUserName", "alice")),
            Sec(4625, 1, ("TargetUserName", "carol")), Sec(4625, 2, ("TargetUserName", "carol")),
        }.OrderBy(e => e.Time).ToList();
        var alert = Assert.Single(Run(set, events));
        Assert.Equal(3, alert.Evidence.Count);
        Assert.Contains("TargetUserName=bob", alert.Description);
        Assert.Contains("3 events", alert.Description);
    }

    [Fact]
    public void ReferencedRulesAreSilentUnlessGenerate()
    {
        string body = """
                type: event_count
                rules: [failed]
                group-by: [TargetUserName]
                timespan: 1m
                condition:
                    gte: 2
            """;
        var events = new[] { Sec(4625, 0, ("TargetUserName", "bob")), Sec(4625, 1, ("TargetUserName", "bob")), Sec(4624, 2) };
        var alerts = Run(Load(Correlation(body)), events);
        // The correlation, plus the unreferenced 'success' rule; the two 'failed' events stay silent.
        Assert.Equal(["cccccccc-0000-0000-0000-000000000001", "ffffffff-0000-0000-0000-000000000002"], alerts.Select(a => a.RuleId).Order());
        var withGenerate = Run(Load(Correlation(body + "\n    generate: true")), events);
        Assert.Equal(4, withGenerate.Count);
    }

    [Fact]
    public void ValueCountCountsDistinctValues()
    {
        var set = Load(Correlation("""
                type: value_count
                rules: [failed]
                group-by: [IpAddress]
                timespan: 10m
                condition:
                    field: TargetUserName
                    gte: 3
            """));
        Assert.Empty(set.Errors);
        var events = new[]
        {
            Sec(4625, 0, ("IpAddress", "10.0.0.5"), ("TargetUserName", "a")),
            Sec(4625, 1, ("IpAddress", "10.0.0.5"), ("TargetUserName", "A")), // same value, other case
            Sec(4625, 2, ("IpAddress", "10.0.0.5"), ("TargetUserName", "b")),
            Sec(4625, 3, ("IpAddress", "10.0.0.9"), ("TargetUserName", "c")),
            Sec(4625, 4, ("IpAddress", "10.0.0.5"), ("TargetUserName", "c")),
        };
        var alert = Assert.Single(Run(set, events));
        Assert.Contains("IpAddress=10.0.0.5", alert.Description);
        Assert.Equal(4, alert.Evidence.Count);
    }

    [Fact]
    public void LessThanConditionIsJudgedWhenTheWindowCloses()
    {
        var set = Load(Correlation("""
                type: event_count
                rules: [failed]
                group-by: [TargetUserName]
                timespan: 1m
                condition:
                    lt: 2
            """));
        var events = new[]
        {
            Sec(4625, 0, ("TargetUserName", "bob")), Sec(4625, 10, ("TargetUserName", "bob")),
            Sec(4625, 0, ("TargetUserName", "alice")),
        };
        var alert = Assert.Single(Run(set, events.OrderBy(e => e.Time)));
        Assert.Contains("TargetUserName=alice", alert.Description);
    }

    [Fact]
    public void RangeConditionNeedsBothBounds()
    {
        var set = Load(Correlation("""
                type: event_count
                rules: [failed]
                group-by: [TargetUserName]
                timespan: 1h
                condition:
                    gt: 1
                    lte: 2
            """));
        var events = new List<LogEvent>
        {
            Sec(4625, 0, ("TargetUserName", "two")), Sec(4625, 1, ("TargetUserName", "two")),
            Sec(4625, 0, ("TargetUserName", "three")), Sec(4625, 1, ("TargetUserName", "three")), Sec(4625, 2, ("TargetUserName", "three")),
        };
        var alert = Assert.Single(Run(set, events.OrderBy(e => e.Time)));
        Assert.Contains("TargetUserName=two", alert.Description);
    }

    [Fact]
    public void TemporalNeedsAllRulesInAnyOrderWithinTimespan()
    {
        var set = Load(Correlation("""
                type: temporal
                rules: [failed, success]
                group-by: [TargetUserName]
                timespan: 5m
            """));
        var events = new[]
        {
            Sec(4624, 0, ("TargetUserName", "bob")), Sec(4625, 60, ("TargetUserName", "bob")),     // any order: fires
            Sec(4624, 0, ("TargetUserName", "eve")), Sec(4625, 400, ("TargetUserName", "eve")),    // too far apart
            Sec(4625, 0, ("TargetUserName", "dan")), Sec(4625, 10, ("TargetUserName", "dan")),     // one rule only
        };
        var alert = Assert.Single(Run(set, events.OrderBy(e => e.Time)));
        Assert.Contains("TargetUserName=bob", alert.Description);
    }

    [Fact]
    public void TemporalOrderedNeedsTheOrder()
    {
        var set = Load(Correlation("""
                type: temporal_ordered
                rules: [failed, success]
                group-by: [TargetUserName]
                timespan: 5m
            """));
        var events = new[]
        {
            Sec(4624, 0, ("TargetUserName", "bob")), Sec(4625, 60, ("TargetUserName", "bob")),     // wrong order
            Sec(4625, 0, ("TargetUserName", "amy")), Sec(4624, 60, ("TargetUserName", "amy")),     // right order
        };
        var alert = Assert.Single(Run(set, events.OrderBy(e => e.Time)));
        Assert.Contains("TargetUserName=amy", alert.Description);
    }

    [Fact]
    public void AliasesGroupDifferentFieldsTogether()
    {
        var set = Load(Correlation("""
                type: temporal
                rules: [failed, success]
                group-by: [host_ip]
                timespan: 5m
                aliases:
                    host_ip:
                        failed: IpAddress
                        success: SourceAddress
            """));
        Assert.Empty(set.Errors);
        var hit = Run(set, [Sec(4625, 0, ("IpAddress", "10.1.1.1")), Sec(4624, 5, ("SourceAddress", "10.1.1.1"))]);
        Assert.Single(hit);
        Assert.Empty(Run(set, [Sec(4625, 0, ("IpAddress", "10.1.1.1")), Sec(4624, 5, ("SourceAddress", "10.9.9.9"))]));
    }

    [Fact]
    public void ValueSumAndAverage()
    {
        var sum = Load(Correlation("""
                type: value_sum
                rules: [failed]
                group-by: [TargetUserName]
                timespan: 1h
                condition:
                    field: Bytes
                    gt: 1000
            """));
        Assert.Single(Run(sum, [Sec(4625, 0, ("TargetUserName", "a"), ("Bytes", "600")), Sec(4625, 1, ("TargetUserName", "a"), ("Bytes", "500"))]));
        Assert.Empty(Run(sum, [Sec(4625, 0, ("TargetUserName", "a"), ("Bytes", "600")), Sec(4625, 1, ("TargetUserName", "a"), ("Bytes", "300"))]));

        var avg = Load(Correlation("""
                type: value_avg
                rules: [failed]
                group-by: [TargetUserName]
                timespan: 1h
                condition:
                    field: Bytes
                    gt: 500
            """));
        Assert.Empty(Run(avg, [Sec(4625, 0, ("TargetUserName", "a"), ("Bytes", "900")), Sec(4625, 1, ("TargetUserName", "a"), ("Bytes", "100"))]));
        var alert = Assert.Single(Run(avg, [Sec(4625, 0, ("TargetUserName", "a"), ("Bytes", "900")), Sec(4625, 1, ("TargetUserName", "a"), ("Bytes", "200"))]));
        Assert.Contains("average Bytes = 550", alert.Description);
    }

    [Fact]
    public void ValuePercentileFiresForRareValues()
    {
        var set = Load(Correlation("""
                type: value_percentile
                rules: [failed]
                group-by: [Computer]
                timespan: 24h
                condition:
                    field: Image
                    lte: 10
            """));
        var events = Enumerable.Range(0, 19).Select(i => Sec(4625, i, ("Image", "common.exe"))).Append(Sec(4625, 30, ("Image", "rare.exe"))).ToList();
        var alert = Assert.Single(Run(set, events));
        Assert.Contains("rare.exe", alert.Description);
        Assert.Contains("5%", alert.Description);
    }

    [Fact]
    public void UnknownReferenceIsAnError()
    {
        var set = Load(Correlation("""
                type: event_count
                rules: [no_such_rule]
                group-by: [TargetUserName]
                timespan: 1m
                condition:
                    gte: 3
            """));
        Assert.Contains(set.Errors, e => e.Message.Contains("'no_such_rule'"));
    }

    [Theory]
    [InlineData("type: event_count\n    rules: [failed]\n    timespan: 1m", "needs a 'condition'")]
    [InlineData("type: value_count\n    rules: [failed]\n    timespan: 1m\n    condition:\n        gte: 2", "needs 'field'")]
    [InlineData("type: event_count\n    rules: [failed]\n    timespan: 1x\n    condition:\n        gte: 2", "bad timespan")]
    [InlineData("type: sometimes\n    rules: [failed]\n    timespan: 1m", "unknown correlation type")]
    public void BadCorrelationsAreErrors(string body, string message)
    {
        var set = Load(Correlation("    " + body));
        Assert.Contains(set.Errors, e => e.Message.Contains(message));
    }

    [Fact]
    public void GroupStateStaysBounded()
    {
        var set = Load(Correlation("""
                type: event_count
                rules: [failed]
                group-by: [TargetUserName]
                timespan: 1h
                condition:
                    gte: 2
            """), new SigmaOptions { MaxCorrelationGroups = 100 });
        // 10,000 distinct users, one failure each: nothing fires, and nothing crashes or grows past the cap.
        var alerts = Run(set, Enumerable.Range(0, 10_000).Select(i => Sec(4625, i % 60, ("TargetUserName", "u" + i))));
        Assert.Empty(alerts);
    }
}
