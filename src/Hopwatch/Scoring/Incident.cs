using System.Text.Json.Serialization;
using Hopwatch.Events;

namespace Hopwatch.Scoring;

/// <summary>
/// Alerts linked by a shared account, host or chain within the incident window, summarised as the
/// KQL hunt of reference 003 aggregates (user/domain/source, target host count, first/last seen,
/// logon types, max risk), with its hop graph, timeline, triage answers and verdict.
/// Serialised as one line of incidents.jsonl (docs/incident.schema.json).
/// </summary>
public sealed class Incident
{
    [JsonPropertyName("id")] public string Id { get; set; } = "";
    [JsonPropertyName("title")] public string Title { get; set; } = "";
    /// <summary>0–100 from <see cref="RiskPoints"/> (see IncidentAnalysis.RiskScoreOf).</summary>
    [JsonPropertyName("risk_score")] public int RiskScore { get; set; }
    /// <summary>Sum of the risk contributions' points × counts.</summary>
    [JsonPropertyName("risk_points")] public int RiskPoints { get; set; }
    /// <summary>KQL's MaxRiskScore: 3 off-hours and privileged, 2 either, 1 otherwise.</summary>
    [JsonPropertyName("max_logon_risk")] public int MaxLogonRisk { get; set; }
    [JsonPropertyName("severity")] public Severity Severity { get; set; }
    [JsonPropertyName("verdict")] public Verdict Verdict { get; set; } = new();
    [JsonPropertyName("users")] public List<string> Users { get; } = new();
    [JsonPropertyName("domains")] public List<string> Domains { get; } = new();
    [JsonPropertyName("source_hosts")] public List<string> SourceHosts { get; } = new();
    [JsonPropertyName("source_ips")] public List<string> SourceIps { get; } = new();
    [JsonPropertyName("target_hosts")] public List<string> TargetHosts { get; } = new();
    [JsonPropertyName("target_host_count")] public int TargetHostCount => TargetHosts.Count;
    [JsonPropertyName("first_seen")] public DateTime FirstSeen { get; set; }
    [JsonPropertyName("last_seen")] public DateTime LastSeen { get; set; }
    /// <summary>Logon type names seen for the incident's accounts on its targets ("RemoteInteractive", "Network", ...).</summary>
    [JsonPropertyName("logon_types")] public List<string> LogonTypes { get; } = new();
    [JsonPropertyName("techniques")] public List<string> Techniques { get; } = new();
    [JsonPropertyName("analytics")] public List<string> Analytics { get; } = new();
    [JsonPropertyName("alert_count")] public int AlertCount => AlertIds.Count;
    [JsonPropertyName("alert_ids")] public List<string> AlertIds { get; } = new();
    [JsonPropertyName("risk_contributions")] public List<RiskContribution> RiskContributions { get; } = new();
    [JsonPropertyName("triage")] public List<TriageAnswer> Triage { get; } = new();
    [JsonPropertyName("graph")] public HopGraph Graph { get; } = new();
    [JsonPropertyName("timeline")] public List<TimelineEntry> Timeline { get; } = new();

    /// <summary>The alerts themselves (not serialised: alerts.jsonl holds them; the HTML report shows them).</summary>
    [JsonIgnore] public List<Alert> Alerts { get; } = new();

    /// <summary>IncidentBuilder.SourceMachines, once worked out (not serialised).</summary>
    [JsonIgnore] internal List<string>? SourceMachines { get; set; }
}
