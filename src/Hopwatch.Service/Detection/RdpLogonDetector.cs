using Hopwatch.Events;
using Hopwatch.Pipeline;

namespace Hopwatch.Service.Detection;

/// <summary>
/// A stateless detector the service always runs: a successful remote-interactive logon (4624
/// logon type 10, T1021.001) from another machine, and an accepted SSH login (T1021.004). It keeps
/// `hopwatch serve` useful before the Sigma and analytics stages are wired in, and gives the
/// service's durability tests an alert whose id depends only on the event.
/// </summary>
public sealed class RdpLogonDetector : IDetector
{
    public const string AnalyticName = "remote-logon";

    public string Name => AnalyticName;

    public void Process(LogEvent e, Action<Alert> emit)
    {
        if (e.EventId == 4624 && e.LogonType == 10 && e.Channel.Equals("Security", StringComparison.OrdinalIgnoreCase))
        {
            if (e.SourceIp is "127.0.0.1" or "::1") return;
            emit(Build(e, "hopwatch-rdp-logon", "T1021.001", Severity.Medium,
                $"Remote desktop logon to {e.Host ?? e.Computer}",
                $"{e.UserName ?? "unknown user"} logged on over RDP (4624 type 10) to {e.Host ?? e.Computer} from {e.SourceIp ?? e.SourceHost ?? "an unknown address"} at {e.Time:yyyy-MM-dd HH:mm:ss}Z."));
        }
        else if (e.Kind == EventKind.SshLogin)
        {
            emit(Build(e, "hopwatch-ssh-login", "T1021.004", Severity.Low,
                $"SSH login to {e.Host ?? e.Computer}",
                $"{e.UserName ?? "unknown user"} logged in over SSH to {e.Host ?? e.Computer} from {e.SourceIp ?? "an unknown address"} at {e.Time:yyyy-MM-dd HH:mm:ss}Z."));
        }
    }

    public void Complete(Action<Alert> emit) { }

    private static Alert Build(LogEvent e, string ruleId, string technique, Severity severity, string title, string description)
    {
        var evidence = new List<AlertEvidence> { AlertEvidence.From(e) };
        var alert = new Alert
        {
            Id = AlertIds.For(AnalyticName, ruleId, evidence),
            Analytic = AnalyticName,
            RuleId = ruleId,
            Title = title,
            Severity = severity,
            Techniques = [technique],
            TimeFirst = e.Time,
            TimeLast = e.Time,
            Evidence = evidence,
            Description = description,
        };
        alert.Entities.AddFrom(e);
        return alert;
    }
}
