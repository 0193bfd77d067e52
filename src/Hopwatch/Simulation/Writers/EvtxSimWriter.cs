using Hopwatch.Simulation.Evtx;

namespace Hopwatch.Simulation.Writers;

/// <summary>EVTX files per host and channel, as a collection tool would copy them: evtx/HOST/Security.evtx, evtx/HOST/Microsoft-Windows-Sysmon%4Operational.evtx, ...</summary>
public sealed class EvtxSimWriter(string outDir) : ISimEventWriter
{
    private readonly PerHostFiles<EvtxFileWriter> _files = new(p => new EvtxFileWriter(p));
    public string Format => "evtx";

    public static string FileName(string channel) => channel.Replace("/", "%4") + ".evtx";

    public void Write(SimEvent e)
    {
        if (e.Schema.IsLinuxLine) return;
        var s = e.Schema;
        var f = _files.Get(Path.Combine(outDir, "evtx", e.Host.Name, FileName(s.Channel)));
        f.Write(new EvtxRecordData
        {
            Shape = s.Shape,
            Provider = s.Provider,
            ProviderGuid = s.ProviderGuid,
            EventId = (ushort)s.EventId,
            Version = s.Version,
            Level = s.Level,
            Task = s.Task,
            Opcode = s.Opcode,
            Keywords = s.Keywords,
            Time = e.Time,
            RecordId = (ulong)e.RecordId,
            ProcessId = e.Host.LoggerPid(s.Provider.Length),
            ThreadId = e.Host.LoggerPid(s.Provider.Length) + 12,
            Channel = s.Channel,
            Computer = e.Host.Fqdn,
            UserSid = e.UserSid,
            Values = e.Values,
        });
    }

    public void Dispose() => _files.Dispose();
}
