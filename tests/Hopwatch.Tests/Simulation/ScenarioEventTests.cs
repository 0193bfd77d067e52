using Hopwatch.Simulation;

namespace Hopwatch.Tests.Simulation;

/// <summary>
/// Each scenario writes the events Windows, Sysmon and sshd write for it: event ids, channels,
/// providers, logon types, authentication packages and field names as in reference 002/003/000.
/// Only the attack's own events are checked (benign traffic of the same day is filtered out by truth).
/// </summary>
public sealed class ScenarioEventTests
{
    private const int Hosts = 40;

    private static (TruthScenario Truth, List<SimEvent> Events) Run(string scenario)
    {
        var (r, events) = SimulationFixture.InMemory(3, Hosts, 1, scenario);
        var t = Assert.Single(r.Truth.Scenarios);
        Assert.Equal(scenario, t.Name);
        Assert.True(t.EventCount > 0);
        return (t, events);
    }

    private static IEnumerable<SimEvent> Of(IEnumerable<SimEvent> events, string channel, int id) =>
        events.Where(e => e.Schema.Channel == channel && e.Schema.EventId == id);

    private static IEnumerable<SimEvent> Logons(IEnumerable<SimEvent> events, string user, string logonType) =>
        Of(events, "Security", 4624).Where(e => e.Get("TargetUserName") == user && e.Get("LogonType") == logonType);

    [Fact]
    public void RdpChainIsEightType10HopsIn35MinutesEndingAtADomainController()
    {
        var (t, events) = Run("rdp-chain-8");
        var hops = Logons(events, "DA_svc_backup", "10").OrderBy(e => e.Time).ToList();
        Assert.Equal(8, hops.Select(e => e.Host.Name).Distinct().Count());
        Assert.StartsWith("DC", hops[^1].Host.Name);
        Assert.Equal("Microsoft-Windows-Security-Auditing", hops[0].Schema.Provider);
        Assert.All(hops, h => Assert.Equal("Negotiate", h.Get("AuthenticationPackageName")));
        Assert.All(hops, h => Assert.Equal("User32 ", h.Get("LogonProcessName")));
        var span = hops[^1].Time - hops[0].Time;
        Assert.InRange(span.TotalMinutes, 25, 40);
        // Each hop comes from the previous one: the target logs the previous hop's address.
        for (int i = 1; i < hops.Count; i++) Assert.Equal(hops[i - 1].Host.Ip, hops[i].Get("IpAddress"));
        foreach (var hop in hops)
        {
            Assert.Contains(Of(events, "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational", 1149),
                e => e.Host == hop.Host && e.Get("Param1") == "DA_svc_backup" && e.Get("Param3") == hop.Get("IpAddress"));
            Assert.Contains(Of(events, "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", 21),
                e => e.Host == hop.Host && e.Get("User") == @"CORP\DA_svc_backup" && e.Get("Address") == hop.Get("IpAddress"));
            Assert.Contains(Of(events, "Security", 4672), e => e.Host == hop.Host && e.Get("SubjectLogonId") == hop.Get("TargetLogonId"));
        }
        Assert.Equal(8, t.TargetHosts.Count);
        Assert.Contains("T1021.001", t.Techniques);
    }

    [Fact]
    public void PassTheHashIsNtlmV2KeyLengthZeroToCDollarOn12ServersIn8Minutes()
    {
        var (t, events) = Run("pth-admin-shares-12");
        var logons = Logons(events, "local_admin", "3").ToList();
        Assert.Equal(12, logons.Select(e => e.Host.Name).Distinct().Count());
        Assert.All(logons, e =>
        {
            Assert.Equal("NTLM", e.Get("AuthenticationPackageName"));
            Assert.Equal("NTLM V2", e.Get("LmPackageName"));
            Assert.Equal("NtLmSsp ", e.Get("LogonProcessName"));
            Assert.Equal("0", e.Get("KeyLength"));
            Assert.Equal("%%1842", e.Get("ElevatedToken")); // local administrator: elevated token
            Assert.Equal(e.Host.Name, e.Get("TargetDomainName")); // a local account: the domain is the machine
        });
        Assert.Single(logons.Select(e => e.Get("IpAddress")).Distinct());
        Assert.True((logons.Max(e => e.Time) - logons.Min(e => e.Time)).TotalMinutes <= 8);
        foreach (var l in logons)
            Assert.Contains(Of(events, "Security", 5140), e => e.Host == l.Host && e.Get("ShareName") == @"\\*\C$" && e.Get("SubjectUserName") == "local_admin");
        // No Kerberos for the hash: no service tickets for local_admin, NTLM validated on the target itself.
        Assert.DoesNotContain(Of(events, "Security", 4769), e => e.Get("TargetUserName")!.StartsWith("local_admin", StringComparison.Ordinal));
        Assert.Contains(Of(events, "Security", 4776), e => e.Get("TargetUserName") == "local_admin" && t.TargetHosts.Contains(e.Host.Name));
        // sekurlsa::pth on the source: logon type 9 through seclogo.
        Assert.Contains(Of(events, "Security", 4624), e => e.Get("LogonType") == "9" && e.Get("LogonProcessName") == "seclogo" && t.SourceHosts.Contains(e.Host.Name));
        Assert.Equal(["T1021.002", "T1550.002"], t.Techniques);
    }

    [Fact]
    public void WinRmFromHrWorkstationToSixServers()
    {
        var (t, events) = Run("winrm-hr-6");
        Assert.Equal("WS-HR-007", Assert.Single(t.SourceHosts));
        string srcIp = t.SourceIps[0];
        var targets = t.TargetHosts;
        Assert.Equal(6, targets.Count);
        foreach (var h in targets)
        {
            Assert.Contains(Of(events, "Security", 4624), e => e.Host.Name == h && e.Get("LogonType") == "3"
                && e.Get("AuthenticationPackageName") == "Kerberos" && e.Get("IpAddress") == srcIp);
            Assert.Contains(Of(events, "Microsoft-Windows-WinRM/Operational", 91), e => e.Host.Name == h && e.Schema.Provider == "Microsoft-Windows-WinRM");
            Assert.Contains(Of(events, "Microsoft-Windows-WinRM/Operational", 169), e => e.Host.Name == h);
            Assert.Contains(Of(events, "Microsoft-Windows-PowerShell/Operational", 4104), e => e.Host.Name == h && e.Get("ScriptBlockText")!.Length > 0);
            Assert.Contains(Of(events, "Microsoft-Windows-Sysmon/Operational", 1), e => e.Host.Name == h
                && e.Get("ParentImage") == @"C:\Windows\System32\wsmprovhost.exe" && e.Get("Image")!.EndsWith("powershell.exe", StringComparison.Ordinal));
        }
        Assert.Contains(Of(events, "Microsoft-Windows-Sysmon/Operational", 3), e => e.Host.Name == "WS-HR-007" && e.Get("DestinationPort") == "5985" && e.Get("Initiated") == "true");
        Assert.Equal(["T1021.006"], t.Techniques);
    }

    [Fact]
    public void RdpToLocalhostMatchesAtomicTest1()
    {
        var (t, events) = Run("rdp-localhost-tunnel");
        var host = t.TargetHosts[0];
        Assert.Contains(Of(events, "Security", 4624), e => e.Host.Name == host && e.Get("LogonType") == "10" && e.Get("IpAddress") == "127.0.0.1");
        Assert.Contains(Of(events, "Security", 4648), e => e.Host.Name == host && e.Get("TargetServerName") == "localhost");
        Assert.Contains(Of(events, "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational", 1149), e => e.Host.Name == host && e.Get("Param3") == "127.0.0.1");
        Assert.Contains(Of(events, "Microsoft-Windows-Sysmon/Operational", 1), e => e.Host.Name == host && e.Get("CommandLine")!.Contains("cmdkey /generic:TERMSRV/localhost"));
    }

    [Fact]
    public void PsExecWritesAdminShareServiceInstallAndChildProcess()
    {
        var (t, events) = Run("psexec-admin-share");
        var target = t.TargetHosts[0];
        Assert.Contains(Of(events, "Security", 5145), e => e.Host.Name == target && e.Get("ShareName") == @"\\*\ADMIN$" && e.Get("RelativeTargetName") == "PSEXESVC.exe");
        var svc = Assert.Single(Of(events, "System", 7045), e => e.Host.Name == target);
        Assert.Equal("Service Control Manager", svc.Schema.Provider);
        Assert.Equal("PSEXESVC", svc.Get("ServiceName"));
        Assert.Contains(Of(events, "Security", 4697), e => e.Host.Name == target && e.Get("ServiceName") == "PSEXESVC");
        Assert.Contains(Of(events, "Microsoft-Windows-Sysmon/Operational", 1), e => e.Host.Name == target && e.Get("ParentImage") == @"C:\Windows\PSEXESVC.exe");
        Assert.Contains(Of(events, "Microsoft-Windows-Sysmon/Operational", 17), e => e.Host.Name == target && e.Get("PipeName") == @"\PSEXESVC");
    }

    [Fact]
    public void WinRmRemoteCommandMatchesAtomicTest3()
    {
        var (t, events) = Run("winrm-remote-command");
        var target = t.TargetHosts[0];
        Assert.Contains(Of(events, "Security", 4624), e => e.Host.Name == target && e.Get("LogonType") == "3" && e.Get("IpAddress") == t.SourceIps[0]);
        Assert.Contains(Of(events, "Microsoft-Windows-WinRM/Operational", 91), e => e.Host.Name == target);
        Assert.Contains(Of(events, "Microsoft-Windows-WinRM/Operational", 169), e => e.Host.Name == target && e.Get("authenticationMechanism") == "Kerberos");
        Assert.Contains(Of(events, "Microsoft-Windows-PowerShell/Operational", 4104), e => e.Host.Name == target && e.Get("ScriptBlockText")!.Contains("Invoke-Command"));
    }

    [Fact]
    public void SshStolenKeyMatchesAtomicTest4()
    {
        var (t, events) = Run("ssh-stolen-key");
        var lines = events.Where(e => e.Schema.IsLinuxLine && t.TargetHosts.Contains(e.Host.Name)).ToList();
        foreach (var h in t.TargetHosts)
        {
            Assert.Contains(lines, e => e.Host.Name == h && e.Values[0] == "sshd"
                && e.Values[2]!.StartsWith($"Accepted publickey for ansible from {t.SourceIps[0]} port ", StringComparison.Ordinal)
                && e.Values[2]!.Contains(" ssh2: ED25519 SHA256:"));
            Assert.Contains(lines, e => e.Host.Name == h && e.Values[2] == "pam_unix(sshd:session): session opened for user ansible(uid=1001) by (uid=0)");
        }
        Assert.Equal(["T1021.004"], t.Techniques);
    }

    [Fact]
    public void SprayThenRdpFailsManyAccountsThenSucceeds()
    {
        var (t, events) = Run("spray-then-rdp");
        var fails = Of(events, "Security", 4625).Where(e => e.Get("IpAddress") == t.SourceIps[0]).ToList();
        Assert.True(fails.Select(e => e.Get("TargetUserName")).Distinct().Count() >= 20);
        Assert.All(fails, e => { Assert.Equal("0xc000006d", e.Get("Status")); Assert.Equal("3", e.Get("LogonType")); Assert.Equal("NTLM", e.Get("AuthenticationPackageName")); });
        // Real accounts fail on the password (0xc000006a), guessed names on the user (0xc0000064).
        Assert.Contains(fails, e => e.Get("SubStatus") == "0xc000006a");
        Assert.Contains(fails, e => e.Get("SubStatus") == "0xc0000064");
        var success = Assert.Single(Of(events, "Security", 4624), e => e.Get("LogonType") == "10" && e.Get("IpAddress") == t.SourceIps[0]);
        Assert.Contains(success.Get("TargetUserName"), fails.Select(e => e.Get("TargetUserName")));
        Assert.True(success.Time > fails.Max(e => e.Time));
    }

    [Fact]
    public void DcomMmc20SpawnsMmcEmbeddingThenCmd()
    {
        var (t, events) = Run("dcom-mmc20");
        var target = t.TargetHosts[0];
        var sysmon1 = Of(events, "Microsoft-Windows-Sysmon/Operational", 1).Where(e => e.Host.Name == target).ToList();
        var mmc = Assert.Single(sysmon1, e => e.Get("Image") == @"C:\Windows\System32\mmc.exe");
        Assert.Contains("-Embedding", mmc.Get("CommandLine"));
        Assert.Equal(@"C:\Windows\System32\svchost.exe", mmc.Get("ParentImage"));
        Assert.Contains(sysmon1, e => e.Get("ParentImage") == @"C:\Windows\System32\mmc.exe" && e.Get("ParentProcessGuid") == mmc.Get("ProcessGuid"));
        Assert.Contains(Of(events, "Microsoft-Windows-Sysmon/Operational", 3), e => e.Get("DestinationPort") == "135" && e.Get("DestinationIp") == events.First(x => x.Host.Name == target).Host.Ip);
        Assert.Equal(["T1021.003"], t.Techniques);
    }

    [Fact]
    public void OffHoursAdminRdpHappensAtNight()
    {
        var (t, events) = Run("offhours-admin-rdp");
        var logon = Assert.Single(Of(events, "Security", 4624), e => e.Get("LogonType") == "10" && e.Time >= t.Start && e.Time <= t.End
            && t.TargetHosts.Contains(e.Host.Name) && t.Accounts.Contains(e.Get("TargetUserName")!));
        Assert.InRange(logon.Time.Hour, 0, 5);
        Assert.StartsWith("adm-", logon.Get("TargetUserName"));
    }

    [Fact]
    public void RdpNestingStartsEachSessionFromThePreviousTarget()
    {
        var (t, events) = Run("rdp-nesting");
        var user = t.Accounts[0];
        var hops = Logons(events, user, "10").Where(e => t.TargetHosts.Contains(e.Host.Name)).OrderBy(e => e.Time).ToList();
        Assert.Equal(3, hops.Count);
        Assert.Equal(hops[0].Host.Ip, hops[1].Get("IpAddress"));
        Assert.Equal(hops[1].Host.Ip, hops[2].Get("IpAddress"));
    }

    [Fact]
    public void VncConnectsToPort5900()
    {
        var (t, events) = Run("vnc");
        var net = Of(events, "Microsoft-Windows-Sysmon/Operational", 3).Where(e => e.Get("DestinationPort") == "5900").ToList();
        Assert.Contains(net, e => e.Host.Name == t.SourceHosts[0] && e.Get("Initiated") == "true" && e.Get("Image")!.EndsWith("vncviewer.exe", StringComparison.Ordinal));
        Assert.Contains(net, e => e.Host.Name == t.TargetHosts[0] && e.Get("Initiated") == "false" && e.Get("DestinationPortName") == "rfb");
        Assert.Equal(["T1021.005"], t.Techniques);
    }

    [Fact]
    public void EveryScenarioIsRegisteredOnceAndFitsTheMinimumOrganisation()
    {
        var names = ScenarioRegistry.Names.ToList();
        Assert.Equal(12, names.Count);
        Assert.Equal(names.Count, names.Distinct().Count());
        var (r, _) = SimulationFixture.InMemory(5, Organisation.MinHosts, 1, names.ToArray());
        Assert.Equal(names, r.Truth.Scenarios.Select(s => s.Name));
        Assert.All(r.Truth.Scenarios, s =>
        {
            Assert.NotEmpty(s.TargetHosts);
            Assert.NotEmpty(s.Accounts);
            Assert.True(s.End > s.Start);
            Assert.StartsWith("T1021.", s.Techniques[0]);
        });
    }
}
