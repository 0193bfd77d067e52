using System.Buffers.Binary;
using System.Reflection;
using System.Text;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Trees of one-off BinXml fragments (nested BinXml values here) come from a pool the parser reuses record
/// after record (<see cref="BinXmlTransientNodes"/>), and their texts are read from the chunk on use. A reused
/// node or array must show nothing of its last use, texts must be those of the fragment now decoded, and the
/// pool must stay within its caps. Checked against the same fragments decoded by a fresh parser.
/// </summary>
public class BinXmlTransientNodesTests
{
    private const int FileHeader = 4096;
    private const int ChunkSize = 65536;

    [Fact]
    public void A_recycled_node_is_in_a_new_nodes_state()
    {
        var pool = new BinXmlTransientNodes();
        var node = pool.Node();
        // Every field set to something other than a new node's (a field added later without a reset fails here).
        foreach (var f in typeof(BinXmlNode).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            f.SetValue(node, NonDefault(f.FieldType));
        pool.Recycle();
        var reused = pool.Node();
        Assert.Same(node, reused);
        var fresh = new BinXmlNode { Transient = true };
        foreach (var f in typeof(BinXmlNode).GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            Assert.True(Equals(f.GetValue(fresh), f.GetValue(reused)), $"{f.Name} kept {f.GetValue(reused)} from its last use");
        Assert.Equal("", reused.Text);
    }

    private static object NonDefault(Type t)
    {
        if (t == typeof(string)) return "stale";
        if (t == typeof(bool)) return true;
        if (t == typeof(byte)) return (byte)7;
        if (t == typeof(ushort)) return (ushort)7;
        if (t == typeof(int)) return 7;
        if (t == typeof(byte[])) return new byte[] { 1, 2 };
        if (t == typeof(BinXmlNode[])) return new[] { new BinXmlNode() };
        if (t == typeof(BinXmlAttribute[])) return new[] { new BinXmlAttribute("a", BinXmlNode.None) };
        if (t == typeof(BinXmlValueRef[])) return new[] { new BinXmlValueRef(1, 2, 3) };
        if (t == typeof(EvtxTemplate)) return new EvtxTemplate(Guid.NewGuid(), 512, BinXmlNode.None);
        if (t.IsEnum) return Enum.GetValues(t).GetValue(1)!;
        throw new InvalidOperationException("no test value for a field of type " + t);
    }

    [Fact]
    public void Fragments_decoded_on_reused_nodes_equal_fresh_decodings_and_the_pool_stays_capped()
    {
        var (file, index, fragments) = ChunkWithNestedFragments();
        var decoder = new EvtxChunkDecoder();
        Load(decoder, file, index);
        var parser = decoder.Parser;
        var expected = fragments.Select(f => Describe(new BinXmlParser(decoder.Chunk).ParseFragment(f.Offset, f.Offset + f.Size, 1, inTemplate: false))).ToList();
        Assert.True(expected.Distinct().Count() > 1, "the fragments differ");
        Assert.Contains(expected, d => d.Contains("text=") && d.Contains("attr="));

        // Record after record (recycled between), in both orders: each tree as decoded fresh, though it reuses the
        // nodes, arrays and attributes of another fragment.
        foreach (var order in new[] { fragments.Index(), fragments.Index().Reverse() })
            foreach (var (i, f) in order)
            {
                var nodes = parser.ParseFragment(f.Offset, f.Offset + f.Size, 1, inTemplate: false);
                Assert.All(nodes, n => Assert.True(n.Transient));
                Assert.Equal(expected[i], Describe(nodes));
                parser.RecycleTransientNodes();
            }

        // Within one record nothing is reused: trees decoded earlier stay intact while later ones are decoded,
        // also past the pool's caps (the rest are fresh objects, not kept).
        var trees = new List<(int, BinXmlNode[])>();
        int handedOut = 0;
        while (handedOut < 2 * BinXmlTransientNodes.MaxKeptNodes)
            foreach (var (i, f) in fragments.Index())
            {
                var nodes = parser.ParseFragment(f.Offset, f.Offset + f.Size, 1, inTemplate: false);
                trees.Add((i, nodes));
                handedOut += Count(nodes);
            }
        foreach (var (i, nodes) in trees) Assert.Equal(expected[i], Describe(nodes));
        Assert.True(parser.Transient.KeptNodes <= BinXmlTransientNodes.MaxKeptNodes);
        Assert.True(parser.Transient.KeptArrayItems <= BinXmlTransientNodes.MaxKeptArrayItems);
        parser.RecycleTransientNodes();
        foreach (var (i, f) in fragments.Index())
            Assert.Equal(expected[i], Describe(parser.ParseFragment(f.Offset, f.Offset + f.Size, 1, inTemplate: false)));
    }

    [Fact]
    public void A_transient_text_asked_for_as_a_string_keeps_the_fragments_text()
    {
        var (file, index, fragments) = ChunkWithNestedFragments();
        var decoder = new EvtxChunkDecoder();
        Load(decoder, file, index);
        var f = fragments[0];
        var first = Texts(decoder.Parser.ParseFragment(f.Offset, f.Offset + f.Size, 1, inTemplate: false)).ToList();
        var strings = first.Select(n => n.Text).ToList(); // made from the chunk now
        Assert.NotEmpty(strings);
        decoder.Parser.RecycleTransientNodes();
        // The chunk buffer changes (the next chunk); strings already made do not.
        Array.Clear(decoder.Chunk.Data);
        Assert.Equal(strings, first.Select(n => n.Text).ToList());
    }

    private static IEnumerable<BinXmlNode> Texts(BinXmlNode[] nodes)
    {
        foreach (var n in nodes)
        {
            if (n.Kind == BinXmlNodeKind.Text && n.TextSpan.Length > 0) yield return n;
            foreach (var t in Texts(n.Children)) yield return t;
            foreach (var a in n.Attributes)
                foreach (var t in Texts(a.Parts)) yield return t;
        }
    }

    private static int Count(BinXmlNode[] nodes, int depth = 0)
        => depth > BinXmlParser.MaxDepth + 2 ? throw new Xunit.Sdk.XunitException("tree deeper than decoding allows")
            : nodes.Sum(n => 1 + Count(n.Children, depth + 1) + n.Attributes.Sum(a => 1 + Count(a.Parts, depth + 1)));

    /// <summary>Everything decoding put in a tree, as text.</summary>
    private static string Describe(BinXmlNode[] nodes)
    {
        var sb = new StringBuilder();
        Describe(nodes, sb, 0);
        return sb.ToString();
    }

    private static void Describe(BinXmlNode[] nodes, StringBuilder sb, int depth)
    {
        // A node handed out twice could make a tree its own descendant: report it, do not recurse for ever.
        if (depth > BinXmlParser.MaxDepth + 2) throw new Xunit.Sdk.XunitException("tree deeper than decoding allows: a node is its own descendant");
        sb.Append('[');
        foreach (var n in nodes)
        {
            sb.Append($"({n.Kind} name={n.Name} text={n.TextSpan} empty={n.EmptyElement} sub={n.SubstitutionId} opt={n.Optional} type={n.ValueType} "
                + $"char={n.CharValue} tpl={n.Template?.Guid} values={n.Values?.Length} elems={n.HasElementChildren} only={n.OnlyOptionalChildren} json={n.JsonText?.Length}");
            foreach (var a in n.Attributes)
            {
                sb.Append($" attr={a.Name}/{a.QualifiedName}=");
                Describe(a.Parts, sb, depth + 1);
            }
            sb.Append(" children=");
            Describe(n.Children, sb, depth + 1);
            sb.Append(')');
        }
        sb.Append(']');
    }

    private static void Load(EvtxChunkDecoder decoder, byte[] file, int index)
    {
        file.AsSpan(FileHeader + index * ChunkSize, ChunkSize).CopyTo(decoder.Chunk.Data);
        decoder.Load(index, FileHeader + (long)index * ChunkSize, ChunkSize, ChunkSize, null);
    }

    /// <summary>
    /// The first chunk of the shared files (in name order) with at least three nested BinXml values that are plain
    /// fragments (no template instance), with elements and texts: their places in the chunk.
    /// </summary>
    private static (byte[] File, int Index, List<(int Offset, int Size)> Fragments) ChunkWithNestedFragments()
    {
        foreach (var path in EvtxTestFiles.AllSharedFiles())
        {
            var file = System.IO.File.ReadAllBytes(path);
            var decoder = new EvtxChunkDecoder();
            for (int index = 0; FileHeader + (index + 1) * ChunkSize <= file.Length; index++)
            {
                if (!file.AsSpan(FileHeader + index * ChunkSize).StartsWith("ElfChnk\0"u8)) continue;
                Load(decoder, file, index);
                var found = new List<(int, int)>();
                var data = decoder.Chunk.Data;
                int record = 512;
                while (record + 28 < ChunkSize && BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(record)) == 0x2A2A)
                {
                    int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(record + 4));
                    if (size < 28 || record + size > ChunkSize) break;
                    int top = decoder.Arena.Top;
                    try
                    {
                        var fragment = decoder.OpenFragment(record + 24, record + size - 4, 0);
                        foreach (var v in fragment.Values)
                        {
                            if (v.Type != BinXmlValueType.BinXml || v.Size < 16) continue;
                            int p = v.Offset;
                            while (data[p] == BinXmlToken.FragmentHeader) p += 4;
                            if ((data[p] & 0xBF) == BinXmlToken.OpenStartElement) found.Add((v.Offset, v.Size));
                        }
                    }
                    catch (EvtxFormatException)
                    {
                        // a damaged record: not one to test with
                    }
                    finally
                    {
                        decoder.Arena.PopTo(top);
                        decoder.Parser.RecycleTransientNodes();
                    }
                    record += size;
                }
                if (found.Count >= 3) return (file, index, found);
            }
        }
        throw new InvalidOperationException("no shared EVTX chunk with nested plain BinXml fragments");
    }
}
