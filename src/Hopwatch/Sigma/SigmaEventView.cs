using System.Runtime.CompilerServices;
using Hopwatch.Events;

namespace Hopwatch.Sigma;

/// <summary>
/// One event as the compiled rules see it: field values by field id. <see cref="Bind"/> walks the
/// event's fields once and records where each field the rules use sits, so every later test is an
/// array read; generation stamps avoid clearing arrays between events. One view per thread.
/// </summary>
internal sealed class SigmaEventView
{
    private const int MaxCachedNames = 16_384;

    private readonly SigmaFieldTable _table;
    private readonly int[] _stamp;
    private readonly int[] _index;
    private int _generation;
    private string[]?[]? _aliases;
    private Hopwatch.Events.SourceFormat _aliasesFormat;
    private bool _aliasesKnown;
    /// <summary>Field name instance → field id (-1: not used by any rule). Readers intern names, so this hits almost always.</summary>
    private readonly Dictionary<string, int> _byReference = new(ReferenceEqualityComparer.Instance);

    /// <summary>The field names of the previous event by position, and their ids.</summary>
    private string?[] _lastName = new string?[32];
    private int[] _lastId = new int[32];

    public SigmaEventView(SigmaFieldTable table)
    {
        _table = table;
        _stamp = new int[table.Count];
        _index = new int[table.Count];
    }

    public LogEvent Event { get; private set; } = null!;

    /// <summary>Answers of searches over value instances seen before (this view's thread only).</summary>
    public SigmaValueMemo Memo { get; } = new();

    /// <summary>Slots of a <see cref="KeywordMisses"/> table: 4,096 (32 KB): on the bench corpus about as many repeats are found as with 16,384 (85 % against 86 % of values), and the table stays in the first-level cache better.</summary>
    public const int KeywordMissBits = 12;
    private string?[]?[] _keywordMisses = [];

    /// <summary>
    /// Value instances keyword list <paramref name="table"/> (a small number, see <see cref="SigmaMultiContainsMatcher.MatchesAnyValue"/>)
    /// found to hold none of its needles, by <see cref="SigmaValueMemo.SlotOf"/>: direct-mapped, a collision overwrites.
    /// </summary>
    public string?[] KeywordMisses(int table)
    {
        if (table >= _keywordMisses.Length) Array.Resize(ref _keywordMisses, Math.Max(table + 1, _keywordMisses.Length * 2));
        return _keywordMisses[table] ??= new string?[1 << KeywordMissBits];
    }

    /// <summary>What the prefilter's field scans found in value instances seen before (this view's thread only).</summary>
    public SigmaScanMemo ScanMemo { get; } = new();

    /// <summary>Regex time-outs seen through this view (counted, the match is taken as failed).</summary>
    public long RegexTimeouts;

    public void Bind(LogEvent e)
    {
        Event = e;
        // The alias table by format is fixed once rules are loaded; a dictionary look-up per event (keyed by an enum) was
        // ~3 % of matching.
        if (!_aliasesKnown || e.Format != _aliasesFormat)
        {
            _aliases = _table.AliasesFor(e.Format);
            _aliasesFormat = e.Format;
            _aliasesKnown = true;
        }
        if (++_generation == int.MaxValue)
        {
            Array.Clear(_stamp);
            _generation = 1;
        }
        var fields = e.Fields;
        int gen = _generation;
        int count = fields.Count;
        if (_lastName.Length < count)
        {
            Array.Resize(ref _lastName, Math.Max(count, _lastName.Length * 2));
            Array.Resize(ref _lastId, _lastName.Length);
        }
        for (int i = 0; i < count; i++)
        {
            string name = fields.NameAt(i);
            int id;
            // Events of one template carry the same interned names in the same order: a pointer compare with the
            // previous event's name at this position usually answers without the dictionary.
            if (ReferenceEquals(_lastName[i], name)) id = _lastId[i];
            else
            {
                if (!_byReference.TryGetValue(name, out id))
                {
                    id = _table.TryIdOf(name);
                    if (_byReference.Count < MaxCachedNames) _byReference[name] = id;
                }
                _lastName[i] = name;
                _lastId[i] = id;
            }
            if (id >= 0 && _stamp[id] != gen)
            {
                _stamp[id] = gen;
                _index[id] = i; // first occurrence wins, as in EventFields
            }
        }
    }

    /// <summary>Index in Event.Fields of field <paramref name="id"/>, or -1 when the event lacks it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Resolve(int id)
    {
        if (_stamp[id] == _generation) return _index[id];
        return ResolveAlias(id);
    }

    private int ResolveAlias(int id)
    {
        int i = -1;
        if (_aliases?[id] is { } alts)
            foreach (var alt in alts)
                if ((i = Event.Fields.IndexOf(alt)) >= 0) break;
        _stamp[id] = _generation;
        _index[id] = i;
        return i;
    }

    public bool Has(int id) => Resolve(id) >= 0;

    /// <summary>Index in Event.Fields of field <paramref name="id"/>, or -1.</summary>
    public int IndexOf(int id) => Resolve(id);

    // Upper-cased copies of field values (per-char ToUpperInvariant = the OrdinalIgnoreCase folding), made at most
    // once per field per event into reused buffers, so case-insensitive tests become fast ordinal span searches.
    private char[][] _folded = new char[32][];
    private int[] _foldStamp = new int[32];
    private int[] _foldLength = new int[32];

    /// <summary>The value of Event.Fields[<paramref name="fieldIndex"/>] (not null) upper-cased, valid until the next Bind.</summary>
    public ReadOnlySpan<char> Folded(int fieldIndex, string value)
    {
        if (fieldIndex >= _folded.Length)
        {
            int n = Math.Max(fieldIndex + 1, _folded.Length * 2);
            Array.Resize(ref _folded, n);
            Array.Resize(ref _foldStamp, n);
            Array.Resize(ref _foldLength, n);
        }
        if (_foldStamp[fieldIndex] == _generation) return _folded[fieldIndex].AsSpan(0, _foldLength[fieldIndex]);
        var buf = _folded[fieldIndex];
        if (buf is null || buf.Length < value.Length) _folded[fieldIndex] = buf = new char[Math.Max(value.Length, 64)];
        // ASCII (almost every value) through the vectorised ASCII casing: with invariant globalization, ToUpperInvariant
        // upper-cases character by character (~2.5 % of matching). Both agree on ASCII; from the first other character
        // on (no surrogate pair starts in ASCII), ToUpperInvariant does the rest.
        int len = value.Length;
        if (System.Text.Ascii.ToUpper(value, buf, out int done) != System.Buffers.OperationStatus.Done)
            len = done + value.AsSpan(done).ToUpperInvariant(buf.AsSpan(done));
        _foldStamp[fieldIndex] = _generation;
        _foldLength[fieldIndex] = len;
        return buf.AsSpan(0, len);
    }

    /// <summary>The field's value; null when absent or null.</summary>
    public string? Get(int id)
    {
        int i = Resolve(id);
        return i < 0 ? null : Event.Fields.ValueAt(i);
    }
}
