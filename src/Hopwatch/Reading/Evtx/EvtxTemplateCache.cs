using System.Buffers.Binary;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Decoded templates kept across chunks (and files) by one decoder. EVTX repeats each template's
/// definition in every chunk that uses it, byte for byte except for chunk offsets: the references to
/// names inside the definition and the next-string links of names stored inline. A definition matches
/// a cached one when all other bytes are equal and every name reference points at the same place
/// relative to the definition or, for names stored elsewhere in the chunk, at the same name; then the
/// decoded tree is reused instead of decoded again (template trees decoded anew for each chunk were
/// a fifth of all bytes an EVTX dump allocated). Templates whose decoding depended on anything else
/// outside the definition are not cached.
/// </summary>
internal sealed class EvtxTemplateCache
{
    /// <summary>
    /// Bounds the definitions kept (their copies and decoded trees; one cache serves every decoder of the
    /// process); past it the cache starts over. The shared EVTX files need less than this.
    /// </summary>
    public const int MaxBytes = 4 << 20;

    /// <summary>Decoders on several threads share the cache; a lookup is one per template and chunk, so a lock costs nothing measurable.</summary>
    private readonly Lock _gate = new();

    /// <summary>A 4-byte chunk offset inside a definition: a name reference (Relative) or a link that decoding ignores.</summary>
    public readonly record struct OffsetField(int Position, bool Relative);

    /// <summary>How a cached definition's offset field must match: same place relative to the definition, same (interned) name, or anything.</summary>
    private readonly record struct CachedField(int Position, bool Relative, string? Name);

    private sealed class Entry(byte[] bytes, int start, CachedField[] fields, EvtxTemplate template)
    {
        public readonly byte[] Bytes = bytes;
        public readonly int Start = start;
        public readonly CachedField[] Fields = fields;
        public readonly EvtxTemplate Template = template;
    }

    /// <summary>
    /// Definition GUID and size. A class: a dictionary keyed by an own struct was JIT-compiled at start-up
    /// (four methods, ~2 ms of every run), while reference keys run the framework's precompiled shared code.
    /// Lookups go through one reused probe key (<see cref="_probe"/>, under the lock) instead of a new key per
    /// template use and chunk (7,155 lookups, 0.3 MB on the bench corpus).
    /// </summary>
    private sealed class Key(Guid guid, int size)
    {
        public Guid Guid = guid;
        public int Size = size;
    }

    /// <summary>The key of the lookup under way; only touched under <see cref="_gate"/>, never stored in the dictionary.</summary>
    private readonly Key _probe = new(Guid.Empty, 0);

    /// <summary><see cref="_probe"/> set to (<paramref name="guid"/>, <paramref name="size"/>); call under the lock.</summary>
    private Key Probe(Guid guid, int size)
    {
        _probe.Guid = guid;
        _probe.Size = size;
        return _probe;
    }

    private sealed class KeyComparer : IEqualityComparer<Key>
    {
        public bool Equals(Key? a, Key? b) => ReferenceEquals(a, b) || (a is not null && b is not null && a.Guid == b.Guid && a.Size == b.Size);
        public int GetHashCode(Key k) => k.Guid.GetHashCode() ^ k.Size;
    }

    private readonly Dictionary<Key, Entry> _entries = new(new KeyComparer());
    private int _bytes;

    /// <summary>The cached template equal to the definition data at [start, start+size) of <paramref name="chunk"/>, or null.</summary>
    public EvtxTemplate? Find(Guid guid, EvtxChunk chunk, int start, int size)
    {
        Entry? e;
        lock (_gate)
            if (!_entries.TryGetValue(Probe(guid, size), out e)) return null;
        // The entry is immutable: compare outside the lock.
        var current = chunk.Data.AsSpan(start, size);
        var cached = e.Bytes.AsSpan();
        int at = 0;
        foreach (var f in e.Fields)
        {
            if (!current[at..f.Position].SequenceEqual(cached[at..f.Position])) return null;
            if (f.Name is not null)
            {
                // Still outside the definition (never inline, which would change decoding) and the same name.
                long target = BinaryPrimitives.ReadUInt32LittleEndian(current[f.Position..]);
                if (target >= start && target < start + size) return null;
                if (!SameName(chunk, (int)target, f.Name)) return null;
            }
            else if (f.Relative)
            {
                long now = BinaryPrimitives.ReadUInt32LittleEndian(current[f.Position..]) - (long)start;
                long then = BinaryPrimitives.ReadUInt32LittleEndian(cached[f.Position..]) - (long)e.Start;
                if (now != then) return null;
            }
            at = f.Position + 4;
        }
        return current[at..].SequenceEqual(cached[at..]) ? e.Template : null;
    }

    /// <summary>
    /// Keeps <paramref name="template"/>, decoded from [start, start+size) of <paramref name="chunk"/>;
    /// <paramref name="fields"/> are the chunk positions of its offset fields in decoding order.
    /// Not kept when a name reference points outside the definition.
    /// </summary>
    public void Add(Guid guid, EvtxChunk chunk, int start, int size, List<OffsetField> fields, EvtxTemplate template)
    {
        if (size > MaxBytes / 16) return;
        var relative = new CachedField[fields.Count];
        int at = 0;
        for (int i = 0; i < fields.Count; i++)
        {
            int p = fields[i].Position - start;
            if (p < at || p + 4 > size) return; // overlapping or out of order: do not trust a byte comparison
            string? name = null;
            if (fields[i].Relative)
            {
                long target = BinaryPrimitives.ReadUInt32LittleEndian(chunk.Data.AsSpan(fields[i].Position));
                // A name stored elsewhere in the chunk (names are shared by the chunk's templates): match by name.
                if (target < start || target >= start + size) name = chunk.ReadName((int)target, out _);
            }
            relative[i] = new CachedField(p, fields[i].Relative, name);
            at = p + 4;
        }
        var entry = new Entry(chunk.Data.AsSpan(start, size).ToArray(), start, relative, template);
        lock (_gate)
        {
            if (_bytes + size > MaxBytes)
            {
                _entries.Clear();
                _bytes = 0;
            }
            if (_entries.Remove(Probe(guid, size), out var old)) _bytes -= old.Bytes.Length;
            _entries.Add(new Key(guid, size), entry); // a key of its own: the probe changes with the next lookup
            _bytes += size;
        }
    }

    /// <summary>Names are interned, so the same name is the same string.</summary>
    private static bool SameName(EvtxChunk chunk, int offset, string expected)
    {
        try
        {
            return ReferenceEquals(chunk.ReadName(offset, out _), expected);
        }
        catch (EvtxFormatException)
        {
            return false; // decoding the definition reports the bad offset
        }
    }
}
