using System.Buffers;
using System.Globalization;
using System.Text;
using Hopwatch.Events;

namespace Hopwatch.Reporting;

/// <summary>
/// Writes events as JSON lines with their raw fields (the `dump` format): record_id, time, event_id,
/// channel, provider, computer, file, then data {name: value}. Hand-rolled for throughput (the dump of
/// a large EVTX corpus is dominated by this): strings are transcoded to UTF-8 in one call and scanned
/// once for bytes needing an escape; field names and repeated header values are encoded once.
/// Output is plain UTF-8 JSON: only '"', '\' and control characters are escaped.
/// </summary>
public sealed class RawEventJsonWriter : IDisposable
{
    private const int FlushAt = 1 << 16;
    /// <summary>Bytes that need escaping in UTF-8 output (bytes of multi-byte sequences are all &gt;= 0x80).</summary>
    private static readonly SearchValues<byte> NeedsEscapeUtf8 = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000A\u000B\u000C\u000D\u000E\u000F"u8 +
        "\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F"u8);

    private readonly Stream _output;
    private byte[] _buf;
    private int _len;
    /// <summary>
    /// The field names of the previous event by position, encoded as ,"name": — events of one template
    /// come in runs with the same (interned) names, so most names are a reference check and a copy.
    /// </summary>
    private readonly (string? Name, byte[] Json)[] _nameSlots = [];
    private RepeatedString _channel, _provider, _computer;
    /// <summary>Encoded field names, shared by all writers (readers intern names, so this stays small).</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> Names = new(ReferenceEqualityComparer.Instance);
    private string? _lastFile;
    /// <summary>
    /// The JSON literal of <see cref="_lastFile"/> in its first <see cref="_lastFileJsonLength"/> bytes: one buffer
    /// reused file after file (a new array per file was a few hundred bytes of each file's cost in a dump of many small files).
    /// </summary>
    private byte[] _lastFileJson = [];
    private int _lastFileJsonLength;

    /// <summary>Size of a writer's buffer, and so the most a flush writes but for a record that does not fit in it.</summary>
    internal const int BufferSize = FlushAt + 4096;

    public RawEventJsonWriter(Stream output) : this(output, BufferSize)
    {
        _nameSlots = new (string?, byte[])[64];
    }

    private RawEventJsonWriter(Stream output, int capacity)
    {
        _output = output;
        _keeper = output as IBufferKeepingStream;
        _buf = new byte[capacity];
    }

    /// <summary>
    /// Writes all events to <paramref name="output"/> in order. With threads &gt; 1, batches of events are
    /// serialised on the thread pool (at most 2×threads batches in flight) while this thread only moves
    /// events and bytes, so JSON encoding scales with the decoding.
    /// </summary>
    public static void WriteAll(IEnumerable<LogEvent> events, Stream output, int threads)
    {
        if (threads <= 1)
        {
            using var w = new RawEventJsonWriter(output);
            foreach (var e in events) w.Write(e);
            return;
        }
        const int BatchSize = 256;
        var pending = new Queue<Task<(byte[] Bytes, int Length)>>();
        var batch = new List<LogEvent>(BatchSize);
        try
        {
            foreach (var e in events)
            {
                batch.Add(e);
                if (batch.Count < BatchSize) continue;
                Submit(batch);
                batch = new List<LogEvent>(BatchSize);
                while (pending.Count >= 2 * threads) WriteNext();
            }
            if (batch.Count > 0) Submit(batch);
            while (pending.Count > 0) WriteNext();
            output.Flush();
        }
        finally
        {
            foreach (var t in pending)
                try { ArrayPool<byte>.Shared.Return(t.GetAwaiter().GetResult().Bytes); } catch (Exception) { /* the first failure was already thrown */ }
        }

        void WriteNext()
        {
            var (bytes, length) = pending.Dequeue().GetAwaiter().GetResult();
            output.Write(bytes, 0, length);
            ArrayPool<byte>.Shared.Return(bytes);
        }

        // Serialise on a pooled thread into its reusable buffer, then hand over a pooled copy:
        // no large per-batch allocations (they would land on the large object heap).
        void Submit(List<LogEvent> items) => pending.Enqueue(Task.Run(() =>
        {
            var w = t_batchWriter ??= new RawEventJsonWriter(Stream.Null);
            w._len = 0;
            foreach (var e in items) w.WriteUnflushed(e);
            var copy = ArrayPool<byte>.Shared.Rent(w._len);
            w._buf.AsSpan(0, w._len).CopyTo(copy);
            return (copy, w._len);
        }));
    }

    [ThreadStatic] private static RawEventJsonWriter? t_batchWriter;

    public void Write(LogEvent e)
    {
        WriteUnflushed(e);
        if (_len >= FlushAt) FlushBuffer();
        if (++_written % 512 == 0) YoungHeap.Bound(YoungHeap.EventBudget);
    }

    private long _written;

    /// <summary>
    /// The dump drops every event right after writing it, yet the runtime's default young-generation
    /// budget (sized from the CPU cache, ~120 MB here) let a dump touch that much fresh memory before
    /// its first collection: the kernel zeroing new pages was a tenth of the run. Collecting the young
    /// generation every 24 MB allocated finds little alive and keeps the heap in warm pages (146.6 MB
    /// corpus: peak working set 129 -> 72 MB, GC pauses 22 ms; every 8 MB paused 42 ms in total for no
    /// gain in CPU time).
    /// </summary>
    private static class YoungHeap
    {
        public const long EventBudget = 24 << 20;
        /// <summary>
        /// The EVTX fast path (<see cref="WriteRecord"/>) builds no events: almost nothing it allocates outlives
        /// a record. Yet a collection is not cheap while the decoder's shared caches (templates, names) are
        /// young: the first one promotes them (bench corpus: 3.3 MB, a 5 ms pause), and a collection stops
        /// every worker, so on two threads each pause was lost twice. 6 MB (one thread: 10.5k -> 5.0k page
        /// faults, 0.203 -> 0.193 s when set) made 2-4 such pauses in a 2-thread dump of the bench corpus,
        /// 9-13 ms of a 92 ms run; 32 MB: none there, 1-thread time the same, peak RSS 40 -> 46 MB (1 thread),
        /// 47 -> 54 MB (2 threads), 2-thread scaling 1.64 -> 1.74.
        /// </summary>
        public const long RecordBudget = 32 << 20;
        private static long s_collectedAt;

        public static void Bound(long budget)
        {
            long now = GC.GetTotalAllocatedBytes(precise: false);
            long last = Interlocked.Read(ref s_collectedAt);
            if (now - last < budget || Interlocked.CompareExchange(ref s_collectedAt, now, last) != last) return;
            GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        }
    }

    private void WriteUnflushed(LogEvent e)
    {
        Raw("{\"record_id\":"u8);
        Number(e.RecordId);
        Raw(",\"time\":\""u8);
        Time(e.Time);
        Raw("\",\"event_id\":"u8);
        Number(e.EventId);
        Raw(",\"channel\":"u8);
        Raw(_channel.Json(e.Channel));
        Raw(",\"provider\":"u8);
        Raw(_provider.Json(e.Provider));
        Raw(",\"computer\":"u8);
        Raw(_computer.Json(e.Computer));
        Raw(",\"file\":"u8);
        Raw(FileJson(e.File));
        Raw(",\"data\":{"u8);
        var f = e.Fields;
        for (int i = 0; i < f.Count; i++)
        {
            var name = NameSlot(f.NameAt(i), i);
            Raw(i == 0 ? name.AsSpan(1) : name);
            var v = f.ValueAt(i);
            if (v is null) Raw("null"u8);
            else String(v);
        }
        Raw("}}\n"u8);
    }

    /// <summary>
    /// Writes one record whose data object was built elsewhere (the EVTX fast path formats fields straight
    /// from the chunk, see Reading/Evtx/EvtxJsonEmitter): the same layout as <see cref="Write(LogEvent)"/>.
    /// <paramref name="channel"/>, <paramref name="provider"/> and <paramref name="computer"/> are JSON string
    /// literals (with quotes); <paramref name="data"/> is the inside of the data object.
    /// </summary>
    internal void WriteRecord(long recordId, DateTime time, int eventId, ReadOnlySpan<byte> channel, ReadOnlySpan<byte> provider,
        ReadOnlySpan<byte> computer, string file, ReadOnlySpan<byte> data)
    {
        Raw("{\"record_id\":"u8);
        Number(recordId);
        Raw(",\"time\":\""u8);
        Time(time);
        Raw("\",\"event_id\":"u8);
        Number(eventId);
        Raw(",\"channel\":"u8);
        Raw(channel);
        Raw(",\"provider\":"u8);
        Raw(provider);
        Raw(",\"computer\":"u8);
        Raw(computer);
        Raw(",\"file\":"u8);
        Raw(FileJson(file));
        Raw(",\"data\":{"u8);
        Raw(data);
        Raw("}}\n"u8);
        if (_len >= FlushAt) FlushBuffer();
        if (++_written % 512 == 0) YoungHeap.Bound(YoungHeap.RecordBudget);
    }

    /// <summary>The stream this writer writes to (for a caller that writes through it after <see cref="Flush"/>).</summary>
    internal Stream Output => _output;

    /// <summary>Writes bytes already in this format (lines formatted elsewhere) after what this writer holds.</summary>
    internal void WriteThrough(ReadOnlySpan<byte> lines)
    {
        FlushBuffer();
        _output.Write(lines);
    }

    /// <summary>A scratch writer (no output) whose bytes a caller builds with the Append methods.</summary>
    internal static RawEventJsonWriter CreateScratch() => new(Stream.Null, 4096);

    internal int Length => _len;
    internal int Capacity => _buf.Length;
    internal ReadOnlySpan<byte> Written => _buf.AsSpan(0, _len);
    internal void Truncate(int length) => _len = length;
    internal void AppendRaw(ReadOnlySpan<byte> bytes) => Raw(bytes);
    /// <summary>A JSON string literal, escaped exactly as field values are.</summary>
    internal void AppendString(ReadOnlySpan<char> s) => String(s);

    /// <summary>,"name": as bytes (shared, do not modify), for callers that cache encoded names.</summary>
    internal static byte[] EncodeNameWithComma(string name) => Name(name);

    /// <summary>,"name": for the field at <paramref name="index"/>.</summary>
    private byte[] NameSlot(string name, int index)
    {
        if (index < _nameSlots.Length)
        {
            ref var slot = ref _nameSlots[index];
            if (ReferenceEquals(slot.Name, name)) return slot.Json;
            slot = (name, Name(name));
            return slot.Json;
        }
        return Name(name);
    }

    /// <summary>A header value that repeats from event to event (channel, provider, computer): encoded once per change.</summary>
    private struct RepeatedString
    {
        private string? _value;
        private byte[] _json;

        public byte[] Json(string value)
        {
            if (ReferenceEquals(value, _value) && _json is not null) return _json;
            if (_json is null || !string.Equals(value, _value, StringComparison.Ordinal))
            {
                _json = Encode(value);
            }
            _value = value;
            return _json;
        }
    }

    private static int s_nameCount;

    /// <summary><paramref name="file"/> as a JSON literal, encoded when the file changes.</summary>
    private ReadOnlySpan<byte> FileJson(string file)
    {
        if (!ReferenceEquals(file, _lastFile))
        {
            var encoder = Encoder();
            encoder.String(file);
            var encoded = encoder._buf.AsSpan(0, encoder._len);
            if (encoded.Length > _lastFileJson.Length) _lastFileJson = new byte[Math.Max(encoded.Length, 2 * _lastFileJson.Length)];
            encoded.CopyTo(_lastFileJson);
            _lastFileJsonLength = encoded.Length;
            _lastFile = file;
            DoneWith(encoder);
        }
        return _lastFileJson.AsSpan(0, _lastFileJsonLength);
    }

    /// <summary>This thread's scratch writer for encoding single strings (a new writer per string was an object and a buffer each time), empty.</summary>
    private static RawEventJsonWriter Encoder()
    {
        var w = t_encoder ??= new RawEventJsonWriter(Stream.Null, 512);
        w._len = 0;
        return w;
    }

    /// <summary>Drops the scratch writer's buffer when one long string grew it, so a thread does not keep it.</summary>
    private static void DoneWith(RawEventJsonWriter encoder)
    {
        if (encoder._buf.Length > MaxKeptEncoderBytes) t_encoder = null;
    }

    private const int MaxKeptEncoderBytes = 1 << 16;
    [ThreadStatic] private static RawEventJsonWriter? t_encoder;

    private static byte[] Name(string name)
    {
        if (Names.TryGetValue(name, out var encoded)) return encoded;
        var w = Encoder();
        w.Raw(","u8);
        w.String(name);
        w.Raw(":"u8);
        encoded = w._buf.AsSpan(0, w._len).ToArray();
        DoneWith(w);
        // The cap guards against sources that do not intern their names.
        // (Counted here: ConcurrentDictionary.Count takes every lock and set up an event source by reflection.)
        if (Volatile.Read(ref s_nameCount) < 10_000 && Names.TryAdd(name, encoded)) Interlocked.Increment(ref s_nameCount);
        return encoded;
    }

    /// <summary>A JSON string literal (with quotes) as bytes, escaped as field values are, for text written many times.</summary>
    internal static byte[] EncodeString(string s) => Encode(s);

    /// <summary>A JSON string literal (with quotes) as bytes, for values written many times.</summary>
    private static byte[] Encode(string s)
    {
        var w = Encoder();
        w.String(s);
        var encoded = w._buf.AsSpan(0, w._len).ToArray();
        DoneWith(w);
        return encoded;
    }

    private void Ensure(int n)
    {
        if (_len + n > _buf.Length) Array.Resize(ref _buf, Math.Max(_buf.Length * 2, _len + n));
    }

    private void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buf.AsSpan(_len));
        _len += bytes.Length;
    }

    private void Number(long v)
    {
        Ensure(20);
        v.TryFormat(_buf.AsSpan(_len), out int n, default, CultureInfo.InvariantCulture);
        _len += n;
    }

    /// <summary>yyyy-MM-ddTHH:mm:ss.fffffffZ</summary>
    private void Time(DateTime t)
    {
        Ensure(28);
        var d = _buf.AsSpan(_len, 28);
        Digits(d[..4], t.Year); d[4] = (byte)'-'; Digits(d.Slice(5, 2), t.Month); d[7] = (byte)'-'; Digits(d.Slice(8, 2), t.Day);
        d[10] = (byte)'T'; Digits(d.Slice(11, 2), t.Hour); d[13] = (byte)':'; Digits(d.Slice(14, 2), t.Minute); d[16] = (byte)':';
        Digits(d.Slice(17, 2), t.Second); d[19] = (byte)'.'; Digits(d.Slice(20, 7), (int)(t.Ticks % TimeSpan.TicksPerSecond)); d[27] = (byte)'Z';
        _len += 28;
    }

    private static void Digits(Span<byte> d, int v)
    {
        for (int i = d.Length - 1; i >= 0; i--)
        {
            d[i] = (byte)('0' + v % 10);
            v /= 10;
        }
    }

    /// <summary>
    /// A JSON string: transcoded to UTF-8 in one vectorised call, then checked for bytes needing an
    /// escape (rare in event data); only then is it written again character by character.
    /// </summary>
    private void String(ReadOnlySpan<char> chars)
    {
        Ensure(2 + 3 * chars.Length);
        _buf[_len++] = (byte)'"';
        int start = _len;
        if (chars.Length <= ShortString && TryPlainAscii(chars, _buf.AsSpan(start)))
        {
            _len += chars.Length;
            _buf[_len++] = (byte)'"';
            return;
        }
        System.Text.Unicode.Utf8.FromUtf16(chars, _buf.AsSpan(start), out _, out int written, replaceInvalidSequences: true);
        int i = _buf.AsSpan(start, written).IndexOfAny(NeedsEscapeUtf8);
        if (i < 0)
        {
            _len += written;
            _buf[_len++] = (byte)'"';
            return;
        }
        // From the first byte needing an escape on (paths are full of backslashes), the bytes are moved
        // aside and copied back run by run with the escapes in between: no second transcoding.
        int rest = written - i;
        if (_scratch is null || _scratch.Length < rest) _scratch = new byte[Math.Max(rest, 256)];
        _buf.AsSpan(start + i, rest).CopyTo(_scratch);
        _len = start + i;
        Ensure(6 * rest + 1); // an escaped byte takes at most 6
        var src = _scratch.AsSpan(0, rest);
        while (true)
        {
            int j = src.IndexOfAny(NeedsEscapeUtf8);
            var plain = j < 0 ? src : src[..j];
            plain.CopyTo(_buf.AsSpan(_len));
            _len += plain.Length;
            if (j < 0) break;
            Escape(src[j]);
            src = src[(j + 1)..];
        }
        _buf[_len++] = (byte)'"';
    }

    private byte[]? _scratch;

    /// <summary>Most field values are short (numbers, flags, names): below this a plain loop beats the vectorised calls' set-up.</summary>
    private const int ShortString = 24;

    /// <summary>Copies printable ASCII without '"' or '\' (the bytes the general path would write unchanged); false at any other character.</summary>
    private static bool TryPlainAscii(ReadOnlySpan<char> chars, Span<byte> dest)
    {
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') return false;
            dest[i] = (byte)c;
        }
        return true;
    }

    /// <summary>Room for <paramref name="n"/> bytes at the end of the buffer; <see cref="Advance"/> commits what was written.</summary>
    internal Span<byte> Reserve(int n)
    {
        Ensure(n);
        return _buf.AsSpan(_len, n);
    }

    internal void Advance(int n) => _len += n;

    /// <summary>An ASCII byte that JSON requires escaped (capacity already ensured).</summary>
    private void Escape(byte c)
    {
        _buf[_len++] = (byte)'\\';
        switch (c)
        {
            case (byte)'"': _buf[_len++] = (byte)'"'; break;
            case (byte)'\\': _buf[_len++] = (byte)'\\'; break;
            case (byte)'\n': _buf[_len++] = (byte)'n'; break;
            case (byte)'\r': _buf[_len++] = (byte)'r'; break;
            case (byte)'\t': _buf[_len++] = (byte)'t'; break;
            default:
                _buf[_len++] = (byte)'u';
                _buf[_len++] = (byte)'0';
                _buf[_len++] = (byte)'0';
                _buf[_len++] = (byte)"0123456789abcdef"[c >> 4];
                _buf[_len++] = (byte)"0123456789abcdef"[c & 0xF];
                break;
        }
    }

    private void FlushBuffer()
    {
        if (_keeper is not null) _buf = _keeper.WriteOrKeep(_buf, _len);
        else _output.Write(_buf, 0, _len);
        _len = 0;
    }

    /// <summary><see cref="_output"/> when it can take this writer's buffer itself instead of a copy.</summary>
    private readonly IBufferKeepingStream? _keeper;

    public void Flush()
    {
        FlushBuffer();
        _output.Flush();
    }

    public void Dispose() => Flush();
}
