using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// An alert being assembled by an analytic: evidence (bounded), entities, facts. <see cref="AnalyticsContext.Emit"/>
/// turns it into an <see cref="Alert"/>, adding the off-hours / privileged context and the deterministic id.
/// </summary>
public sealed class AlertDraft
{
    /// <summary>Evidence kept per alert; the total is still counted (details.evidence_total).</summary>
    public const int MaxEvidence = 64;

    public AlertDraft(string analytic, string title, Severity severity, params string[] techniques)
    {
        Analytic = analytic;
        Title = title;
        Severity = severity;
        foreach (var t in techniques) AddTechnique(t);
    }

    public string Analytic { get; }
    public string Title { get; set; }
    public Severity Severity { get; set; }
    public List<string> Techniques { get; } = new();
    public List<AlertEvidence> Evidence { get; } = new();
    public int EvidenceTotal { get; private set; }
    public AlertEntities Entities { get; } = new();
    public string Description { get; set; } = "";
    public Dictionary<string, object?> Details { get; } = new();
    /// <summary>Hosts whose allowlisting silences this alert (default: its source hosts and addresses).</summary>
    public List<string>? Actors { get; set; }
    /// <summary>The activity used privileged context (4672 on a session involved).</summary>
    public bool PrivilegedSession { get; set; }
    /// <summary>Reasons severity was raised (filled by the analytic and the context).</summary>
    public List<string> Raised { get; } = new();
    public DateTime First { get; private set; } = DateTime.MaxValue;
    public DateTime Last { get; private set; } = DateTime.MinValue;

    public void AddTechnique(string t)
    {
        if (!Techniques.Contains(t)) Techniques.Add(t);
    }

    public void AddEvidence(AlertEvidence ev)
    {
        EvidenceTotal++;
        if (ev.Time < First) First = ev.Time;
        if (ev.Time > Last) Last = ev.Time;
        if (Evidence.Count < MaxEvidence) Evidence.Add(ev);
    }

    public void AddEvidence(IEnumerable<AlertEvidence> evs)
    {
        foreach (var ev in evs) AddEvidence(ev);
    }

    public void Raise(string why, int steps = 1)
    {
        Severity = Bump(Severity, steps);
        Raised.Add(why);
    }

    public static Severity Bump(Severity s, int steps) => (Severity)Math.Clamp((int)s + steps, (int)Severity.Informational, (int)Severity.Critical);

    public void User(string? u) => AlertEntities.AddDistinct(Entities.Users, u);
    public void SourceHost(string? h)
    {
        if (h is null) return;
        if (Ips.IsAddress(h)) AlertEntities.AddDistinct(Entities.SourceIps, h);
        else AlertEntities.AddDistinct(Entities.SourceHosts, h);
    }
    public void SourceIp(string? ip) => AlertEntities.AddDistinct(Entities.SourceIps, ip);
    public void TargetHost(string? h) => AlertEntities.AddDistinct(Entities.TargetHosts, h);
}
