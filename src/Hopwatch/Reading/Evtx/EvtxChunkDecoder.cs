using System.Buffers.Binary;
using Hopwatch.Events;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Decodes the records of one chunk at a time (one instance per thread, reused chunk after chunk):
/// validates the chunk, walks its records, turns each into a <see cref="LogEvent"/> (or XML) and turns
/// damage into warnings. Nothing here throws for bad data.
/// </summary>
internal sealed class EvtxChunkDecoder
{
    private const uint RecordSignature = 0x00002A2A;
    private const int RecordHeaderSize = 24;

    public EvtxChunk Chunk { get; } = new();
    public BinXmlParser Parser { get; }
    public BinXmlValueArena Arena { get; } = new();
    public TextBuffer Text { get; } = new();
    private readonly EvtxFieldExtractor _fields;
    private readonly EvtxXmlRenderer _xml;
    private EvtxJsonEmitter? _json;

    public EvtxChunkDecoder()
    {
        Parser = new BinXmlParser(Chunk);
        _xml = new EvtxXmlRenderer(this);
        _fields = new EvtxFieldExtractor(this);
    }

    public EvtxXmlRenderer Xml => _xml;

    /// <summary>Extract fields by walking template trees, never by plans (the reference the plans are tested against).</summary>
    internal bool ExtractByWalk
    {
        get => _fields.WalkOnly;
        set => _fields.WalkOnly = value;
    }

    /// <summary>Extraction plans compiled by this decoder so far (for tests).</summary>
    internal int PlansCompiled => _fields.PlansCompiled;

    /// <summary>
    /// Nodes one record may visit. Substitutions can repeat a BinXml value that itself repeats others,
    /// so a small hostile record could otherwise expand exponentially within the depth limit.
    /// </summary>
    public const int NodeBudgetPerRecord = 2_000_000;
    private int _nodeBudget;

    /// <summary>Nodes charged over all records so far (tests compare what extraction by plans and by the walk charge).</summary>
    internal long NodesSpent { get; private set; }

    public void Spend(int nodes)
    {
        NodesSpent += nodes;
        _nodeBudget -= nodes;
        if (_nodeBudget < 0) throw new EvtxFormatException("record expands to too many nodes", 0);
    }

    /// <summary>
    /// Opens a Binary XML fragment at [pos, end): a template instance (values pushed on the arena; the
    /// caller pops them) or a plain fragment decoded on the spot.
    /// </summary>
    public BinXmlFragment OpenFragment(int pos, int end, int depth)
    {
        var b = Chunk.Data;
        while (pos + 4 <= end && b[pos] == BinXmlToken.FragmentHeader) pos += 4;
        if (pos < end && b[pos] == BinXmlToken.TemplateInstance)
        {
            var template = Parser.ReadTemplateInstanceHeader(ref pos, end, depth, out int count);
            var values = Arena.Push(count);
            Parser.ReadValueRefs(ref pos, end, values);
            return new BinXmlFragment(template.Root, values, template);
        }
        Spend(1 + (end - pos) / 16); // decoding is not cached here: charge it against the record's budget
        return new BinXmlFragment(Parser.ParseFragment(pos, end, depth, inTemplate: false), default);
    }

    /// <summary>
    /// Takes the bytes already in <see cref="Chunk"/>.Data as chunk <paramref name="index"/>: <paramref name="length"/>
    /// bytes in the file, <paramref name="loaded"/> of them read, the rest from <paramref name="rest"/> when decoding needs them.
    /// </summary>
    public void Load(int index, long fileOffset, int length, int loaded, EvtxChunkSource? rest)
        => Chunk.Reset(index, fileOffset, length, loaded, rest);

    /// <summary>What to produce for each good record.</summary>
    public enum Output { Events, Xml }

    /// <summary>
    /// Decodes every record of the loaded chunk into <paramref name="json"/> (dump lines), <paramref name="events"/> or <paramref name="xml"/>.
    /// Reads past <see cref="EvtxChunk.Loaded"/> only through <see cref="EvtxChunk.EnsureLoaded"/>. Events that
    /// <paramref name="interest"/> does not want are dropped after their System element (counted as skipped,
    /// and still as good records).
    /// </summary>
    public int DecodeRecords(string file, ReadDiagnostics diag, List<LogEvent>? events, List<EvtxXmlRecord>? xml,
        Hopwatch.Reporting.RawEventJsonWriter? json = null, EventInterest? interest = null)
    {
        var data = Chunk.Data;
        int validBytes = Chunk.Length;
        var header = Chunk.Header;
        if (!EvtxChunkHeader.HasMagic(data))
        {
            if (EvtxChunkHeader.IsUnused(data.AsSpan(0, validBytes))) return 0;
            // A damaged signature alone need not lose the chunk: try its records if the first one looks right.
            diag.Warn(file, Where(0), "bad chunk signature");
            if (BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(EvtxChunkHeader.HeaderSize)) != RecordSignature) return 0;
        }
        else
        {
            if (EvtxChunkHeader.ComputeHeaderChecksum(data) != header.HeaderChecksum)
                diag.Warn(file, Where(0), "chunk header checksum mismatch");
            uint free = header.FreeSpaceOffset;
            if (free >= EvtxChunkHeader.HeaderSize && free <= data.Length
                && Crc32.Compute(data.AsSpan(EvtxChunkHeader.HeaderSize, (int)free - EvtxChunkHeader.HeaderSize)) != header.RecordsChecksum)
                diag.Warn(file, Where(0), "chunk records checksum mismatch");
        }

        int limit = header.FreeSpaceOffset >= EvtxChunkHeader.HeaderSize && header.FreeSpaceOffset <= data.Length
            ? (int)header.FreeSpaceOffset : data.Length;
        int end = Math.Min(validBytes, data.Length);
        int pos = EvtxChunkHeader.HeaderSize;
        int good = 0, skipped = 0;
        ulong previousId = 0;
        while (pos + RecordHeaderSize + 4 <= end)
        {
            Chunk.EnsureLoaded(pos + 8);
            uint sig = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos));
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + 4));
            bool beyondFree = pos >= limit;
            if (sig != RecordSignature || size < RecordHeaderSize + 4 || pos + size > end
                || !Chunk.EnsuredLoaded(pos + (int)size)
                || BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(pos + (int)size - 4)) != size)
            {
                // Past the free-space offset this is normal unused space; before it, the record is damaged.
                if (beyondFree) break;
                Chunk.EnsureLoaded(limit);
                int next = Resync(data, pos + 8, limit);
                diag.Warn(file, Where(pos),
                    sig != RecordSignature ? "no record signature" : $"bad record size {size}");
                if (next < 0) break;
                pos = next;
                continue;
            }
            ulong id = BinaryPrimitives.ReadUInt64LittleEndian(data.AsSpan(pos + 8));
            // A dirty file's last chunk can hold records written after its header was last updated;
            // take them only when they continue the id sequence (stale slack does not).
            if (beyondFree && (good == 0 || id != previousId + 1)) break;
            int arenaTop = Arena.Top;
            _nodeBudget = NodeBudgetPerRecord;
            try
            {
                long written = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(pos + 16));
                var fragment = OpenFragment(pos + RecordHeaderSize, pos + (int)size - 4, 0);
                if (json is not null)
                {
                    (_json ??= new EvtxJsonEmitter(this)).Emit(fragment, (long)id, written, file, json);
                }
                else if (events is not null)
                {
                    var e = new LogEvent { File = file, RecordId = (long)id, Format = SourceFormat.Evtx };
                    if (_fields.Extract(fragment, e, written, interest)) events.Add(e);
                    else skipped++;
                }
                else
                {
                    Text.Clear();
                    _xml.RenderDocument(fragment, Text);
                    xml!.Add(new EvtxXmlRecord((long)id, Text.ToString()));
                }
                good++;
                previousId = id;
            }
            catch (EvtxFormatException ex)
            {
                diag.Warn(file, Where(pos), $"record {id}: {ex.Message}");
            }
            catch (Exception ex) when (ex is IndexOutOfRangeException or ArgumentOutOfRangeException or ArgumentException or OverflowException or FormatException)
            {
                // A bounds check we did not foresee: still only this record is lost.
                diag.Warn(file, Where(pos), $"record {id}: {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                Arena.PopTo(arenaTop);
                Parser.RecycleTransientNodes(); // the record's one-off trees are done with
                Text.ReleaseIfLarge();
            }
            pos += (int)size;
        }
        diag.RecordsSkipped(skipped);
        return good;
    }

    /// <summary>
    /// Where a warning points: "chunk N offset 0x..." for chunk position <paramref name="pos"/>. Made only for a
    /// warning (a string per chunk was most of what a dump of dense logs allocated).
    /// </summary>
    private string Where(int pos) => $"chunk {Chunk.Index} offset 0x{Chunk.FileOffset + pos:x}";

    /// <summary>Next record signature at or after <paramref name="from"/> and before <paramref name="limit"/>, or -1.</summary>
    private static int Resync(byte[] data, int from, int limit)
    {
        if (from >= limit) return -1;
        int i = data.AsSpan(from, limit - from).IndexOf("**\0\0"u8);
        return i < 0 ? -1 : from + i;
    }
}
