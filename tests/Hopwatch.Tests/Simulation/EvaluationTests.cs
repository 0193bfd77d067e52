using Hopwatch.Events;
using Hopwatch.Simulation;

namespace Hopwatch.Tests.Simulation;

public sealed class EvaluationTests
{
    private static readonly DateTime T0 = new(2026, 10, 5, 10, 0, 0, DateTimeKind.Utc);

    private static TruthFile Truth() => new()
    {
        Scenarios =
        [
            new TruthScenario
            {
                Name = "rdp-chain-8", Techniques = ["T1021.001"], Start = T0, End = T0.AddMinutes(35),
                SourceHosts = ["WS-ENG-003"], TargetHosts = ["FS01", "DC01"], Accounts = ["DA_svc_backup"], SourceIps = ["10.20.3.13"],
            },
        ],
    };

    private static Alert A(string analytic, string technique, DateTime first, DateTime last, Severity sev, string? user = null, string? host = null) => new()
    {
        Analytic = analytic, Techniques = [technique], TimeFirst = first, TimeLast = last, Severity = sev,
        Entities = new AlertEntities { Users = user is null ? [] : [user], TargetHosts = host is null ? [] : [host] },
    };

    [Fact]
    public void MatchesByTimeEntityAndExactSubTechnique()
    {
        var alerts = new List<Alert>
        {
            A("rdp-chain", "T1021.001", T0.AddMinutes(5), T0.AddMinutes(30), Severity.Critical, user: @"CORP\da_svc_backup"),
            A("fan-out", "T1021", T0.AddMinutes(5), T0.AddMinutes(6), Severity.Medium, host: "dc01.corp.local"),       // related, parent technique only
            A("rdp-chain", "T1021.001", T0.AddHours(5), T0.AddHours(5), Severity.High, user: "DA_svc_backup"),          // outside the window
            A("rare-path", "T1021.001", T0.AddMinutes(1), T0.AddMinutes(2), Severity.Low, host: "app07"),               // no shared entity
        };
        var r = Evaluation.Score(Truth(), alerts);
        var o = Assert.Single(r.Scenarios);
        Assert.True(o.Detected);
        Assert.Single(o.Matched);
        Assert.Equal(2, o.Related.Count);
        Assert.Equal(2, r.FalsePositives.Count);
        Assert.Single(r.FalsePositivesAtLeast(Severity.Medium));
        Assert.Equal(1.0, r.Recall);
        Assert.Equal(["rare-path", "rdp-chain"], r.FalsePositivesByAnalytic().Select(g => g.Analytic).ToList());
    }

    [Fact]
    public void ParentTechniqueAloneDoesNotCountAsDetection()
    {
        var r = Evaluation.Score(Truth(), [A("sigma", "T1021", T0, T0.AddMinutes(1), Severity.High, host: "FS01")]);
        Assert.False(r.Scenarios[0].Detected);
        Assert.Equal(0.0, r.Recall);
        Assert.Empty(r.FalsePositives);
    }
}
