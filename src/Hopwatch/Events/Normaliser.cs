using System.Runtime.CompilerServices;
using System.Globalization;
using static Hopwatch.Events.FieldMap;
using N = Hopwatch.Events.NormaliserNames;

namespace Hopwatch.Events;

/// <summary>
/// Fills the typed normalised view of a <see cref="LogEvent"/> from its raw fields. Readers have
/// already added the canonical Windows names (<see cref="FieldMap"/>), so this class reads only
/// those and is the same for every source format. Per event type it decides which canonical field
/// means what (a 4624's IpAddress is the source, a 4648's the destination; a WFP event's Source is
/// the local end). Values "-" and "" become null; host and user names are lower-cased; DOMAIN\user
/// and user@domain are split; IPv4-mapped IPv6 addresses become IPv4.
/// </summary>
public static class Normaliser
{
    /// <summary>The semantic view of each catalogue event (reference 002), by log and event id.</summary>
    public static readonly IReadOnlyDictionary<(EventSource Source, int EventId), EventKind> Kinds = new Dictionary<(EventSource, int), EventKind>
    {
        [(EventSource.Security, 4624)] = EventKind.Logon,
        [(EventSource.Security, 4625)] = EventKind.FailedLogon,
        [(EventSource.Security, 4634)] = EventKind.Logoff,
        [(EventSource.Security, 4647)] = EventKind.Logoff,
        [(EventSource.Security, 4648)] = EventKind.ExplicitCredentials,
        [(EventSource.Security, 4656)] = EventKind.ObjectAccess,
        [(EventSource.Security, 4663)] = EventKind.ObjectAccess,
        [(EventSource.Security, 4672)] = EventKind.SpecialPrivileges,
        [(EventSource.Security, 4674)] = EventKind.PrivilegedObjectOperation,
        [(EventSource.Security, 4688)] = EventKind.ProcessStart,
        [(EventSource.Security, 4697)] = EventKind.ServiceInstall,
        [(EventSource.Security, 4698)] = EventKind.ScheduledTask,
        [(EventSource.Security, 4768)] = EventKind.KerberosTgt,
        [(EventSource.Security, 4769)] = EventKind.KerberosService,
        [(EventSource.Security, 4770)] = EventKind.KerberosServiceRenewal,
        [(EventSource.Security, 4771)] = EventKind.KerberosPreauthFailed,
        [(EventSource.Security, 4776)] = EventKind.NtlmValidation,
        [(EventSource.Security, 4778)] = EventKind.RdpSessionReconnect,
        [(EventSource.Security, 4779)] = EventKind.RdpSessionDisconnect,
        [(EventSource.Security, 4825)] = EventKind.RdpDenied,
        [(EventSource.Security, 4964)] = EventKind.SpecialGroups,
        [(EventSource.Security, 5140)] = EventKind.ShareAccess,
        [(EventSource.Security, 5142)] = EventKind.ShareChange,
        [(EventSource.Security, 5143)] = EventKind.ShareChange,
        [(EventSource.Security, 5145)] = EventKind.ShareAccess,
        [(EventSource.Security, 5152)] = EventKind.FirewallBlock,
        [(EventSource.Security, 5154)] = EventKind.NetworkListen,
        [(EventSource.Security, 5155)] = EventKind.FirewallBlock,
        [(EventSource.Security, 5156)] = EventKind.NetworkConnection,
        [(EventSource.Security, 5157)] = EventKind.FirewallBlock,
        [(EventSource.Security, 5158)] = EventKind.NetworkBind,
        [(EventSource.Security, 5159)] = EventKind.FirewallBlock,
        [(EventSource.Sysmon, 1)] = EventKind.ProcessStart,
        [(EventSource.Sysmon, 2)] = EventKind.FileTimeChange,
        [(EventSource.Sysmon, 3)] = EventKind.NetworkConnection,
        [(EventSource.Sysmon, 7)] = EventKind.ImageLoad,
        [(EventSource.Sysmon, 10)] = EventKind.ProcessAccess,
        [(EventSource.Sysmon, 11)] = EventKind.FileCreate,
        [(EventSource.Sysmon, 12)] = EventKind.RegistryChange,
        [(EventSource.Sysmon, 13)] = EventKind.RegistryChange,
        [(EventSource.Sysmon, 14)] = EventKind.RegistryChange,
        [(EventSource.Sysmon, 17)] = EventKind.PipeEvent,
        [(EventSource.Sysmon, 18)] = EventKind.PipeEvent,
        [(EventSource.PowerShell, 4103)] = EventKind.PowerShell,
        [(EventSource.PowerShell, 4104)] = EventKind.PowerShell,
        [(EventSource.PowerShell, 400)] = EventKind.PowerShell,
        [(EventSource.PowerShell, 800)] = EventKind.PowerShell,
        [(EventSource.WinRm, 6)] = EventKind.WinRm,
        [(EventSource.WinRm, 91)] = EventKind.WinRm,
        [(EventSource.WinRm, 169)] = EventKind.WinRm,
        [(EventSource.SmbServer, 4000)] = EventKind.ShareAccess,
        [(EventSource.TerminalServicesLocalSessionManager, 21)] = EventKind.RdpSessionLogon,
        [(EventSource.TerminalServicesLocalSessionManager, 22)] = EventKind.RdpShellStart,
        [(EventSource.TerminalServicesLocalSessionManager, 23)] = EventKind.RdpSessionLogoff,
        [(EventSource.TerminalServicesLocalSessionManager, 24)] = EventKind.RdpSessionDisconnect,
        [(EventSource.TerminalServicesLocalSessionManager, 25)] = EventKind.RdpSessionReconnect,
        [(EventSource.TerminalServicesRemoteConnectionManager, 1149)] = EventKind.RdpAuthSucceeded,
        [(EventSource.RdpCoreTs, 131)] = EventKind.RdpConnectionAttempt,
        [(EventSource.ServiceControlManager, 7045)] = EventKind.ServiceInstall,
        // OpenSSH 4 and Linux sshd: the kind comes from the message (accepted / failed / disconnected).
    };

    /// <summary>
    /// <see cref="Kinds"/> by one number (source and event id), looked up once per event: a concrete dictionary with
    /// a long key instead of an interface call and a tuple's combined hash.
    /// </summary>
    private static readonly Dictionary<long, EventKind> KindsByKey = Kinds.ToDictionary(kv => KindKey(kv.Key.Source, kv.Key.EventId), kv => kv.Value);

    private static long KindKey(EventSource source, int eventId) => (long)source << 32 | (uint)eventId;

    private static EventKind KindOf(EventSource source, int eventId) => KindsByKey.TryGetValue(KindKey(source, eventId), out var k) ? k : EventKind.Other;

    /// <summary>Defender Advanced Hunting rows: table and ActionType (null = any) → kind.</summary>
    public static readonly IReadOnlyList<(string Table, string? ActionType, EventKind Kind)> DefenderKinds =
    [
        ("DeviceLogonEvents", "LogonSuccess", EventKind.Logon),
        ("DeviceLogonEvents", "LogonFailed", EventKind.FailedLogon),
        ("DeviceLogonEvents", "LogonAttempted", EventKind.ExplicitCredentials),
        ("DeviceNetworkEvents", "ConnectionFailed", EventKind.NetworkConnection),
        ("DeviceNetworkEvents", null, EventKind.NetworkConnection),
        ("DeviceProcessEvents", null, EventKind.ProcessStart),
        ("DeviceFileEvents", null, EventKind.FileCreate),
        ("DeviceImageLoadEvents", null, EventKind.ImageLoad),
        ("DeviceEvents", "ServiceInstalled", EventKind.ServiceInstall),
        ("DeviceEvents", "ScheduledTaskCreated", EventKind.ScheduledTask),
        ("DeviceEvents", "PowerShellCommand", EventKind.PowerShell),
        ("DeviceEvents", "NamedPipeEvent", EventKind.PipeEvent),
        ("DeviceEvents", "RegistryValueSet", EventKind.RegistryChange),
        ("DeviceEvents", "ProcessCreatedUsingWmiQuery", EventKind.ProcessStart),
    ];

    /// <summary>
    /// The kind <see cref="Normalise"/> gives an EVTX or Windows XML event, from its header alone (format, channel,
    /// provider, EventID); other formats can get theirs from fields (Defender tables, auditd), so null for them.
    /// </summary>
    public static EventKind? KindFromHeader(LogEvent e)
    {
        if (e.Format is not (SourceFormat.Evtx or SourceFormat.WindowsXml)) return null;
        return KindOf(EventSources.Of(e), e.EventId);
    }

    public static void Normalise(LogEvent e)
    {
        var f = new NormaliserFields(e.Fields);
        SetHost(e);
        var source = EventSources.Of(e);
        e.Kind = KindOf(source, e.EventId);
        switch (source)
        {
            case EventSource.Security: Security(e, f); break;
            case EventSource.Sysmon: Process(e, f); Network(e, f); break;
            case EventSource.PowerShell: PowerShell(e, f); break;
            case EventSource.WinRm: WinRm(e, f); break;
            case EventSource.SmbServer: SmbServer(e, f); break;
            case EventSource.TerminalServicesLocalSessionManager: LocalSessionManager(e, f); break;
            case EventSource.TerminalServicesRemoteConnectionManager: RemoteConnectionManager(e, f); break;
            case EventSource.RdpCoreTs: RdpCoreTs(e, f); break;
            case EventSource.OpenSsh: OpenSsh(e, f); break;
            case EventSource.ServiceControlManager: Service(e, f); break;
            case EventSource.Defender: Defender(e, f); break;
            case EventSource.LinuxAuth: LinuxAuth(e, f); break;
            default: Generic(e, f); break;
        }
        // auditd: an EXECVE record is a program started, with its argv as the command line.
        if (e.Format == SourceFormat.LinuxAudit && V(f, N.AuditType) == "EXECVE") e.Kind = EventKind.ProcessStart;
    }

    // ---------------- Windows Security ----------------

    private static void Security(LogEvent e, NormaliserFields f)
    {
        Subject(e, f);
        switch (e.EventId)
        {
            case 4624 or 4625:
                Logon(e, f);
                break;
            case 4634 or 4647 or 4964:
                Target(e, f);
                e.LogonId = LogonIdOf(f, N.TargetLogonId);
                e.LogonType = Int(f, N.LogonType);
                break;
            case 4648:
                Target(e, f);
                e.TargetServer = Lower(V(f, N.TargetServerName));
                e.DestinationHost = e.TargetServer is "localhost" ? e.Host : e.TargetServer;
                e.DestinationIp = Ip(V(f, N.IpAddress));
                e.DestinationPort = Port(V(f, N.IpPort));
                e.LogonId = LogonIdOf(f, N.SubjectLogonId);
                ProcessNameAndId(e, f);
                break;
            case 4672 or 4656 or 4663 or 4674 or 4697 or 4698 or 5140 or 5142 or 5143 or 5145:
                UserFromSubject(e);
                e.LogonId = LogonIdOf(f, N.SubjectLogonId);
                ProcessNameAndId(e, f);
                e.AccessMask = V(f, N.AccessMask);
                e.ShareName = V(f, N.ShareName);
                e.RelativeTargetName = V(f, N.RelativeTargetName);
                e.ServiceName = V(f, N.ServiceName);
                e.ServiceImage = V(f, N.ServiceFileName);
                e.TaskName = V(f, N.TaskName);
                e.SourceIp = Ip(V(f, N.IpAddress));
                e.SourcePort = Port(V(f, N.IpPort));
                if (e.SourceIp is not null) e.DestinationHost = e.Host;
                break;
            case 4688:
                Target(e, f);
                if (e.UserName is null) UserFromSubject(e);
                e.LogonId = LogonIdOf(f, N.TargetLogonId) ?? LogonIdOf(f, N.SubjectLogonId);
                e.ProcessImage = V(f, N.NewProcessName);
                e.CommandLine = V(f, N.CommandLine);
                e.ParentImage = V(f, N.ParentProcessName);
                e.ProcessId = Pid(V(f, N.NewProcessId));
                e.ParentProcessId = Pid(V(f, N.ProcessId));
                break;
            case 4768 or 4769 or 4770 or 4771:
                Target(e, f);
                e.UserSid ??= V(f, N.TargetSid);
                e.ServiceName = V(f, N.ServiceName);
                e.SourceIp = Ip(V(f, N.IpAddress));
                e.SourcePort = Port(V(f, N.IpPort));
                e.DestinationHost = e.Host;
                e.Status = V(f, N.Status);
                e.AuthPackage = "Kerberos";
                break;
            case 4776:
                Target(e, f);
                e.SourceHost = HostName(V(f, N.Workstation));
                e.AuthPackage = AuthPackageOf(V(f, N.PackageName)) ?? "NTLM";
                e.Status = V(f, N.Status);
                break;
            case 4778 or 4779 or 4825:
                SplitInto(e, V(f, N.AccountName), V(f, N.AccountDomain));
                e.LogonId = LogonIdOf(f, N.LogonID);
                e.SessionId = V(f, N.SessionName);
                e.SourceHost = HostName(V(f, N.ClientName));
                e.SourceIp = Ip(V(f, N.ClientAddress));
                e.DestinationHost = e.Host;
                break;
            case >= 5152 and <= 5159:
                FilteringPlatform(e, f);
                break;
            default:
                Generic(e, f);
                break;
        }
    }

    /// <summary>4624/4625 and every source's equivalent of them.</summary>
    private static void Logon(LogEvent e, NormaliserFields f)
    {
        Target(e, f);
        e.SourceHost = HostName(V(f, N.WorkstationName));
        e.SourceIp = Ip(V(f, N.IpAddress));
        e.SourcePort = Port(V(f, N.IpPort));
        e.DestinationHost = e.Host;
        e.LogonType = Int(f, N.LogonType);
        e.LogonId = LogonIdOf(f, N.TargetLogonId);
        e.AuthPackage = AuthPackageOf(V(f, N.AuthenticationPackageName));
        if (e.AuthPackage is null or "Negotiate" && V(f, N.LmPackageName) is { } lm && lm.StartsWith("NTLM", StringComparison.OrdinalIgnoreCase)) e.AuthPackage ??= "NTLM";
        e.LogonProcess = V(f, N.LogonProcessName)?.Trim();
        e.KeyLength = Int(f, N.KeyLength);
        e.ElevatedToken = V(f, N.ElevatedToken);
        ProcessNameAndId(e, f);
        e.Status = V(f, N.Status);
        e.SubStatus = V(f, N.SubStatus);
        e.FailureReason = V(f, N.FailureReason);
    }

    /// <summary>
    /// Windows Filtering Platform (5152–5159): Source* is always the local end and Destination* the
    /// remote one; for inbound traffic (%%14592) the remote end is the real source, so swap.
    /// </summary>
    private static void FilteringPlatform(LogEvent e, NormaliserFields f)
    {
        e.ProcessImage = V(f, N.Application);
        e.ProcessId = Pid(V(f, N.ProcessId));
        string? localIp = Ip(V(f, N.SourceAddress)), remoteIp = Ip(V(f, N.DestAddress));
        int? localPort = Port(V(f, N.SourcePort)), remotePort = Port(V(f, N.DestPort));
        bool inbound = V(f, N.Direction) is { } d && (d == "%%14592" || d.Equals("Inbound", StringComparison.OrdinalIgnoreCase));
        if (inbound)
        {
            (e.SourceIp, e.SourcePort, e.DestinationIp, e.DestinationPort) = (remoteIp, remotePort, localIp, localPort);
            e.DestinationHost = e.Host;
        }
        else
        {
            (e.SourceIp, e.SourcePort, e.DestinationIp, e.DestinationPort) = (localIp, localPort, remoteIp, remotePort);
            if (remoteIp is not null) e.SourceHost = e.Host;
        }
    }

    // ---------------- Sysmon and other process/network sources ----------------

    private static void Process(LogEvent e, NormaliserFields f)
    {
        UserFrom(e, V(f, N.User));
        if (e.UserName is null) Target(e, f);
        e.ProcessImage = V(f, N.Image) ?? V(f, N.SourceImage);
        e.CommandLine = V(f, N.CommandLine);
        e.ParentImage = V(f, N.ParentImage);
        e.ParentCommandLine = V(f, N.ParentCommandLine);
        e.ProcessId = Pid(V(f, N.ProcessId)) ?? Pid(V(f, N.SourceProcessId));
        e.ParentProcessId = Pid(V(f, N.ParentProcessId));
        e.TargetImage = V(f, N.TargetImage) ?? V(f, N.ImageLoaded) ?? V(f, N.TargetFilename);
        e.AccessMask = V(f, N.GrantedAccess);
        e.LogonId = LogonIdOf(f, N.LogonId);
    }

    private static void Network(LogEvent e, NormaliserFields f)
    {
        if (!f.Contains(N.DestinationIp) && !f.Contains(N.SourceIp)) return;
        e.SourceIp = Ip(V(f, N.SourceIp));
        e.SourcePort = Port(V(f, N.SourcePort));
        e.SourceHost = HostName(V(f, N.SourceHostname));
        e.DestinationIp = Ip(V(f, N.DestinationIp));
        e.DestinationPort = Port(V(f, N.DestinationPort));
        e.DestinationHost = HostName(V(f, N.DestinationHostname));
        // Sysmon 3: Initiated=true means this host opened the connection.
        if (V(f, N.Initiated) is { } init)
        {
            if (init.Equals("true", StringComparison.OrdinalIgnoreCase)) e.SourceHost ??= e.Host;
            else e.DestinationHost ??= e.Host;
        }
    }

    // ---------------- PowerShell / WinRM ----------------

    private static void PowerShell(LogEvent e, NormaliserFields f)
    {
        UserFrom(e, V(f, N.User));
        e.Message = V(f, N.ScriptBlockText) ?? V(f, N.Payload);
        // 4103 ContextInfo and classic 400/800 Data hold "Key = value" / "Key=value" lines.
        string? context = V(f, N.ContextInfo);
        if (context is null)
            for (int i = 0; i < f.Count; i++)
                if (f.NameAt(i).StartsWith(Data, StringComparison.OrdinalIgnoreCase) && f.ValueAt(i) is { } dv && dv.Contains("HostApplication", StringComparison.Ordinal))
                { context = dv; break; }
        if (context is not null)
        {
            e.CommandLine = KeyValue(context, "HostApplication") ?? KeyValue(context, "Host Application");
            e.ProcessImage = e.CommandLine is { } cl ? FirstToken(cl) : null;
            if (e.UserName is null) UserFrom(e, KeyValue(context, "UserId") ?? KeyValue(context, "User"));
            e.Message ??= context;
        }
        e.ProcessImage ??= V(f, N.HostApplication);
        e.UserSid ??= V(f, N.Security_UserID);
    }

    private static void WinRm(LogEvent e, NormaliserFields f)
    {
        UserFrom(e, V(f, N.WinRmUserName) ?? V(f, N.User));
        e.AuthPackage = AuthPackageOf(V(f, N.AuthenticationMechanism));
        if (V(f, N.Connection) is { } conn)
        {
            // "host.example.com/wsman?PSVersion=5.1" or "http://host:5985/wsman"
            var c = conn;
            int scheme = c.IndexOf("://", StringComparison.Ordinal);
            if (scheme >= 0) c = c[(scheme + 3)..];
            int end = c.IndexOfAny(['/', '?']);
            if (end >= 0) c = c[..end];
            int colon = c.LastIndexOf(':');
            if (colon > 0 && !c.Contains('[') && c.IndexOf(':') == colon)
            {
                e.DestinationPort = Port(c[(colon + 1)..]);
                c = c[..colon];
            }
            e.DestinationHost = HostName(c);
            e.SourceHost = e.Host;
        }
        e.Message = V(f, N.ResourceUri) ?? V(f, N.Connection);
        // WinRM 91 names no user; the event's own security context is the remote user's.
        e.UserSid ??= V(f, N.Security_UserID);
    }

    private static void SmbServer(LogEvent e, NormaliserFields f)
    {
        UserFrom(e, V(f, N.UserName) ?? V(f, N.User));
        if (e.UserName is null) Target(e, f);
        e.ShareName = V(f, N.ShareName);
        e.SourceHost = HostName(V(f, N.ClientName));
        e.SourceIp = Ip(V(f, N.ClientAddress) ?? V(f, N.IpAddress));
        e.DestinationHost = e.Host;
        e.SessionId = V(f, N.SessionIdLiteral) ?? V(f, N.SessionGuidLiteral);
    }

    // ---------------- RDP ----------------

    private static void LocalSessionManager(LogEvent e, NormaliserFields f)
    {
        UserFrom(e, V(f, N.User));
        e.SessionId = V(f, N.SessionID) ?? V(f, N.SessionIdLiteral);
        var address = V(f, N.Address);
        if (address is not null && !address.Equals("LOCAL", StringComparison.OrdinalIgnoreCase)) e.SourceIp = Ip(address);
        e.DestinationHost = e.Host;
    }

    private static void RemoteConnectionManager(LogEvent e, NormaliserFields f)
    {
        // 1149: Param1 user, Param2 domain, Param3 client address.
        SplitInto(e, V(f, N.Param1), V(f, N.Param2));
        e.SourceIp = Ip(V(f, N.Param3));
        if (e.UserName is null && V(f, N.Message) is { } msg)
        {
            // Shippers that drop UserData (NXLog) keep only the rendered message:
            // "User: alice\r\nDomain: corp\r\nSource Network Address: 10.0.0.5"
            SplitInto(e, MessageLine(msg, "User:"), MessageLine(msg, "Domain:"));
            e.SourceIp = Ip(MessageLine(msg, "Source Network Address:"));
        }
        e.DestinationHost = e.Host;
    }

    private static void RdpCoreTs(LogEvent e, NormaliserFields f)
    {
        // 131: "The server accepted a new TCP connection from client 10.0.0.5:51234." → ClientIP "10.0.0.5:51234"
        if (V(f, N.ClientIP) is { } client)
        {
            var (ip, port) = SplitEndpoint(client);
            e.SourceIp = Ip(ip);
            e.SourcePort = port;
        }
        e.DestinationHost = e.Host;
        e.DestinationPort = 3389;
        e.Message = V(f, N.ConnType);
    }

    // ---------------- SSH ----------------

    private static void OpenSsh(LogEvent e, NormaliserFields f)
    {
        var payload = V(f, N.SshPayload) ?? V(f, N.Message);
        if (payload is not null) Ssh(e, payload);
    }

    private static void LinuxAuth(LogEvent e, NormaliserFields f)
    {
        var program = V(f, N.SyslogProgram) ?? e.Provider;
        var message = V(f, N.Message);
        e.Message = message;
        e.ProcessId = Pid(V(f, N.SyslogPid));
        if (message is null) return;
        if (program.StartsWith("sshd", StringComparison.Ordinal)) Ssh(e, message);
        else if (program == "sudo") Sudo(e, message);
    }

    private static void Ssh(LogEvent e, string message)
    {
        var m = SshMessage.Parse(message);
        if (m.Kind == EventKind.Other) { e.Message ??= message; return; }
        e.Kind = m.Kind;
        if (m.User is not null) SplitInto(e, m.User, null);
        e.SourceIp = Ip(m.Ip);
        e.SourcePort = m.Port;
        e.AuthPackage = m.Method;
        e.FailureReason = m.FailureReason;
        e.DestinationHost = e.Host;
        e.Message = message;
    }

    private static void Sudo(LogEvent e, string message)
    {
        // "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/ls /root"
        int colon = message.IndexOf(" : ", StringComparison.Ordinal);
        if (colon <= 0 || !message.Contains("COMMAND=", StringComparison.Ordinal)) return;
        e.Kind = EventKind.Sudo;
        SplitInto(e, message[..colon].Trim(), null);
        e.SubjectUserName = e.UserName;
        foreach (var part in message[(colon + 3)..].Split(" ; "))
        {
            if (part.StartsWith("COMMAND=", StringComparison.Ordinal)) e.CommandLine = part[8..];
            else if (part.StartsWith("USER=", StringComparison.Ordinal)) e.TargetServer = null; // run-as user kept in Message
        }
        e.ProcessImage = e.CommandLine is { } c ? FirstToken(c) : null;
    }

    // ---------------- services, Defender, anything else ----------------

    private static void Service(LogEvent e, NormaliserFields f)
    {
        e.ServiceName = V(f, N.ServiceName);
        e.ServiceImage = V(f, N.ImagePath) ?? V(f, N.ServiceFileName);
        UserFrom(e, V(f, N.AccountName));
        if (e.Kind == EventKind.Other) Generic(e, f);
    }

    private static void Defender(LogEvent e, NormaliserFields f)
    {
        string table = V(f, N.DefenderTable) ?? e.Channel;
        string? action = V(f, N.ActionType);
        e.Kind = EventKind.Other;
        foreach (var (t, a, kind) in DefenderKinds)
            if (t == table && (a is null || a == action)) { e.Kind = kind; break; }
        switch (table)
        {
            case "DeviceLogonEvents":
                Subject(e, f);
                Logon(e, f);
                // Defender writes LogonId as a decimal number; Windows as hex.
                break;
            case "DeviceProcessEvents":
                Subject(e, f);
                Process(e, f);
                break;
            case "DeviceNetworkEvents":
                Subject(e, f);
                Process(e, f);
                if (e.UserName is null) UserFromSubject(e);
                Network(e, f);
                break;
            default:
                Subject(e, f);
                Generic(e, f);
                e.ServiceName = V(f, N.ServiceName);
                e.ServiceImage = V(f, N.ImagePath);
                break;
        }
        e.Message ??= action;
    }

    /// <summary>Events without a specific rule still get the common fields they carry.</summary>
    private static void Generic(LogEvent e, NormaliserFields f)
    {
        if (e.SubjectUserName is null) Subject(e, f);
        Target(e, f);
        if (e.UserName is null) UserFrom(e, V(f, N.User) ?? V(f, N.AccountName));
        if (e.UserName is null) UserFromSubject(e);
        e.SourceIp ??= Ip(V(f, N.IpAddress));
        e.SourcePort ??= Port(V(f, N.IpPort));
        e.SourceHost ??= HostName(V(f, N.WorkstationName));
        e.LogonType ??= Int(f, N.LogonType);
        e.LogonId ??= LogonIdOf(f, N.TargetLogonId) ?? LogonIdOf(f, N.SubjectLogonId) ?? LogonIdOf(f, N.LogonId);
        e.ProcessImage ??= V(f, N.Image) ?? V(f, N.ProcessName) ?? V(f, N.NewProcessName);
        e.CommandLine ??= V(f, N.CommandLine);
        e.ProcessId ??= Pid(V(f, N.ProcessId));
        e.ShareName ??= V(f, N.ShareName);
        e.ServiceName ??= V(f, N.ServiceName);
        e.TaskName ??= V(f, N.TaskName);
        e.Status ??= V(f, N.Status);
        e.Message ??= V(f, N.Message);
    }

    // ---------------- field helpers ----------------

    private static void SetHost(LogEvent e)
    {
        if (string.IsNullOrEmpty(e.Computer)) return;
        e.Host = HostName(e.Computer);
        if (e.Host is null) return;
        // Remembered per host instance (HostName hands out one per computer name): no substring per event.
        e.HostShort = (t_shortHosts ??= new StringInstanceMemo(HostMemoSlots)).Get(e.Host, static host =>
        {
            int dot = host.IndexOf('.');
            return dot > 0 && !IsIpv4(host) ? host[..dot] : host;
        });
    }

    [ThreadStatic] private static StringInstanceMemo? t_shortHosts;

    private static void Subject(LogEvent e, NormaliserFields f)
    {
        var (name, domain) = SplitUser(V(f, N.SubjectUserName), V(f, N.SubjectDomainName));
        e.SubjectUserName = name;
        e.SubjectDomain = domain;
    }

    private static void UserFromSubject(LogEvent e)
    {
        if (e.SubjectUserName is null) return;
        e.UserName = e.SubjectUserName;
        e.UserDomain = e.SubjectDomain;
        e.UserSid ??= V(new NormaliserFields(e.Fields), N.SubjectUserSid);
    }

    private static void Target(LogEvent e, NormaliserFields f)
    {
        var (name, domain) = SplitUser(V(f, N.TargetUserName), V(f, N.TargetDomainName));
        if (name is null) return;
        e.UserName = name;
        e.UserDomain = domain;
        e.UserSid = V(f, N.TargetUserSid) ?? V(f, N.TargetSid);
    }

    private static void UserFrom(LogEvent e, string? raw)
    {
        var (name, domain) = SplitUser(raw, null);
        if (name is null) return;
        e.UserName = name;
        e.UserDomain = domain;
    }

    private static void SplitInto(LogEvent e, string? user, string? domain)
    {
        var (name, dom) = SplitUser(user, domain);
        e.UserName = name;
        e.UserDomain = dom;
    }

    private static void ProcessNameAndId(LogEvent e, NormaliserFields f)
    {
        e.ProcessImage = V(f, N.ProcessName);
        e.ProcessId = Pid(V(f, N.ProcessId));
    }

    /// <summary>
    /// A field's value, trimmed (renderings disagree on trailing blanks: a command line keeps them in
    /// EVTX, loses them in evtx_dump's JSON), with "-" and "" (Windows' "no value") as null.
    /// </summary>
    internal static string? V(EventFields f, string name) => Clean(f.Get(name));

    /// <summary><see cref="V(EventFields, string)"/> through the event's layout table (see <see cref="NormaliserFields"/>).</summary>
    private static string? V(NormaliserFields f, CanonicalName name) => Clean(f.Get(name));

    private static string? Clean(string? v)
    {
        if (v is null || v.Length == 0) return null;
        if (char.IsWhiteSpace(v[0]) || char.IsWhiteSpace(v[^1])) v = TrimShared(v);
        if (v.Length == 0 || v == "-") return null;
        return v;
    }

    /// <summary>
    /// <paramref name="s"/> trimmed. Values with trailing blanks repeat (LogonProcessName "User32 " in every
    /// interactive 4624), and readers hand out one instance per repeated value: the last results are kept by
    /// instance, so the same value is not trimmed into a new string for every event.
    /// </summary>
    private static string TrimShared(string s) => (t_trimmed ??= new StringInstanceMemo(TrimMemoSlots)).Get(s, static v => v.Trim())!;

    private const int TrimMemoSlots = 256;
    [ThreadStatic] private static StringInstanceMemo? t_trimmed;

    /// <summary>"DOMAIN\user" and "user@domain" split; an explicit domain wins; both lower-cased.</summary>
    public static (string? Name, string? Domain) SplitUser(string? user, string? domain)
    {
        if (user is null) return SplitUserCore(user, domain);
        // Readers hand out one instance per repeated value, and "NT AUTHORITY\SYSTEM" or "CORP\alice" repeat in most
        // events: the last results are kept by instance, so the same account is not cut and lower-cased into new
        // strings for every event.
        var memo = t_splits ??= new SplitMemo[SplitMemoSlots];
        int hash = RuntimeHelpers.GetHashCode(user) * 31 + (domain is null ? 0 : RuntimeHelpers.GetHashCode(domain));
        ref var slot = ref memo[hash & (SplitMemoSlots - 1)];
        if (ReferenceEquals(slot.User, user) && ReferenceEquals(slot.Domain, domain)) return (slot.Name, slot.SplitDomain);
        var result = SplitUserCore(user, domain);
        slot = new SplitMemo { User = user, Domain = domain, Name = result.Name, SplitDomain = result.Domain };
        return result;
    }

    private struct SplitMemo
    {
        public string? User, Domain, Name, SplitDomain;
    }

    private const int SplitMemoSlots = 512;
    [ThreadStatic] private static SplitMemo[]? t_splits;

    private static (string? Name, string? Domain) SplitUserCore(string? user, string? domain)
    {
        if (string.IsNullOrWhiteSpace(user) || user == "-") { var d = NullIfDash(domain); return (null, d is null ? null : LowerShared(d)); }
        user = user.Trim();
        string? dom = NullIfDash(domain);
        int bs = user.IndexOf('\\');
        if (bs >= 0)
        {
            dom ??= user[..bs];
            user = user[(bs + 1)..];
        }
        else
        {
            int at = user.LastIndexOf('@');
            if (at > 0 && at < user.Length - 1)
            {
                dom ??= user[(at + 1)..];
                user = user[..at];
            }
        }
        if (user.Length == 0) return (null, dom is null ? null : LowerShared(dom));
        return (LowerShared(user), string.IsNullOrEmpty(dom) ? null : LowerShared(dom));
    }

    private static string? NullIfDash(string? s) => string.IsNullOrWhiteSpace(s) || s == "-" ? null : s.Trim();

    /// <summary>Normalises an IP address: IPv4-mapped IPv6 → IPv4, brackets and zone dropped; "-"/"" → null.</summary>
    public static string? Ip(string? s)
    {
        if (string.IsNullOrWhiteSpace(s) || s == "-") return null;
        s = s.Trim();
        if (s.Length > 2 && s[0] == '[' && s[^1] == ']') s = s[1..^1];
        if (s.StartsWith("::ffff:", StringComparison.OrdinalIgnoreCase) && IsIpv4(s[7..])) return s[7..];
        int zone = s.IndexOf('%');
        if (zone > 0 && s.Contains(':')) s = s[..zone];
        return s.Contains(':') ? s.ToLowerInvariant() : s;
    }

    private static bool IsIpv4(string s)
    {
        int dots = 0;
        foreach (char c in s)
        {
            if (c == '.') dots++;
            else if (!char.IsAsciiDigit(c)) return false;
        }
        return dots == 3;
    }

    private static int? Port(string? s)
    {
        if (s is null || !int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int p) || p <= 0 || p > 65535) return null;
        return p;
    }

    private static int? Int(NormaliserFields f, CanonicalName name)
    {
        var s = V(f, name);
        if (s is null) return null;
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)) return v;
        if (LogonTypeNumbers.TryGetValue(s, out var num)) return int.Parse(num, CultureInfo.InvariantCulture);
        return null;
    }

    /// <summary>Decimal or 0x-hex process ids.</summary>
    private static long? Pid(string? s)
    {
        if (s is null) return null;
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return long.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out long h) ? h : null;
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long d) ? d : null;
    }

    /// <summary>Logon ids as lower-case hex ("0x3e7"), whether the source wrote hex or decimal.</summary>
    private static string? LogonIdOf(NormaliserFields f, CanonicalName name)
    {
        var s = V(f, name);
        if (s is null) return null;
        if (IsCanonicalHex(s)) return s; // already what the conversion below would give: no new string
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return ulong.TryParse(s.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out ulong h) ? "0x" + h.ToString("x", CultureInfo.InvariantCulture) : s.ToLowerInvariant();
        return ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong d) ? "0x" + d.ToString("x", CultureInfo.InvariantCulture) : s;
    }

    /// <summary>"0x" then lower-case hex digits without leading zeros ("0x0" for zero), at most 16 of them.</summary>
    private static bool IsCanonicalHex(string s)
    {
        if (s.Length < 3 || s.Length > 18 || s[0] != '0' || s[1] != 'x' || (s[2] == '0' && s.Length > 3)) return false;
        for (int i = 2; i < s.Length; i++)
            if (!char.IsAsciiDigit(s[i]) && s[i] is < 'a' or > 'f') return false;
        return true;
    }

    /// <summary>NTLM / Kerberos / Negotiate whatever the spelling; other packages as given.</summary>
    public static string? AuthPackageOf(string? s)
    {
        if (s is null) return null;
        s = s.Trim();
        if (s.Length == 0 || s == "-") return null;
        if (s.Contains("NTLM", StringComparison.OrdinalIgnoreCase) || s.Equals("MICROSOFT_AUTHENTICATION_PACKAGE_V1_0", StringComparison.OrdinalIgnoreCase)) return "NTLM";
        if (s.Contains("Kerberos", StringComparison.OrdinalIgnoreCase)) return "Kerberos";
        if (s.Contains("Negotiate", StringComparison.OrdinalIgnoreCase)) return "Negotiate";
        return s;
    }

    /// <summary>Lower-case host name; "\\HOST" prefixes dropped; "-"/"" null.</summary>
    private static string? HostName(string? s)
    {
        if (string.IsNullOrWhiteSpace(s) || s == "-") return null;
        // Readers hand out one string instance per repeated value, so the last results are kept
        // by instance: the same computer name is not lower-cased again for every event.
        return (t_hostNames ??= new StringInstanceMemo(HostMemoSlots)).Get(s, static v =>
        {
            string host = v.Trim().TrimStart('\\');
            return host.Length == 0 ? null : host.ToLowerInvariant();
        });
    }

    private const int HostMemoSlots = 256;
    [ThreadStatic] private static StringInstanceMemo? t_hostNames;

    private static string? Lower(string? s) => s is null ? null : LowerShared(s);

    /// <summary>
    /// <paramref name="s"/> lower-cased. Readers hand out one string instance per repeated value (user
    /// and domain names repeat in almost every event), so the last results are kept by instance and the
    /// same name is not lower-cased into a new string for every event.
    /// </summary>
    private static string LowerShared(string s) => (t_lowered ??= new StringInstanceMemo(LowerMemoSlots)).Get(s, static v => v.ToLowerInvariant())!;

    private const int LowerMemoSlots = 512;
    [ThreadStatic] private static StringInstanceMemo? t_lowered;

    private static (string? Ip, int? Port) SplitEndpoint(string s)
    {
        s = s.Trim();
        if (s.StartsWith('['))
        {
            int close = s.IndexOf(']');
            if (close > 0) return (s[1..close], close + 2 < s.Length ? Port(s[(close + 2)..]) : null);
        }
        int colon = s.LastIndexOf(':');
        if (colon > 0 && s.IndexOf(':') == colon) return (s[..colon], Port(s[(colon + 1)..]));
        return (s, null);
    }

    private static string? KeyValue(string text, string key)
    {
        // Line by line over spans: a script's context block can be kilobytes, and this runs up to four
        // times per PowerShell event; only the value found becomes a string.
        var rest = text.AsSpan();
        while (true)
        {
            int nl = rest.IndexOf('\n');
            var line = (nl < 0 ? rest : rest[..nl]).Trim();
            if (line.StartsWith(key, StringComparison.Ordinal))
            {
                var after = line[key.Length..].TrimStart();
                if (after.Length > 0 && after[0] == '=')
                {
                    var value = after[1..].Trim();
                    return value.Length == 0 ? null : value.ToString();
                }
            }
            if (nl < 0) return null;
            rest = rest[(nl + 1)..];
        }
    }

    /// <summary>The value after "Label:" on its own line of a rendered event message.</summary>
    private static string? MessageLine(string message, string label)
    {
        int i = message.IndexOf(label, StringComparison.Ordinal);
        if (i < 0) return null;
        int start = i + label.Length;
        int end = message.IndexOfAny(['\r', '\n'], start);
        var v = (end < 0 ? message[start..] : message[start..end]).Trim();
        return v.Length == 0 || v == "-" ? null : v;
    }

    private static string FirstToken(string commandLine)
    {
        commandLine = commandLine.Trim();
        if (commandLine.StartsWith('"'))
        {
            int close = commandLine.IndexOf('"', 1);
            return close > 0 ? commandLine[1..close] : commandLine.Trim('"');
        }
        int sp = commandLine.IndexOf(' ');
        return sp > 0 ? commandLine[..sp] : commandLine;
    }
}
