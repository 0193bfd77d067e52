using System.Globalization;

namespace Hopwatch.Simulation;

/// <summary>
/// The state benign activity and attack scenarios share: the organisation, the random source,
/// and where events go. Single events are built by <see cref="WindowsEventFactory"/> and
/// <see cref="LinuxEventFactory"/>; composite activities (an RDP session, a WinRM command) by
/// <see cref="Activities"/>.
/// </summary>
public sealed class SimContext
{
    private long _sequence;
    private readonly Action<SimEvent> _sink;

    public SimContext(Organisation org, Random rng, Action<SimEvent> sink)
    {
        Org = org;
        Rng = rng;
        _sink = sink;
        Windows = new WindowsEventFactory(this);
        Linux = new LinuxEventFactory(this);
        Activities = new Activities(this);
    }

    public Organisation Org { get; }
    public Random Rng { get; }
    public WindowsEventFactory Windows { get; }
    public LinuxEventFactory Linux { get; }
    public Activities Activities { get; }
    public long Emitted => _sequence;

    public void Emit(SimEvent e)
    {
        e.Sequence = _sequence++;
        _sink(e);
    }

    public T Pick<T>(IReadOnlyList<T> list) => list[Rng.Next(list.Count)];

    /// <summary>Distinct random picks, in pick order.</summary>
    public List<T> PickDistinct<T>(IReadOnlyList<T> list, int count)
    {
        var idx = Enumerable.Range(0, list.Count).ToArray();
        for (int i = 0; i < idx.Length; i++)
        {
            int j = Rng.Next(i, idx.Length);
            (idx[i], idx[j]) = (idx[j], idx[i]);
        }
        return idx.Take(Math.Min(count, list.Count)).Select(i => list[i]).ToList();
    }

    public string NewLogonId() => "0x" + Rng.NextInt64(0x100000, 0x7FFFFFFF).ToString("x", CultureInfo.InvariantCulture);
    public string NewPort() => Rng.Next(49152, 65535).ToString(CultureInfo.InvariantCulture);
    public string NewPid() => (Rng.Next(100, 16000) * 4).ToString(CultureInfo.InvariantCulture);

    public string NewGuid()
    {
        Span<byte> b = stackalloc byte[16];
        Rng.NextBytes(b);
        return "{" + new Guid(b).ToString().ToUpperInvariant() + "}";
    }

    public TimeSpan Seconds(double min, double max) => TimeSpan.FromSeconds(min + Rng.NextDouble() * (max - min));
    public TimeSpan Millis(int min, int max) => TimeSpan.FromMilliseconds(Rng.Next(min, max));
}
