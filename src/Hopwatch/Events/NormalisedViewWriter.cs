using System.Globalization;
using System.Text.Json;

namespace Hopwatch.Events;

/// <summary>Writes the typed normalised view of an event as a JSON object (only the properties that are set).</summary>
public static class NormalisedViewWriter
{
    public static void Write(Utf8JsonWriter w, LogEvent e)
    {
        w.WriteStartObject();
        w.WriteString("kind", e.Kind.ToString());
        w.WriteString("format", e.Format.ToString());
        Str(w, "host", e.Host);
        Str(w, "host_short", e.HostShort);
        Str(w, "user", e.UserName);
        Str(w, "user_domain", e.UserDomain);
        Str(w, "user_sid", e.UserSid);
        Str(w, "subject_user", e.SubjectUserName);
        Str(w, "subject_domain", e.SubjectDomain);
        Str(w, "target_server", e.TargetServer);
        Str(w, "source_host", e.SourceHost);
        Str(w, "source_ip", e.SourceIp);
        Num(w, "source_port", e.SourcePort);
        Str(w, "destination_host", e.DestinationHost);
        Str(w, "destination_ip", e.DestinationIp);
        Num(w, "destination_port", e.DestinationPort);
        Num(w, "logon_type", e.LogonType);
        Str(w, "logon_id", e.LogonId);
        Str(w, "auth_package", e.AuthPackage);
        Str(w, "logon_process", e.LogonProcess);
        Num(w, "key_length", e.KeyLength);
        Str(w, "elevated_token", e.ElevatedToken);
        Str(w, "process_image", e.ProcessImage);
        Str(w, "command_line", e.CommandLine);
        Str(w, "parent_image", e.ParentImage);
        Str(w, "parent_command_line", e.ParentCommandLine);
        Num(w, "process_id", e.ProcessId);
        Num(w, "parent_process_id", e.ParentProcessId);
        Str(w, "target_image", e.TargetImage);
        Str(w, "share_name", e.ShareName);
        Str(w, "relative_target_name", e.RelativeTargetName);
        Str(w, "access_mask", e.AccessMask);
        Str(w, "service_name", e.ServiceName);
        Str(w, "service_image", e.ServiceImage);
        Str(w, "task_name", e.TaskName);
        Str(w, "status", e.Status);
        Str(w, "sub_status", e.SubStatus);
        Str(w, "failure_reason", e.FailureReason);
        Str(w, "session_id", e.SessionId);
        Str(w, "message", e.Message);
        w.WriteEndObject();
    }

    private static void Str(Utf8JsonWriter w, string name, string? v)
    {
        if (v is not null) w.WriteString(name, v);
    }

    private static void Num(Utf8JsonWriter w, string name, long? v)
    {
        if (v is not null) w.WriteNumber(name, v.Value);
    }
}
