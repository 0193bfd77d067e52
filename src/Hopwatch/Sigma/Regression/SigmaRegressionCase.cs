namespace Hopwatch.Sigma.Regression;

/// <summary>One regression test of SigmaHQ's regression_data: a rule, an evtx (and its .json rendering), the expected match count.</summary>
public sealed record SigmaRegressionCase(string InfoPath, string RuleId, string RuleTitle, string EvtxPath, string JsonPath, int? ExpectedCount)
{
    /// <summary>The case's folder relative to regression_data/, for reports.</summary>
    public string Name { get; init; } = "";
}

public enum SigmaRegressionOutcome { Passed, Failed, Skipped }

public sealed record SigmaRegressionResult(SigmaRegressionCase Case, SigmaRegressionOutcome Outcome, int Actual, string Reason);
