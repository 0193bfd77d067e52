namespace Hopwatch.Events;

/// <summary>A field name the normaliser reads, numbered in creation order (its slot in a layout table, see <see cref="NormaliserFields"/>).</summary>
internal sealed class CanonicalName
{
    private static int s_count;
    private static readonly List<CanonicalName> s_created = new();

    public CanonicalName(string name)
    {
        Name = name;
        lock (s_created)
        {
            Id = s_count++;
            s_created.Add(this);
        }
    }

    /// <summary>Every name created so far, in id order.</summary>
    public static CanonicalName[] Created()
    {
        lock (s_created) return s_created.ToArray();
    }

    /// <summary>Names created so far: the size of a layout table.</summary>
    public static int Count
    {
        get { lock (s_created) return s_count; }
    }

    public string Name { get; }
    public int Id { get; }

    public override string ToString() => Name;
}
