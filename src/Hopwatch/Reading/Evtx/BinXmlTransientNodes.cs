namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Nodes, attributes and their arrays for one-off fragments (nested BinXml values, record bodies without a
/// template), reused record after record by one parser. Such trees are decoded anew for every record that has
/// one and dropped with it: on the bench corpus they were over half of all bytes an EVTX dump allocated
/// (1,600 nested fragments, 110,000 nodes and attributes). Everything handed out since the last
/// <see cref="Recycle"/> belongs to the record being decoded; <see cref="Recycle"/> (at the end of each
/// record) makes it all available again, so a tree must not be used after its record.
/// What is kept is capped (<see cref="MaxKeptNodes"/> nodes, <see cref="MaxKeptArrayItems"/> array slots):
/// a record needing more (hostile input, or a huge nested document) gets fresh objects past the cap, as
/// before, and a pooled decoder does not hold on to them.
/// </summary>
internal sealed class BinXmlTransientNodes
{
    /// <summary>Bounds what one parser keeps (~100 bytes a node or attribute, 8 a slot): ~1.5 MB at most.</summary>
    public const int MaxKeptNodes = 8192;
    public const int MaxKeptArrayItems = 16384;
    /// <summary>Arrays longer than this are not pooled (one list per length up to it).</summary>
    public const int MaxPooledArrayLength = 32;

    private readonly List<BinXmlNode> _nodes = new();
    private int _nodesUsed;
    private readonly List<BinXmlAttribute> _attributes = new();
    private int _attributesUsed;
    private readonly ArraysByLength<BinXmlNode> _nodeArrays = new();
    private readonly ArraysByLength<BinXmlAttribute> _attributeArrays = new();

    /// <summary>Objects kept for reuse (for tests: the caps hold).</summary>
    internal int KeptNodes => _nodes.Count + _attributes.Count;
    internal int KeptArrayItems => _nodeArrays.KeptItems + _attributeArrays.KeptItems;

    /// <summary>A node in its new state, marked <see cref="BinXmlNode.Transient"/>.</summary>
    public BinXmlNode Node()
    {
        BinXmlNode node;
        if (_nodesUsed < _nodes.Count)
        {
            node = _nodes[_nodesUsed++];
            node.Reset();
        }
        else
        {
            node = new BinXmlNode();
            if (_nodes.Count + _attributes.Count < MaxKeptNodes)
            {
                _nodes.Add(node);
                _nodesUsed++;
            }
        }
        node.Transient = true;
        return node;
    }

    public BinXmlAttribute Attribute(string name, BinXmlNode[] parts)
    {
        if (_attributesUsed < _attributes.Count)
        {
            var a = _attributes[_attributesUsed++];
            a.Name = name;
            a.Parts = parts;
            a.QualifiedName = "";
            return a;
        }
        var fresh = new BinXmlAttribute(name, parts);
        if (_nodes.Count + _attributes.Count < MaxKeptNodes)
        {
            _attributes.Add(fresh);
            _attributesUsed++;
        }
        return fresh;
    }

    /// <summary>An array holding exactly <paramref name="items"/>.</summary>
    public BinXmlNode[] Nodes(ReadOnlySpan<BinXmlNode> items) => _nodeArrays.Copy(items, KeptArrayItems);

    public BinXmlAttribute[] Attributes(ReadOnlySpan<BinXmlAttribute> items) => _attributeArrays.Copy(items, KeptArrayItems);

    /// <summary>Everything handed out so far may be handed out again (the record that used it is done).</summary>
    public void Recycle()
    {
        _nodesUsed = 0;
        _attributesUsed = 0;
        _nodeArrays.Recycle();
        _attributeArrays.Recycle();
    }

    private sealed class ArraysByLength<T> where T : class
    {
        private readonly List<T[]>?[] _kept = new List<T[]>?[MaxPooledArrayLength + 1];
        private readonly int[] _used = new int[MaxPooledArrayLength + 1];
        public int KeptItems { get; private set; }

        public T[] Copy(ReadOnlySpan<T> items, int keptItemsOfBoth)
        {
            int n = items.Length;
            if (n == 0) return [];
            T[] array;
            if (n > MaxPooledArrayLength) array = new T[n];
            else
            {
                var list = _kept[n] ??= new List<T[]>();
                if (_used[n] < list.Count) array = list[_used[n]++];
                else
                {
                    array = new T[n];
                    if (keptItemsOfBoth + n <= MaxKeptArrayItems)
                    {
                        list.Add(array);
                        _used[n]++;
                        KeptItems += n;
                    }
                }
            }
            items.CopyTo(array);
            return array;
        }

        public void Recycle() => Array.Clear(_used);
    }
}
