using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// One 64 KiB chunk in memory with its per-chunk caches: names by offset and decoded templates by
/// offset. Names and templates are chunk-local in EVTX, so the caches live and die with the chunk.
/// Instances are reused chunk after chunk by one decoding thread.
/// </summary>
internal sealed class EvtxChunk
{
    /// <summary>Limits that keep hostile input from costing unbounded memory or time.</summary>
    public const int MaxNameChars = 4096;
    public const int MaxTemplatesPerChunk = 4096;

    public readonly byte[] Data = new byte[EvtxChunkHeader.ChunkSize];
    public int Index { get; private set; }
    public long FileOffset { get; private set; }
    public EvtxChunkHeader Header { get; private set; }
    /// <summary>How many bytes the file holds for this chunk (64 KiB but at the end of a truncated file).</summary>
    public int Length { get; private set; }
    /// <summary>
    /// How many bytes of <see cref="Data"/> hold the chunk now: a chunk may be read only up to its free-space
    /// offset (<see cref="EvtxChunkSource"/>); every access past that goes through <see cref="EnsureLoaded"/>.
    /// </summary>
    public int Loaded { get; private set; }
    private EvtxChunkSource? _rest;

    private readonly Dictionary<int, string> _names = new();
    private readonly Dictionary<int, EvtxTemplate?> _templates = new();
    /// <summary>Templates being decoded (nesting is shallow; a list keeps this out of start-up JIT work).</summary>
    private readonly List<int> _templatesInProgress = new();
    /// <summary>
    /// Outlives the chunk: the same definitions come back in the next chunks and files, and on the other
    /// threads' decoders (one cache per decoder made every thread of a parallel dump decode them all again).
    /// </summary>
    private static readonly EvtxTemplateCache SharedTemplates = new();
    private readonly List<EvtxTemplateCache.OffsetField> _offsetFields = new();

    /// <summary>
    /// Takes the chunk now in <see cref="Data"/>: <paramref name="length"/> bytes in the file, the first
    /// <paramref name="loaded"/> of them read (the rest, if any, comes from <paramref name="rest"/> on demand).
    /// </summary>
    public void Reset(int index, long fileOffset, int length, int loaded, EvtxChunkSource? rest)
    {
        if (loaded < length && rest is null)
            throw new ArgumentException("a partly read chunk needs a source for the rest", nameof(rest));
        Index = index;
        FileOffset = fileOffset;
        Length = length;
        Loaded = loaded < length ? loaded : Data.Length; // fully read: the bytes past a short chunk are zeros
        _rest = rest;
        Header = EvtxChunkHeader.Parse(Data);
        _names.Clear();
        _templates.Clear();
        _templatesInProgress.Clear();
    }

    /// <summary>Makes sure bytes [0, <paramref name="end"/>) of the chunk are in <see cref="Data"/>.</summary>
    public void EnsureLoaded(int end)
    {
        if (end > Loaded) LoadRest();
    }

    /// <summary><see cref="EnsureLoaded"/> inside a condition; always true.</summary>
    public bool EnsuredLoaded(int end)
    {
        EnsureLoaded(end);
        return true;
    }

    private void LoadRest()
    {
        _rest!.LoadRest(Data, FileOffset, Loaded, Length);
        Loaded = Data.Length;
    }

    /// <summary>
    /// The name stored at <paramref name="offset"/> (u32 next, u16 hash, u16 length, UTF-16, NUL).
    /// Returns the offset just past the name structure through <paramref name="nameEnd"/>.
    /// </summary>
    public string ReadName(int offset, out int nameEnd)
    {
        if (offset < EvtxChunkHeader.HeaderSize || offset > Data.Length - 8)
            throw new EvtxFormatException($"name offset 0x{offset:x} outside the chunk", offset);
        EnsureLoaded(offset + 8);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(Data.AsSpan(offset + 6));
        nameEnd = offset + 8 + 2 * count + 2;
        if (count > MaxNameChars || nameEnd > Data.Length)
            throw new EvtxFormatException($"name at 0x{offset:x} runs past the chunk", offset);
        EnsureLoaded(nameEnd);
        if (_names.TryGetValue(offset, out var cached)) return cached;
        var chars = MemoryMarshal.Cast<byte, char>(Data.AsSpan(offset + 8, 2 * count));
        var name = EvtxNamePool.Get(chars);
        _names[offset] = name;
        return name;
    }

    /// <summary>The template defined at <paramref name="offset"/>, decoded on first use.</summary>
    public EvtxTemplate GetTemplate(int offset, BinXmlParser parser, int depth)
    {
        if (_templates.TryGetValue(offset, out var t))
            return t ?? throw new EvtxFormatException($"template at 0x{offset:x} did not decode", offset);
        if (offset < EvtxChunkHeader.HeaderSize || offset > Data.Length - 24)
            throw new EvtxFormatException($"template offset 0x{offset:x} outside the chunk", offset);
        if (_templates.Count >= MaxTemplatesPerChunk)
            throw new EvtxFormatException("too many templates in one chunk", offset);
        if (_templatesInProgress.Contains(offset))
            throw new EvtxFormatException($"template at 0x{offset:x} refers to itself", offset);
        _templatesInProgress.Add(offset);
        try
        {
            EnsureLoaded(offset + 24);
            var guid = new Guid(Data.AsSpan(offset + 4, 16));
            long size = BinaryPrimitives.ReadUInt32LittleEndian(Data.AsSpan(offset + 20));
            long end = offset + 24 + size;
            if (end > Data.Length)
                throw new EvtxFormatException($"template at 0x{offset:x} (size {size}) runs past the chunk", offset);
            EnsureLoaded((int)end);
            t = SharedTemplates.Find(guid, this, offset + 24, (int)size);
            if (t is not null)
            {
                _templates[offset] = t;
                return t;
            }
            // Decoding may reach another template (an instance inside this one): keep the outer recording.
            var outerFields = parser.OffsetFields;
            int dependentBefore = parser.PositionDependentParts;
            bool recording = outerFields is null;
            if (recording)
            {
                _offsetFields.Clear();
                parser.OffsetFields = _offsetFields;
            }
            else parser.PositionDependentParts++; // a template inside a template: the outer one is not cached
            BinXmlNode[] root;
            try
            {
                root = parser.ParseFragment(offset + 24, (int)end, depth + 1, inTemplate: true);
            }
            finally
            {
                if (recording) parser.OffsetFields = null;
            }
            t = new EvtxTemplate(guid, offset, root);
            _templates[offset] = t;
            if (recording && parser.PositionDependentParts == dependentBefore)
                SharedTemplates.Add(guid, this, offset + 24, (int)size, _offsetFields, t);
            return t;
        }
        catch (EvtxFormatException)
        {
            _templates[offset] = null;
            throw;
        }
        finally
        {
            _templatesInProgress.Remove(offset);
        }
    }
}
