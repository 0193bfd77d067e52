using System.IO.Compression;
using System.Text;
using Hopwatch.Tests.Support;

namespace Hopwatch.Service.Tests.Support;

/// <summary>Real events from ../shared/ for the service tests, and synthetic ones where a test needs exact counts.</summary>
public static class TestData
{
    /// <summary>OTRF Security-Datasets export holding two 4624 logon-type-10 (RDP) events among Sysmon/Security noise.</summary>
    public static string PersistenceZip => Path.Combine(SharedData.SecurityDatasets, "atomic", "windows", "persistence", "host",
        "empire_persistence_registry_modification_run_keys_standard_user.zip");

    /// <summary>
    /// Lines of that export: every Security 4624 line plus the first <paramref name="others"/> other
    /// lines, in file order.
    /// </summary>
    public static List<string> PersistenceLines(int others)
    {
        using var zip = ZipFile.OpenRead(PersistenceZip);
        using var reader = new StreamReader(zip.Entries.Single(e => e.Name.EndsWith(".json")).Open(), Encoding.UTF8);
        var lines = new List<string>();
        int kept = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            if (line.Contains("\"EventID\":4624,")) lines.Add(line);
            else if (kept++ < others) lines.Add(line);
        }
        return lines;
    }

    /// <summary>A Security 4624 event; logon type 10 with a remote address is what the service's built-in detector flags.</summary>
    public static string Logon(long record, string host, string user, int logonType, string ip, DateTime time) =>
        $$"""{"EventID":4624,"Channel":"Security","SourceName":"Microsoft-Windows-Security-Auditing","Hostname":"{{host}}","RecordNumber":{{record}},"@timestamp":"{{time:yyyy-MM-ddTHH:mm:ss.fffZ}}","TargetUserName":"{{user}}","TargetDomainName":"CORP","LogonType":"{{logonType}}","IpAddress":"{{ip}}","WorkstationName":"WKS{{record % 7}}","AuthenticationPackageName":"Negotiate"}""";

    public static string TempDir(string name)
    {
        var d = Path.Combine(Path.GetTempPath(), "hopwatch-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(d);
        return d;
    }
}
