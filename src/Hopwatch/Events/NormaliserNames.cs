namespace Hopwatch.Events;

/// <summary>
/// The field names the <see cref="Normaliser"/> reads, each with a number, so that an event's lookups go
/// through a table per field layout (<see cref="NormaliserFields"/>) instead of a search per name.
/// </summary>
internal static class NormaliserNames
{
    public static readonly CanonicalName AccessMask = new(FieldMap.AccessMask);
    public static readonly CanonicalName AccountDomain = new(FieldMap.AccountDomain);
    public static readonly CanonicalName AccountName = new(FieldMap.AccountName);
    public static readonly CanonicalName ActionType = new(FieldMap.ActionType);
    public static readonly CanonicalName Address = new(FieldMap.Address);
    public static readonly CanonicalName Application = new(FieldMap.Application);
    public static readonly CanonicalName AuthenticationMechanism = new(FieldMap.AuthenticationMechanism);
    public static readonly CanonicalName AuthenticationPackageName = new(FieldMap.AuthenticationPackageName);
    public static readonly CanonicalName ClientAddress = new(FieldMap.ClientAddress);
    public static readonly CanonicalName ClientIP = new(FieldMap.ClientIP);
    public static readonly CanonicalName ClientName = new(FieldMap.ClientName);
    public static readonly CanonicalName CommandLine = new(FieldMap.CommandLine);
    public static readonly CanonicalName ConnType = new(FieldMap.ConnType);
    public static readonly CanonicalName Connection = new(FieldMap.Connection);
    public static readonly CanonicalName ContextInfo = new(FieldMap.ContextInfo);
    public static readonly CanonicalName DefenderTable = new(FieldMap.DefenderTable);
    public static readonly CanonicalName DestAddress = new(FieldMap.DestAddress);
    public static readonly CanonicalName DestPort = new(FieldMap.DestPort);
    public static readonly CanonicalName DestinationHostname = new(FieldMap.DestinationHostname);
    public static readonly CanonicalName DestinationIp = new(FieldMap.DestinationIp);
    public static readonly CanonicalName DestinationPort = new(FieldMap.DestinationPort);
    public static readonly CanonicalName Direction = new(FieldMap.Direction);
    public static readonly CanonicalName ElevatedToken = new(FieldMap.ElevatedToken);
    public static readonly CanonicalName FailureReason = new(FieldMap.FailureReason);
    public static readonly CanonicalName GrantedAccess = new(FieldMap.GrantedAccess);
    public static readonly CanonicalName HostApplication = new(FieldMap.HostApplication);
    public static readonly CanonicalName Image = new(FieldMap.Image);
    public static readonly CanonicalName ImageLoaded = new(FieldMap.ImageLoaded);
    public static readonly CanonicalName ImagePath = new(FieldMap.ImagePath);
    public static readonly CanonicalName Initiated = new(FieldMap.Initiated);
    public static readonly CanonicalName IpAddress = new(FieldMap.IpAddress);
    public static readonly CanonicalName IpPort = new(FieldMap.IpPort);
    public static readonly CanonicalName KeyLength = new(FieldMap.KeyLength);
    public static readonly CanonicalName LmPackageName = new(FieldMap.LmPackageName);
    public static readonly CanonicalName LogonID = new(FieldMap.LogonID);
    public static readonly CanonicalName LogonId = new(FieldMap.LogonId);
    public static readonly CanonicalName LogonProcessName = new(FieldMap.LogonProcessName);
    public static readonly CanonicalName LogonType = new(FieldMap.LogonType);
    public static readonly CanonicalName Message = new(FieldMap.Message);
    public static readonly CanonicalName NewProcessId = new(FieldMap.NewProcessId);
    public static readonly CanonicalName NewProcessName = new(FieldMap.NewProcessName);
    public static readonly CanonicalName PackageName = new(FieldMap.PackageName);
    public static readonly CanonicalName ParentCommandLine = new(FieldMap.ParentCommandLine);
    public static readonly CanonicalName ParentImage = new(FieldMap.ParentImage);
    public static readonly CanonicalName ParentProcessId = new(FieldMap.ParentProcessId);
    public static readonly CanonicalName ParentProcessName = new(FieldMap.ParentProcessName);
    public static readonly CanonicalName Payload = new(FieldMap.Payload);
    public static readonly CanonicalName ProcessId = new(FieldMap.ProcessId);
    public static readonly CanonicalName ProcessName = new(FieldMap.ProcessName);
    public static readonly CanonicalName RelativeTargetName = new(FieldMap.RelativeTargetName);
    public static readonly CanonicalName ResourceUri = new(FieldMap.ResourceUri);
    public static readonly CanonicalName ScriptBlockText = new(FieldMap.ScriptBlockText);
    public static readonly CanonicalName Security_UserID = new(FieldMap.Security_UserID);
    public static readonly CanonicalName ServiceFileName = new(FieldMap.ServiceFileName);
    public static readonly CanonicalName ServiceName = new(FieldMap.ServiceName);
    public static readonly CanonicalName SessionID = new(FieldMap.SessionID);
    public static readonly CanonicalName SessionName = new(FieldMap.SessionName);
    public static readonly CanonicalName ShareName = new(FieldMap.ShareName);
    public static readonly CanonicalName SourceAddress = new(FieldMap.SourceAddress);
    public static readonly CanonicalName SourceHostname = new(FieldMap.SourceHostname);
    public static readonly CanonicalName SourceImage = new(FieldMap.SourceImage);
    public static readonly CanonicalName SourceIp = new(FieldMap.SourceIp);
    public static readonly CanonicalName SourcePort = new(FieldMap.SourcePort);
    public static readonly CanonicalName SourceProcessId = new(FieldMap.SourceProcessId);
    public static readonly CanonicalName SshPayload = new(FieldMap.SshPayload);
    public static readonly CanonicalName Status = new(FieldMap.Status);
    public static readonly CanonicalName SubStatus = new(FieldMap.SubStatus);
    public static readonly CanonicalName SubjectDomainName = new(FieldMap.SubjectDomainName);
    public static readonly CanonicalName SubjectLogonId = new(FieldMap.SubjectLogonId);
    public static readonly CanonicalName SubjectUserName = new(FieldMap.SubjectUserName);
    public static readonly CanonicalName SubjectUserSid = new(FieldMap.SubjectUserSid);
    public static readonly CanonicalName SyslogPid = new(FieldMap.SyslogPid);
    public static readonly CanonicalName SyslogProgram = new(FieldMap.SyslogProgram);
    public static readonly CanonicalName TargetDomainName = new(FieldMap.TargetDomainName);
    public static readonly CanonicalName TargetFilename = new(FieldMap.TargetFilename);
    public static readonly CanonicalName TargetImage = new(FieldMap.TargetImage);
    public static readonly CanonicalName TargetLogonId = new(FieldMap.TargetLogonId);
    public static readonly CanonicalName TargetServerName = new(FieldMap.TargetServerName);
    public static readonly CanonicalName TargetSid = new(FieldMap.TargetSid);
    public static readonly CanonicalName TargetUserName = new(FieldMap.TargetUserName);
    public static readonly CanonicalName TargetUserSid = new(FieldMap.TargetUserSid);
    public static readonly CanonicalName TaskName = new(FieldMap.TaskName);
    public static readonly CanonicalName User = new(FieldMap.User);
    public static readonly CanonicalName UserName = new(FieldMap.UserName);
    public static readonly CanonicalName Workstation = new(FieldMap.Workstation);
    public static readonly CanonicalName WorkstationName = new(FieldMap.WorkstationName);
    public static readonly CanonicalName Param1 = new(FieldMap.Param1);
    public static readonly CanonicalName Param2 = new(FieldMap.Param2);
    public static readonly CanonicalName Param3 = new(FieldMap.Param3);
    public static readonly CanonicalName SessionGuidLiteral = new("SessionGUID");
    public static readonly CanonicalName SessionIdLiteral = new("SessionId");
    /// <summary>auditd record type.</summary>
    public static readonly CanonicalName AuditType = new("type");
    /// <summary>WinRM events name the user "username".</summary>
    public static readonly CanonicalName WinRmUserName = new("username");

    /// <summary>Every name above (for pooling the same instances in readers).</summary>
    public static readonly CanonicalName[] All = CanonicalName.Created();

    /// <summary>How many names there are, once all of the above exist (initialisers run in order): the size of a layout table.</summary>
    public static readonly int Count = CanonicalName.Count;
}
