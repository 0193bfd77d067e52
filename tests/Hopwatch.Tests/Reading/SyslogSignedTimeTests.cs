using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading;

namespace Hopwatch.Tests.Reading;

/// <summary>
/// A syslog time field with a sign ("-1:04:05", which int parsing accepts) is a bad line with a warning, not
/// an exception: it crashed `dump` and made the mutation test fail whenever its (per-process) seed produced one.
/// </summary>
public class SyslogSignedTimeTests
{
    [Theory]
    [InlineData("Jan  2 -1:04:05 host sshd[1]: Accepted password for bob from 10.0.0.1 port 22 ssh2")]
    [InlineData("Jan  2 03:-4:05 host sshd[1]: Accepted password for bob from 10.0.0.1 port 22 ssh2")]
    [InlineData("Jan  2 03:04:-5 host sshd[1]: Accepted password for bob from 10.0.0.1 port 22 ssh2")]
    public void A_signed_time_field_is_a_warning(string line)
    {
        var good = "Jan  2 03:04:05 host sshd[1]: Accepted password for alice from 10.0.0.2 port 22 ssh2";
        var diag = new ReadDiagnostics();
        var body = new MemoryStream(Encoding.UTF8.GetBytes(good + "\n" + line + "\n" + good + "\n"));
        var options = new EvidenceReadOptions { Format = SourceFormat.AuthLog, SyslogReferenceTime = new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc) };
        var events = EvidenceReader.ReadStream(body, "auth.log", options, diag).ToList();
        Assert.Equal(2, events.Count);
        Assert.Equal(1, diag.WarningCount);
    }
}
