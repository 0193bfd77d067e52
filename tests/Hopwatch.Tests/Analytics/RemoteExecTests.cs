using Hopwatch.Analytics;
using Hopwatch.Events;

namespace Hopwatch.Tests.Analytics;

public class RemoteExecTests
{
    [Fact]
    public void AdminShareWriteThenServiceIsAdminShareExecIncludingRenamedPsexec()
    {
        var events = new List<LogEvent>
        {
            Ev.Share(Ev.At(15), "srv07", "jsmith", "10.6.0.5", "ADMIN$", "upd4te.exe"),
            Ev.Service(Ev.At(15, 0.2), "srv07", "upd4te", @"%SystemRoot%\upd4te.exe"),
            Ev.Process(Ev.At(15, 0.3), "srv07", @"C:\Windows\upd4te.exe", @"C:\Windows\System32\services.exe", @"C:\Windows\upd4te.exe"),
        };
        var (alerts, _) = Ev.Run(events);
        var a = Assert.Single(alerts, x => x.Analytic == "admin-share-exec");
        Assert.Contains("T1021.002", a.Techniques);
        Assert.Equal(Severity.High, a.Severity);
        Assert.Contains("srv07", a.Entities.TargetHosts);
        Assert.Contains("10.6.0.5", a.Entities.SourceIps);
        Assert.Contains((List<string>)a.Details!["signals"]!, s => s.Contains("binary written over SMB"));
    }

    [Fact]
    public void AdminShareBrowsingAloneIsNotRemoteExecution()
    {
        var events = new List<LogEvent>
        {
            Ev.Share(Ev.At(15), "srv07", "jsmith", "10.6.0.5", "C$", @"Users\x\report.docx"),
            Ev.Share(Ev.At(15, 1), "srv07", "jsmith", "10.6.0.5", "IPC$", "srvsvc"),
        };
        var (alerts, _) = Ev.Run(events);
        Assert.DoesNotContain(alerts, a => a.Analytic == "admin-share-exec");
    }

    /// <summary>Reference 000, alert 2: an HR workstation runs commands over WinRM on 6 servers.</summary>
    [Fact]
    public void WinRmFromAnHrWorkstationToSixServersIsOneRaisedAlert()
    {
        var events = new List<LogEvent>();
        for (int i = 0; i < 6; i++)
        {
            var srv = "srv1" + i;
            var id = "0x" + (0xb000 + i).ToString("x");
            events.Add(Ev.Logon(Ev.At(16, i), srv, "da_admin", "10.7.0.7", 3, "ws-hr-007", logonId: id));
            events.Add(Ev.Process(Ev.At(16, i + 0.1), srv, @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
                @"C:\Windows\System32\wsmprovhost.exe", "powershell -enc SQBFAFgA", "da_admin", id));
        }
        var assets = Ev.Assets("host,ip,role,owner,department\nws-hr-007,10.7.0.7,workstation,carol,HR\n");
        var (alerts, _) = Ev.Run(events, assets: assets);
        var w = Assert.Single(alerts, a => a.Analytic == "winrm-exec");
        Assert.Contains("T1021.006", w.Techniques);
        Assert.Equal(6, w.Details!["target_count"]);
        Assert.Equal("ws-hr-007", w.Details["source"]);
        Assert.Contains("HR", w.Description);
        Assert.Equal(Severity.Critical, w.Severity); // medium + non-admin source + 6 targets + privileged name
    }

    [Fact]
    public void PlainNetworkLogonsWithoutRemotingAreNoWinRm()
    {
        var events = Enumerable.Range(0, 6).Select(i => Ev.Logon(Ev.At(16, i), "srv1" + i, "jdoe", "10.7.0.7", 3)).ToList();
        var (alerts, _) = Ev.Run(events);
        Assert.DoesNotContain(alerts, a => a.Analytic == "winrm-exec");
    }

    [Fact]
    public void MmcEmbeddingSpawningAShellIsDcomExec()
    {
        var events = new List<LogEvent>
        {
            Ev.Process(Ev.At(17), "srv20", @"C:\Windows\System32\mmc.exe", @"C:\Windows\System32\svchost.exe", @"C:\Windows\system32\mmc.exe -Embedding"),
            Ev.Process(Ev.At(17, 0.1), "srv20", @"C:\Windows\System32\cmd.exe", @"C:\Windows\System32\mmc.exe", "cmd.exe /Q /c whoami"),
        };
        var (alerts, _) = Ev.Run(events);
        var d = Assert.Single(alerts, a => a.Analytic == "dcom-exec");
        Assert.Contains("T1021.003", d.Techniques);
        Assert.Equal(Severity.Critical, d.Severity); // high, raised because a COM activation was followed by a shell
    }

    [Fact]
    public void ShellFromExplorerInAnInteractiveSessionIsNoDcom()
    {
        var events = new[] { Ev.Process(Ev.At(17), "ws20", @"C:\Windows\System32\cmd.exe", @"C:\Windows\explorer.exe", "cmd.exe") };
        var (alerts, _) = Ev.Run(events);
        Assert.DoesNotContain(alerts, a => a.Analytic == "dcom-exec");
    }
}
