using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Hopwatch.Service.Syslog;
using Hopwatch.Service.Tail;
using Hopwatch.Service.Tests.Support;

namespace Hopwatch.Service.Tests;

/// <summary>Syslog over TCP and UDP, directory tailing with rotation, TLS.</summary>
public class InputsTests
{
    private static async Task WaitFor(Func<bool> condition, string what)
    {
        for (var until = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < until; await Task.Delay(25))
            if (condition()) return;
        throw new TimeoutException(what);
    }

    [Fact]
    public async Task Frame_reader_handles_octet_counting_newlines_and_oversized_messages()
    {
        var msg1 = "<38>1 2024-03-01T10:00:00Z web1 sshd 1 - - first\nwith a line break";
        var long3 = new string('x', 300);
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(
            $"{Encoding.UTF8.GetByteCount(msg1)} {msg1}" + "<38>Mar  1 10:01:00 web2 app: second\n" +
            $"{long3.Length} {long3}" + "2024-03-01T10:03:00Z web3 app: fourth starts with a digit\n" + "last without newline"));
        var reader = new SyslogFrameReader(stream, maxMessage: 100);
        var got = new List<(string, bool)>();
        while (await reader.ReadAsync(CancellationToken.None) is { } m) got.Add((Encoding.UTF8.GetString(m.Span), reader.LastWasTruncated));
        Assert.Equal(5, got.Count);
        Assert.Equal((msg1, false), got[0]);
        Assert.Equal(("<38>Mar  1 10:01:00 web2 app: second", false), got[1]);
        Assert.Equal((new string('x', 100), true), got[2]);
        Assert.Equal("2024-03-01T10:03:00Z web3 app: fourth starts with a digit", got[3].Item1);
        Assert.Equal("last without newline", got[4].Item1);
    }

    [Fact]
    public async Task Syslog_over_tcp_and_udp_raises_ssh_login_alerts()
    {
        await using var s = await RunningService.Start(o => { o.SyslogTcp = "127.0.0.1:0"; o.SyslogUdp = "127.0.0.1:0"; });
        var rfc5424 = "<38>1 2024-03-01T10:00:00Z web1 sshd 123 - - Accepted password for bob from 10.0.0.5 port 4242 ssh2";
        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(s.Service.SyslogTcpEndPoint!);
            var stream = tcp.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"{Encoding.UTF8.GetByteCount(rfc5424)} {rfc5424}"));
            await stream.WriteAsync("<38>Mar  1 10:01:00 web2 sshd[77]: Accepted publickey for carol from 10.0.0.6 port 5000 ssh2\n"u8.ToArray());
            await stream.WriteAsync("<38>Mar  1 10:01:30 web2 sshd[78]: Failed password for invalid user admin from 10.0.0.66 port 5100 ssh2\n"u8.ToArray());
        }
        using (var udp = new UdpClient())
            await udp.SendAsync("<38>Mar  1 10:02:00 web3 sshd[79]: Accepted password for dave from 10.0.0.7 port 5001 ssh2"u8.ToArray(), s.Service.SyslogUdpEndPoint!);

        await WaitFor(() => s.Service.Spool.NextSeq - 1 == 4, "4 syslog messages spooled");
        await s.WaitProcessed();
        var alerts = (await s.GetJson("/api/v1/alerts?analytic=remote-logon")).AsArray();
        var users = alerts.Select(a => (string)a!["entities"]!["users"]![0]!).Order().ToList();
        Assert.Equal(["bob", "carol", "dave"], users);
        var bob = alerts.Single(a => (string?)a!["entities"]!["users"]![0] == "bob")!;
        Assert.Equal("10.0.0.5", (string?)bob["entities"]!["source_ips"]![0]);
        Assert.Equal("2024-03-01T10:00:00.0000000Z", (string?)bob["time_first"]);
        Assert.Equal("syslog-tcp", (string?)bob["evidence"]![0]!["file"]);
        Assert.Contains(alerts, a => (string?)a!["evidence"]![0]!["file"] == "syslog-udp");
    }

    [Fact]
    public async Task Tailing_follows_growth_and_rotation_without_rereading()
    {
        await using var s = await RunningService.Start();
        var dir = TestData.TempDir("tail");
        var log = Path.Combine(dir, "auth.log");
        File.WriteAllText(log, "Mar  1 10:00:00 h1 sshd[1]: line one\nMar  1 10:00:01 h1 sshd[1]: line two\nMar  1 10:00:02 h1 sshd[1]: line three\n");
        using var tailer = new DirectoryTailer(dir, s.Service);
        await tailer.PollOnce();
        Assert.Equal(3, s.Service.Spool.NextSeq - 1);

        // Growth, with a line still being written (no newline yet): only whole lines are taken.
        File.AppendAllText(log, "Mar  1 10:00:03 h1 sshd[1]: line four\nMar  1 10:00:04 h1 sshd[1]: line fi");
        await tailer.PollOnce();
        Assert.Equal(4, s.Service.Spool.NextSeq - 1);
        File.AppendAllText(log, "ve\n");

        // Rotation: the old file gets renamed (and one late line), a new file starts.
        File.Move(log, log + ".1");
        File.AppendAllText(log + ".1", "Mar  1 10:00:05 h1 sshd[1]: line six\n");
        File.WriteAllText(log, "Mar  1 11:00:00 h1 sshd[2]: new file one\n");
        await tailer.PollOnce();
        Assert.Equal(7, s.Service.Spool.NextSeq - 1);
        await tailer.PollOnce();
        Assert.Equal(7, s.Service.Spool.NextSeq - 1);

        // A new tailer (a restart) continues from the stored offsets.
        using var again = new DirectoryTailer(dir, s.Service);
        await again.PollOnce();
        Assert.Equal(7, s.Service.Spool.NextSeq - 1);

        // Truncated in place (copytruncate): read from the start again.
        File.WriteAllText(log, "Mar  1 12:00:00 h1 sshd[3]: after truncate\n");
        await again.PollOnce();
        Assert.Equal(8, s.Service.Spool.NextSeq - 1);

        await s.WaitProcessed();
        Assert.Equal(8, s.Service.Metrics.EventsParsed);
    }

    [Fact]
    public async Task Tls_is_served_when_a_certificate_is_configured()
    {
        var dir = TestData.TempDir("tls");
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = Path.Combine(dir, "cert.pfx");
        File.WriteAllBytes(pfx, cert.Export(X509ContentType.Pfx, "pw"));
        await using var s = await RunningService.Start(o => { o.TlsCertPath = pfx; o.TlsPassword = "pw"; });
        Assert.Equal("https", s.Service.BaseAddress!.Scheme);
        var thumb = cert.Thumbprint;
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, c, _, _) => c?.Thumbprint == thumb };
        using var https = new HttpClient(handler) { BaseAddress = s.Service.BaseAddress };
        Assert.Equal(HttpStatusCode.OK, (await https.GetAsync("/health")).StatusCode);
        using var plain = new HttpClient { BaseAddress = new Uri("http://" + s.Service.BaseAddress.Authority) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => plain.GetAsync("/health"));
    }
}
