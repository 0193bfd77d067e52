using System.Buffers.Binary;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Decoded templates are reused across chunks only when the definition is the same: real chunks of a
/// Security log repeat their templates at other offsets (other name offsets inside), which must hit;
/// a definition differing in one byte must be decoded anew.
/// </summary>
public class EvtxTemplateCacheTests
{
    private const int FileHeader = 4096;
    private const int ChunkSize = 65536;

    private static void Load(EvtxChunk chunk, byte[] file, int index)
    {
        file.AsSpan(FileHeader + index * ChunkSize, ChunkSize).CopyTo(chunk.Data);
        chunk.Reset(index, FileHeader + (long)index * ChunkSize, ChunkSize, ChunkSize, null);
    }

    /// <summary>Definition offset and GUID of the template of each record of a chunk (none for an unused chunk).</summary>
    private static IEnumerable<(int Offset, Guid Guid, uint Size)> Templates(byte[] file, int index)
    {
        var c = file.AsSpan(FileHeader + index * ChunkSize, ChunkSize).ToArray();
        if (!c.AsSpan().StartsWith("ElfChnk\0"u8)) yield break;
        int record = 512;
        while (record + 28 < c.Length && BinaryPrimitives.ReadUInt32LittleEndian(c.AsSpan(record)) == 0x2A2A)
        {
            int pos = record + 24;
            while (c[pos] == BinXmlToken.FragmentHeader) pos += 4;
            if (c[pos] == BinXmlToken.TemplateInstance)
            {
                int def = (int)BinaryPrimitives.ReadUInt32LittleEndian(c.AsSpan(pos + 6));
                if (def > 512 && def + 24 < c.Length) yield return (def, new Guid(c.AsSpan(def + 4, 16)), BinaryPrimitives.ReadUInt32LittleEndian(c.AsSpan(def + 20)));
            }
            record += (int)BinaryPrimitives.ReadUInt32LittleEndian(c.AsSpan(record + 4));
        }
    }

    [Fact]
    public void A_definition_repeated_at_another_offset_reuses_the_decoded_template_and_a_changed_one_does_not()
    {
        var file = File.ReadAllBytes(EvtxTestFiles.EdgeCase("security.evtx"));
        int chunks = (file.Length - FileHeader) / ChunkSize;
        var seen = Enumerable.Range(0, chunks)
            .SelectMany(i => Templates(file, i).Distinct().Select(t => (Index: i, T: t))).ToList();
        Assert.True(seen.Count > 10);
        // The same template (GUID and size: a definition naming earlier names instead of storing them is
        // shorter) at different offsets in two chunks.
        var pair = seen.SelectMany(a => seen.Where(b => b.Index > a.Index && b.T.Guid == a.T.Guid && b.T.Size == a.T.Size && b.T.Offset != a.T.Offset)
            .Select(b => (A: a, B: b))).First();

        var chunk = new EvtxChunk();
        var parser = new BinXmlParser(chunk);
        Load(chunk, file, pair.A.Index);
        var decoded = chunk.GetTemplate(pair.A.T.Offset, parser, 0);
        Load(chunk, file, pair.B.Index);
        var reused = chunk.GetTemplate(pair.B.T.Offset, parser, 0);
        Assert.Same(decoded, reused);

        // The same definition with one byte changed (an element's dependency id, which decoding skips):
        // not the cached template, though it decodes to the same names.
        Load(chunk, file, pair.B.Index);
        int data = pair.B.T.Offset + 24;
        Assert.Equal(BinXmlToken.FragmentHeader, chunk.Data[data]);
        Assert.Equal(BinXmlToken.OpenStartElement, chunk.Data[data + 4] & 0xBF);
        chunk.Data[data + 5] ^= 0xFF;
        var changed = chunk.GetTemplate(pair.B.T.Offset, parser, 0);
        Assert.NotSame(decoded, changed);
        Assert.Equal(decoded.Root[0].Name, changed.Root[0].Name);
        Assert.Equal(decoded.Root[0].Children.Length, changed.Root[0].Children.Length);
    }

    /// <summary>Decodes the definition at <paramref name="offset"/> as the chunk does for the cache: the tree and its offset fields.</summary>
    private static (EvtxTemplate Template, List<EvtxTemplateCache.OffsetField> Fields) Decode(EvtxChunk chunk, int offset, uint size)
    {
        var parser = new BinXmlParser(chunk);
        var fields = new List<EvtxTemplateCache.OffsetField>();
        parser.OffsetFields = fields;
        var root = parser.ParseFragment(offset + 24, offset + 24 + (int)size, 1, inTemplate: true);
        return (new EvtxTemplate(new Guid(chunk.Data.AsSpan(offset + 4, 16)), offset, root), fields);
    }

    [Fact]
    public void Lookups_of_other_definitions_leave_a_cached_one_findable_and_a_replaced_one_is_the_new_one()
    {
        // Lookups share one probe key: a cached entry must never end up keyed by it.
        var file = File.ReadAllBytes(EvtxTestFiles.EdgeCase("security.evtx"));
        int chunks = (file.Length - FileHeader) / ChunkSize;
        var (index, defs) = Enumerable.Range(0, chunks)
            .Select(i => (Index: i, Defs: Templates(file, i).DistinctBy(t => t.Guid).ToList()))
            .First(c => c.Defs.Count >= 3);
        var chunk = new EvtxChunk();
        Load(chunk, file, index);
        var cache = new EvtxTemplateCache();
        var a = defs[0];
        var (template, fields) = Decode(chunk, a.Offset, a.Size);
        cache.Add(a.Guid, chunk, a.Offset + 24, (int)a.Size, fields, template);
        foreach (var other in defs.Skip(1))
            Assert.Null(cache.Find(other.Guid, chunk, other.Offset + 24, (int)other.Size));
        Assert.Same(template, cache.Find(a.Guid, chunk, a.Offset + 24, (int)a.Size));

        var b = defs[1];
        var (templateB, fieldsB) = Decode(chunk, b.Offset, b.Size);
        cache.Add(b.Guid, chunk, b.Offset + 24, (int)b.Size, fieldsB, templateB);
        var (replacement, fieldsA) = Decode(chunk, a.Offset, a.Size);
        cache.Add(a.Guid, chunk, a.Offset + 24, (int)a.Size, fieldsA, replacement);
        Assert.Null(cache.Find(defs[2].Guid, chunk, defs[2].Offset + 24, (int)defs[2].Size));
        Assert.Same(replacement, cache.Find(a.Guid, chunk, a.Offset + 24, (int)a.Size));
        Assert.Same(templateB, cache.Find(b.Guid, chunk, b.Offset + 24, (int)b.Size));
    }
}
