namespace Hopwatch.Analytics;

/// <summary>The `analytic` values Hopwatch's own detections carry (rule id = "hopwatch." + name).</summary>
public static class AnalyticNames
{
    public const string RdpChain = "rdp-chain";
    public const string LogonChain = "logon-chain";
    public const string FanOut = "fan-out";
    public const string PassTheHash = "pass-the-hash";
    public const string PassTheTicket = "pass-the-ticket";
    public const string AdminShareExec = "admin-share-exec";
    public const string WinRmExec = "winrm-exec";
    public const string DcomExec = "dcom-exec";
    public const string BruteforceThenSuccess = "bruteforce-then-success";
    public const string RarePath = "rare-path";
    public const string RdpNesting = "rdp-nesting";
    public const string RdpExec = "rdp-exec";
    public const string SshLateral = "ssh-lateral";
    public const string Vnc = "vnc";

    public static readonly IReadOnlyList<string> All = new[]
    {
        RdpChain, LogonChain, FanOut, PassTheHash, PassTheTicket, AdminShareExec, WinRmExec, DcomExec,
        BruteforceThenSuccess, RarePath, RdpNesting, RdpExec, SshLateral, Vnc,
    };

    public static string RuleId(string analytic) => "hopwatch." + analytic;
}
