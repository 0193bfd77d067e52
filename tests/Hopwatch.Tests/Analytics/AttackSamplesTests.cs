using Hopwatch.Analytics;
using Hopwatch.Events;
using Hopwatch.Reading;
using Hopwatch.Tests.Support;
using Xunit.Abstractions;

namespace Hopwatch.Tests.Analytics;

/// <summary>
/// Real data: the Lateral Movement folder of EVTX-ATTACK-SAMPLES. Each file whose name states a
/// T1021 technique (RDP, SMB admin shares / PsExec and clones, DCOM, WinRM) — plus the two
/// pass-the-hash files — must get at least one alert from Hopwatch's own analytics (no Sigma) with
/// that technique. The expectation comes from the file name, not from the code.
/// </summary>
public class AttackSamplesTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(SharedData.Evtx, "attack-samples", "Lateral Movement");

    public static TheoryData<string, string> NamedFiles => new()
    {
        // RDP (T1021.001)
        { "LM_sysmon_1_12_13_3_tsclient_SharpRdp.evtx", "T1021.001" },
        { "LM_sysmon_3_12_13_1_SharpRDP.evtx", "T1021.001" },
        { "LM_tsclient_startup_folder.evtx", "T1021.001" },
        { "dfir_rdpsharp_target_RdpCoreTs_168_68_131.evtx", "T1021.001" },
        { "sharprdp_sysmon_7_mstscax.dll.evtx", "T1021.001" },
        // SMB / Windows admin shares, PsExec and clones (T1021.002)
        { "LM_REMCOM_5145_TargetHost.evtx", "T1021.002" },
        { "LM_Remote_Service01_5145_svcctl.evtx", "T1021.002" },
        { "LM_Remote_Service02_7045.evtx", "T1021.002" },
        { "LM_renamed_psexecsvc_5145.evtx", "T1021.002" },
        { "LM_sysmon_psexec_smb_meterpreter.evtx", "T1021.002" },
        { "smbmap_upload_exec_sysmon.evtx", "T1021.002" },
        // DCOM (T1021.003)
        { "LM_DCOM_MSHTA_LethalHTA_Sysmon_3_1.evtx", "T1021.003" },
        { "LM_dcom_shwnd_shbrwnd_mmc20_failed_traces_system_10016.evtx", "T1021.003" },
        { "LM_impacket_docmexec_mmc_sysmon_01.evtx", "T1021.003" },
        { "LM_sysmon_3_DCOM_ShellBrowserWindow_ShellWindows.evtx", "T1021.003" },
        // WinRM / PowerShell remoting (T1021.006)
        { "LM_PowershellRemoting_sysmon_1_wsmprovhost.evtx", "T1021.006" },
        { "LM_winrm_exec_sysmon_1_winrshost.evtx", "T1021.006" },
        { "LM_winrm_target_wrmlogs_91_wsmanShellStarted_poorLog.evtx", "T1021.006" },
        { "RemotePowerShell_MS_Windows-Remote_Management_EventID_169.evtx", "T1021.006" },
        // Pass the hash (T1550.002)
        { "LM_4624_mimikatz_sekurlsa_pth_source_machine.evtx", "T1550.002" },
        { "ImpersonateUser-via local Pass The Hash Sysmon and Security.evtx", "T1550.002" },
    };

    // Not in the list, on purpose:
    //  - DFIR_RDP_Client_TimeZone_RdpCoreTs_104_example.evtx holds only RdpCoreTS 104 (the client's
    //    time-zone bias): no account, no source, nothing that shows movement.
    //  - LM_5145_Remote_FileCopy.evtx (copy over C$ without execution) is lateral tool transfer
    //    (T1570); it is checked below not to be mistaken for remote execution.

    internal static List<Alert> Hunt(string path, out AnalyticsSuite suite)
    {
        var diag = new ReadDiagnostics();
        var events = EvidenceReader.Read(new[] { path }, new EvidenceReadOptions(), diag).OrderBy(e => e.Time).ToList();
        Assert.NotEmpty(events);
        suite = AnalyticsSuite.Create(AnalyticsConfig.Load(null), null, null);
        var alerts = new List<Alert>();
        foreach (var e in events) suite.Detectors[0].Process(e, alerts.Add);
        suite.Detectors[0].Complete(alerts.Add);
        return alerts;
    }

    [Theory]
    [MemberData(nameof(NamedFiles))]
    public void FileNamedForATechniqueGetsAnAlertWithIt(string file, string technique)
    {
        var alerts = Hunt(Path.Combine(Folder, file), out var suite);
        foreach (var a in alerts)
            output.WriteLine($"{a.Analytic} [{string.Join(",", a.Techniques)}] {a.Severity}: {a.Description}");
        Assert.Contains(alerts, a => a.Techniques.Contains(technique));
        Assert.Empty(suite.Suppressed);
        foreach (var a in alerts)
        {
            Assert.NotEmpty(a.Evidence);
            Assert.All(a.Evidence, ev => Assert.EndsWith(file, ev.File));
            Assert.Equal(AlertIds.For(a.Analytic, a.RuleId, a.Evidence), a.Id);
        }
    }

    [Fact]
    public void FileCopyOverCDollarIsNotRemoteExecution()
    {
        var alerts = Hunt(Path.Combine(Folder, "LM_5145_Remote_FileCopy.evtx"), out _);
        foreach (var a in alerts) output.WriteLine($"{a.Analytic}: {a.Description}");
        Assert.DoesNotContain(alerts, a => a.Analytic == "admin-share-exec");
    }
}
