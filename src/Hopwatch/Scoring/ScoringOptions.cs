namespace Hopwatch.Scoring;

/// <summary>
/// Knobs of scoring, incident building, triage and verdicts. Defaults follow the KQL hunt of
/// reference 003 (hours 0–5 are off-hours; admin/svc/backup names are privileged) and the triage
/// playbook of reference 004.
/// </summary>
public sealed class ScoringOptions
{
    /// <summary>Alerts sharing an account, a host or a chain link are one incident when no more than this apart.</summary>
    public TimeSpan IncidentWindow { get; init; } = TimeSpan.FromHours(2);

    /// <summary>First and last off-hours hour (UTC, inclusive): KQL's range(0, 5).</summary>
    public int OffHoursFirst { get; init; } = 0;
    public int OffHoursLast { get; init; } = 5;

    /// <summary>Substrings that make an account name privileged (KQL's PrivilegedAccounts, plus common admin prefixes).</summary>
    public IReadOnlyList<string> PrivilegedAccountPatterns { get; init; } =
        ["administrator", "admin", "svc-", "svc_", "service", "backup", "da_", "da-", "adm_", "adm-"];

    /// <summary>Asset roles whose hosts legitimately reach many others (reference 003's tuning list).</summary>
    public IReadOnlyList<string> BenignSourceRoles { get; init; } =
        ["jump", "jump host", "jumphost", "bastion", "admin", "paw", "backup", "scanner", "vulnerability scanner",
         "config-management", "configuration management", "configmgmt", "config-mgmt", "sccm", "monitoring", "deployment"];

    /// <summary>Asset roles of sensitive systems (a first access to them escalates).</summary>
    public IReadOnlyList<string> SensitiveRoles { get; init; } = ["dc", "domain controller", "domain-controller", "pki", "ca"];

    /// <summary>Hosts and accounts known to be benign for the environment (backup servers, scanners...).</summary>
    public IReadOnlyList<AllowlistEntry> Allowlist { get; init; } = [];

    /// <summary>A source is usual for a user after this many distinct earlier days with a logon from it.</summary>
    public int UsualSourceMinDays { get; init; } = 2;
    /// <summary>An hour is usual for a user after this many distinct earlier days with a logon in it (±1 h).</summary>
    public int UsualHourMinDays { get; init; } = 2;
    /// <summary>How far before an incident failures count as "failures before success".</summary>
    public TimeSpan FailureLookback { get; init; } = TimeSpan.FromHours(1);
    /// <summary>Failures at or above this count are treated as brute force.</summary>
    public int BruteForceMinFailures { get; init; } = 5;
    /// <summary>How long after the last logon executions, service installs and share writes are attributed to the incident.</summary>
    public TimeSpan PostLogonWindow { get; init; } = TimeSpan.FromHours(1);
    /// <summary>How far before an incident LSASS access on a source counts.</summary>
    public TimeSpan CredentialAccessLookback { get; init; } = TimeSpan.FromHours(24);
    /// <summary>Number of target hosts that makes spread "multiple systems" (playbook's escalation rule).</summary>
    public int SpreadMinTargets { get; init; } = 3;

    internal bool IsOffHours(DateTime t) => t.Hour >= OffHoursFirst && t.Hour <= OffHoursLast;

    internal bool IsPrivileged(string user)
    {
        // Asked for the same few account name instances for every alert: the last answers are kept by instance, per thread.
        var memo = t_privileged ??= new PrivilegeMemo[256];
        ref var slot = ref memo[System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(user) & 255];
        if (ReferenceEquals(slot.User, user) && ReferenceEquals(slot.Options, this)) return slot.Privileged;
        bool privileged = false;
        foreach (var p in PrivilegedAccountPatterns)
            if (user.Contains(p, StringComparison.OrdinalIgnoreCase)) { privileged = true; break; }
        slot = new PrivilegeMemo(this, user, privileged);
        return privileged;
    }

    private readonly record struct PrivilegeMemo(ScoringOptions? Options, string? User, bool Privileged);
    [ThreadStatic] private static PrivilegeMemo[]? t_privileged;

    internal static bool RoleIn(string? role, IReadOnlyList<string> roles)
    {
        if (string.IsNullOrWhiteSpace(role)) return false;
        foreach (var r in roles)
            if (string.Equals(role.Trim(), r, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>The allowlist entry covering this host or account, if any.</summary>
    internal AllowlistEntry? AllowlistFor(string? host, string? user)
    {
        foreach (var a in Allowlist)
        {
            if (a.Host is not null && host is not null && string.Equals(Names.HostKey(a.Host), host, StringComparison.Ordinal)) return a;
            if (a.Account is not null && user is not null && string.Equals(Names.UserKey(a.Account), user, StringComparison.Ordinal)) return a;
        }
        return null;
    }
}

/// <summary>A host or account known to be benign, with the reason shown in the verdict.</summary>
public sealed record AllowlistEntry(string? Host, string? Account, string Reason);
