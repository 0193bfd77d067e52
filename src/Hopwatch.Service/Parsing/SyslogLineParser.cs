using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Hopwatch.Events;

namespace Hopwatch.Service.Parsing;

/// <summary>
/// Minimal syslog line reader (RFC 5424, RFC 3164 and plain auth.log lines) for the service's
/// fallback parser: header fields, and the sshd logon lines the T1021.004 analytics need.
/// </summary>
public static partial class SyslogLineParser
{
    // <PRI>1 TIMESTAMP HOST APP PROCID MSGID [SD] MSG
    [GeneratedRegex(@"^(?:<(?<pri>\d{1,3})>)?1 (?<ts>\S+) (?<host>\S+) (?<app>\S+) (?<pid>\S+) (?<msgid>\S+) (?:-|(?:\[.*?\])+) ?(?<msg>.*)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Rfc5424();

    // [<PRI>]Mmm dd hh:mm:ss HOST TAG[PID]: MSG   or   ISO-TIMESTAMP HOST TAG[PID]: MSG
    [GeneratedRegex(@"^(?:<(?<pri>\d{1,3})>)?(?<ts>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT\S+) (?<host>\S+) (?<app>[^:\[\s]+)(?:\[(?<pid>\d+)\])?: ?(?<msg>.*)$", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex Bsd();

    [GeneratedRegex(@"^(?<what>Accepted|Failed) (?<method>\S+) for (?:invalid user )?(?<user>\S+) from (?<ip>\S+) port (?<port>\d+)", RegexOptions.CultureInvariant, 1000)]
    private static partial Regex SshAuth();

    public static LogEvent Parse(ReadOnlySpan<byte> line, string source, long seq, long acceptedUnixMs)
    {
        string text = Encoding.UTF8.GetString(line);
        var accepted = DateTimeOffset.FromUnixTimeMilliseconds(acceptedUnixMs).UtcDateTime;
        var e = new LogEvent { File = source, RecordId = seq, Format = SourceFormat.Syslog, Time = accepted, Channel = "syslog" };
        string msg = text;
        try
        {
            var m = Rfc5424().Match(text);
            if (!m.Success) m = Bsd().Match(text);
            if (m.Success)
            {
                e.Computer = m.Groups["host"].Value;
                e.Provider = m.Groups["app"].Value;
                msg = m.Groups["msg"].Value;
                e.Time = ParseTime(m.Groups["ts"].Value, accepted);
                e.Fields.Add("Hostname", e.Computer);
                e.Fields.Add("Program", e.Provider);
                if (m.Groups["pid"].Success && m.Groups["pid"].Value != "-") e.Fields.Add("Pid", m.Groups["pid"].Value);
            }
            e.Message = msg;
            e.Fields.Add("Message", msg);
            if (e.Provider == "sshd")
            {
                var s = SshAuth().Match(msg);
                if (s.Success)
                {
                    e.Kind = s.Groups["what"].Value == "Accepted" ? EventKind.SshLogin : EventKind.SshFailedLogin;
                    e.UserName = s.Groups["user"].Value.ToLowerInvariant();
                    e.SourceIp = s.Groups["ip"].Value;
                    e.SourcePort = int.TryParse(s.Groups["port"].Value, out int p) ? p : null;
                    e.AuthPackage = s.Groups["method"].Value;
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            e.Message = msg;
        }
        Normaliser.Normalise(e);
        return e;
    }

    private static DateTime ParseTime(string ts, DateTime accepted)
    {
        if (DateTime.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) && ts.Contains('T'))
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        // RFC 3164 has no year: take the receiving year, the previous one when that would put it in the future.
        if (DateTime.TryParseExact(accepted.Year + " " + ts.Replace("  ", " "), "yyyy MMM d HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out t))
        {
            if (t > accepted.AddDays(1)) t = t.AddYears(-1);
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        }
        return accepted;
    }
}
