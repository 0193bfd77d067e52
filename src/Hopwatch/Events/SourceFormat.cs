namespace Hopwatch.Events;

/// <summary>Which kind of evidence an event was read from.</summary>
public enum SourceFormat
{
    Unknown = 0,
    Evtx,
    WindowsXml,
    JsonFlat,        // NXLog / Security-Datasets style flat JSON lines
    JsonEcs,         // Winlogbeat / Elastic Common Schema
    JsonSentinel,    // Sentinel SecurityEvent / WindowsEvent exports
    JsonDefender,    // Defender for Endpoint Advanced Hunting tables
    JsonRegression,  // SigmaHQ regression_data .json renderings
    AuthLog,         // Linux auth.log / secure
    Journald,        // journalctl -o json
    Syslog,
    LinuxAudit,      // auditd audit.log (type=... msg=audit(epoch:serial): ...)
}
