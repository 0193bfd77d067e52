using System.Globalization;
using System.Text;

namespace Hopwatch.Simulation.Writers;

/// <summary>
/// Linux auth.log per host (authlog/HOST/auth.log) in rsyslog's high-precision format
/// ("2026-10-05T10:00:01.123456+00:00 host sshd[123]: ..."), which carries the year and zone.
/// </summary>
public sealed class AuthLogWriter(string outDir) : ISimEventWriter
{
    private readonly PerHostFiles<StreamWriter> _files = new(p => new StreamWriter(p, false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" });
    public string Format => "authlog";

    public void Write(SimEvent e)
    {
        if (!e.Schema.IsLinuxLine) return;
        var w = _files.Get(Path.Combine(outDir, "authlog", e.Host.Name, "auth.log"));
        w.Write(e.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture));
        w.Write(' ');
        w.Write(e.Host.Name);
        w.Write(' ');
        w.Write(e.Values[0]);
        if (e.Values[1] is { } pid && pid != "-") { w.Write('['); w.Write(pid); w.Write(']'); }
        w.Write(": ");
        w.Write(e.Values[2]);
        w.Write('\n');
    }

    public void Dispose() => _files.Dispose();
}
