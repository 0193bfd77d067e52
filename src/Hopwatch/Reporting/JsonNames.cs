using System.Text.Json;

namespace Hopwatch.Reporting;

/// <summary>
/// The property names of alerts.jsonl and incidents.jsonl, encoded once: a name given as a string is checked for
/// characters to escape and transcoded to UTF-8 on every write (some 20 per alert, 11 per timeline entry).
/// </summary>
internal static class JsonNames
{
    public static readonly JsonEncodedText Action = JsonEncodedText.Encode("action");
    public static readonly JsonEncodedText AlertCount = JsonEncodedText.Encode("alert_count");
    public static readonly JsonEncodedText AlertId = JsonEncodedText.Encode("alert_id");
    public static readonly JsonEncodedText AlertIds = JsonEncodedText.Encode("alert_ids");
    public static readonly JsonEncodedText Analytic = JsonEncodedText.Encode("analytic");
    public static readonly JsonEncodedText Analytics = JsonEncodedText.Encode("analytics");
    public static readonly JsonEncodedText Answer = JsonEncodedText.Encode("answer");
    public static readonly JsonEncodedText Channel = JsonEncodedText.Encode("channel");
    public static readonly JsonEncodedText Containment = JsonEncodedText.Encode("containment");
    public static readonly JsonEncodedText Count = JsonEncodedText.Encode("count");
    public static readonly JsonEncodedText CredentialAccess = JsonEncodedText.Encode("credential_access");
    public static readonly JsonEncodedText Description = JsonEncodedText.Encode("description");
    public static readonly JsonEncodedText Details = JsonEncodedText.Encode("details");
    public static readonly JsonEncodedText Domains = JsonEncodedText.Encode("domains");
    public static readonly JsonEncodedText Edges = JsonEncodedText.Encode("edges");
    public static readonly JsonEncodedText Entities = JsonEncodedText.Encode("entities");
    public static readonly JsonEncodedText EventId = JsonEncodedText.Encode("event_id");
    public static readonly JsonEncodedText Evidence = JsonEncodedText.Encode("evidence");
    public static readonly JsonEncodedText Factor = JsonEncodedText.Encode("factor");
    public static readonly JsonEncodedText File = JsonEncodedText.Encode("file");
    public static readonly JsonEncodedText FirstSeen = JsonEncodedText.Encode("first_seen");
    public static readonly JsonEncodedText From = JsonEncodedText.Encode("from");
    public static readonly JsonEncodedText Graph = JsonEncodedText.Encode("graph");
    public static readonly JsonEncodedText Hop = JsonEncodedText.Encode("hop");
    public static readonly JsonEncodedText Host = JsonEncodedText.Encode("host");
    public static readonly JsonEncodedText Id = JsonEncodedText.Encode("id");
    public static readonly JsonEncodedText Kind = JsonEncodedText.Encode("kind");
    public static readonly JsonEncodedText LastSeen = JsonEncodedText.Encode("last_seen");
    public static readonly JsonEncodedText Layer = JsonEncodedText.Encode("layer");
    public static readonly JsonEncodedText LogonTypes = JsonEncodedText.Encode("logon_types");
    public static readonly JsonEncodedText MaxLogonRisk = JsonEncodedText.Encode("max_logon_risk");
    public static readonly JsonEncodedText Nodes = JsonEncodedText.Encode("nodes");
    public static readonly JsonEncodedText Path = JsonEncodedText.Encode("path");
    public static readonly JsonEncodedText Points = JsonEncodedText.Encode("points");
    public static readonly JsonEncodedText Ports = JsonEncodedText.Encode("ports");
    public static readonly JsonEncodedText Question = JsonEncodedText.Encode("question");
    public static readonly JsonEncodedText Reason = JsonEncodedText.Encode("reason");
    public static readonly JsonEncodedText RecordId = JsonEncodedText.Encode("record_id");
    public static readonly JsonEncodedText RiskContributions = JsonEncodedText.Encode("risk_contributions");
    public static readonly JsonEncodedText RiskPoints = JsonEncodedText.Encode("risk_points");
    public static readonly JsonEncodedText RiskScore = JsonEncodedText.Encode("risk_score");
    public static readonly JsonEncodedText Role = JsonEncodedText.Encode("role");
    public static readonly JsonEncodedText Rule = JsonEncodedText.Encode("rule");
    public static readonly JsonEncodedText RuleId = JsonEncodedText.Encode("rule_id");
    public static readonly JsonEncodedText Sensitive = JsonEncodedText.Encode("sensitive");
    public static readonly JsonEncodedText Severity = JsonEncodedText.Encode("severity");
    public static readonly JsonEncodedText Source = JsonEncodedText.Encode("source");
    public static readonly JsonEncodedText SourceHosts = JsonEncodedText.Encode("source_hosts");
    public static readonly JsonEncodedText SourceIps = JsonEncodedText.Encode("source_ips");
    public static readonly JsonEncodedText Summary = JsonEncodedText.Encode("summary");
    public static readonly JsonEncodedText SuppressedReason = JsonEncodedText.Encode("suppressed_reason");
    public static readonly JsonEncodedText Suspicious = JsonEncodedText.Encode("suspicious");
    public static readonly JsonEncodedText TargetHostCount = JsonEncodedText.Encode("target_host_count");
    public static readonly JsonEncodedText TargetHosts = JsonEncodedText.Encode("target_hosts");
    public static readonly JsonEncodedText Targets = JsonEncodedText.Encode("targets");
    public static readonly JsonEncodedText Techniques = JsonEncodedText.Encode("techniques");
    public static readonly JsonEncodedText Text = JsonEncodedText.Encode("text");
    public static readonly JsonEncodedText Time = JsonEncodedText.Encode("time");
    public static readonly JsonEncodedText TimeFirst = JsonEncodedText.Encode("time_first");
    public static readonly JsonEncodedText TimeLast = JsonEncodedText.Encode("time_last");
    public static readonly JsonEncodedText Timeline = JsonEncodedText.Encode("timeline");
    public static readonly JsonEncodedText Title = JsonEncodedText.Encode("title");
    public static readonly JsonEncodedText To = JsonEncodedText.Encode("to");
    public static readonly JsonEncodedText Triage = JsonEncodedText.Encode("triage");
    public static readonly JsonEncodedText User = JsonEncodedText.Encode("user");
    public static readonly JsonEncodedText Users = JsonEncodedText.Encode("users");
    public static readonly JsonEncodedText Verdict = JsonEncodedText.Encode("verdict");
}
