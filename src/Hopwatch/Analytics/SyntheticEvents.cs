using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>
/// Deterministic synthetic estate for the analytics benchmark: N normalised events from H hosts
/// (1 in 50 a server, 10 DCs), a realistic mix of logons/logoffs, privileges, Kerberos, process
/// starts, connections, share access, failures, RDP, and a few injected lateral-movement stories so
/// the analytics have something to find. Names are generated once; events are fresh objects.
/// </summary>
public sealed class SyntheticEvents(int events, int hosts, int seed = 1021)
{
    public IEnumerable<LogEvent> Generate()
    {
        var rng = new Random(seed);
        int servers = Math.Max(10, hosts / 50);
        int dcs = 10;
        var names = new string[hosts];
        var fqdn = new string[hosts];
        var upper = new string[hosts];
        var ips = new string[hosts];
        for (int i = 0; i < hosts; i++)
        {
            names[i] = i < dcs ? $"dc{i:00}" : i < servers ? $"srv{i:00000}" : $"ws{i:00000}";
            fqdn[i] = names[i] + ".corp.example";
            upper[i] = fqdn[i].ToUpperInvariant();
            ips[i] = $"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}";
        }
        int users = Math.Max(100, hosts / 2);
        var userNames = new string[users];
        for (int i = 0; i < users; i++) userNames[i] = i % 97 == 0 ? $"svc_app{i}" : $"user{i:000000}";
        var logonIds = new string[4096];
        for (int i = 0; i < logonIds.Length; i++) logonIds[i] = "0x" + (0x100000 + i * 7).ToString("x");
        var file = "synthetic.evtx";
        var t = new DateTime(2024, 6, 3, 6, 0, 0, DateTimeKind.Utc);
        // ~3 days of activity whatever N is, so windows and expiry behave like a real estate.
        double stepMs = 3 * 24 * 3600_000.0 / Math.Max(1, events);
        long record = 0;
        int ws() => rng.Next(servers, hosts);
        int home(int user) => servers + user % (hosts - servers); // one home workstation per user
        int srv() => rng.Next(dcs, servers);
        LogEvent E(int host, EventKind kind, int id, string channel)
        {
            var e = new LogEvent { File = file, RecordId = ++record, Time = t, EventId = id, Channel = channel, Computer = upper[host], Kind = kind, Format = SourceFormat.Evtx };
            e.Host = fqdn[host];
            e.HostShort = names[host];
            return e;
        }

        for (int n = 0; n < events; n++)
        {
            t = t.AddMilliseconds(stepMs * (0.5 + rng.NextDouble()));
            // Every ~200k events: a short RDP chain or a fan-out burst from a random workstation.
            if (n % 200_000 == 100_000)
            {
                int src = ws();
                var u = userNames[rng.Next(users)];
                bool chain = (n / 200_000) % 2 == 0; // alternately an RDP chain and an SMB fan-out
                for (int h = 0; h < 10 && n < events; h++, n++)
                {
                    int dst = srv();
                    var e = E(dst, EventKind.Logon, 4624, "Security");
                    e.UserName = u; e.UserDomain = "corp"; e.LogonType = chain ? 10 : 3; e.SourceIp = ips[src]; e.SourceHost = names[src];
                    e.LogonId = logonIds[rng.Next(logonIds.Length)]; e.AuthPackage = "Kerberos";
                    if (e.LogonType == 10) src = dst; // chain: next hop leaves from here
                    t = t.AddSeconds(chain ? 200 : 40);
                    yield return e;
                }
                continue;
            }
            int r = rng.Next(100);
            if (r < 28)
            {
                int user = rng.Next(users);
                int src = home(user), dst = rng.Next(10) == 0 ? rng.Next(dcs) : srv();
                var e = E(dst, EventKind.Logon, 4624, "Security");
                e.UserName = userNames[user]; e.UserDomain = "corp"; e.LogonType = 3;
                e.SourceIp = ips[src]; e.SourceHost = names[src]; e.LogonId = logonIds[rng.Next(logonIds.Length)];
                e.AuthPackage = rng.Next(20) == 0 ? "NTLM" : "Kerberos"; e.LogonProcess = e.AuthPackage == "NTLM" ? "NtLmSsp" : "Kerberos"; e.KeyLength = e.AuthPackage == "NTLM" ? 128 : 0;
                yield return e;
            }
            else if (r < 38)
            {
                var e = E(srv(), EventKind.Logoff, 4634, "Security");
                e.UserName = userNames[rng.Next(users)]; e.LogonId = logonIds[rng.Next(logonIds.Length)]; e.LogonType = 3;
                yield return e;
            }
            else if (r < 43)
            {
                var e = E(srv(), EventKind.SpecialPrivileges, 4672, "Security");
                e.UserName = userNames[rng.Next(users)]; e.LogonId = logonIds[rng.Next(logonIds.Length)];
                yield return e;
            }
            else if (r < 55)
            {
                int user = rng.Next(users);
                int src = home(user);
                bool tgt = rng.Next(4) == 0;
                var e = E(rng.Next(dcs), tgt ? EventKind.KerberosTgt : EventKind.KerberosService, tgt ? 4768 : 4769, "Security");
                e.UserName = userNames[user]; e.SourceIp = ips[src]; e.Status = "0x0"; e.ServiceName = "cifs/" + names[srv()];
                yield return e;
            }
            else if (r < 72)
            {
                int h = rng.Next(hosts);
                var e = E(h, EventKind.ProcessStart, 1, "Microsoft-Windows-Sysmon/Operational");
                e.ProcessImage = rng.Next(3) == 0 ? @"C:\Windows\System32\cmd.exe" : @"C:\Program Files\App\app.exe";
                e.ParentImage = @"C:\Program Files\App\launcher.exe"; e.CommandLine = "app.exe /run"; e.UserName = userNames[rng.Next(users)];
                e.LogonId = logonIds[rng.Next(logonIds.Length)];
                yield return e;
            }
            else if (r < 88)
            {
                int src = ws(), dst = srv();
                var e = E(src, EventKind.NetworkConnection, 3, "Microsoft-Windows-Sysmon/Operational");
                e.SourceIp = ips[src]; e.DestinationIp = ips[dst]; e.SourcePort = 50000 + rng.Next(10000);
                e.DestinationPort = rng.Next(4) == 0 ? 445 : 443; e.ProcessImage = @"C:\Program Files\App\app.exe"; e.SourceHost = fqdn[src];
                e.Fields.Add("Initiated", "true");
                yield return e;
            }
            else if (r < 94)
            {
                int src = ws(), dst = srv();
                var e = E(dst, EventKind.ShareAccess, 5140, "Security");
                e.UserName = userNames[rng.Next(users)]; e.SourceIp = ips[src]; e.ShareName = @"\\*\SHARE"; e.LogonId = logonIds[rng.Next(logonIds.Length)];
                yield return e;
            }
            else if (r < 98)
            {
                int src = ws();
                int user = rng.Next(users);
                src = home(user);
                var e = E(srv(), EventKind.FailedLogon, 4625, "Security");
                e.UserName = userNames[user]; e.SourceIp = ips[src]; e.LogonType = 3; e.Status = "0xc000006d";
                yield return e;
            }
            else
            {
                int user = rng.Next(users);
                int src = home(user), dst = srv();
                var e = E(dst, EventKind.RdpAuthSucceeded, 1149, "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational");
                e.UserName = userNames[user]; e.SourceIp = ips[src];
                yield return e;
            }
        }
    }
}
