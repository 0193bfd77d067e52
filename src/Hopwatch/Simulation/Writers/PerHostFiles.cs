namespace Hopwatch.Simulation.Writers;

/// <summary>One open output stream per key (host or host+channel), created on first use, all closed on dispose.</summary>
internal sealed class PerHostFiles<T>(Func<string, T> open) : IDisposable where T : IDisposable
{
    private readonly Dictionary<string, T> _open = new(StringComparer.Ordinal);
    private readonly List<string> _order = new();

    public T Get(string path)
    {
        if (_open.TryGetValue(path, out var f)) return f;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        f = open(path);
        _open[path] = f;
        _order.Add(path);
        return f;
    }

    public void Dispose()
    {
        foreach (var p in _order) _open[p].Dispose();
        _open.Clear();
    }
}
