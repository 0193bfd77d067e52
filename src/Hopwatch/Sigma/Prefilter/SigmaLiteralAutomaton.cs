namespace Hopwatch.Sigma;

/// <summary>
/// Aho–Corasick automaton over a set of literals, compiled to a dense transition table: one pass over a
/// value reports every literal occurring in it (all occurrences, overlapping ones too), at one table read
/// per character however many literals there are. Characters are compressed to the alphabet of the
/// literals (every other character sends the automaton back to its start), which keeps the table small.
/// Immutable after construction; shared by threads.
/// </summary>
internal sealed class SigmaLiteralAutomaton
{
    private readonly int[] _asciiClass = new int[128];
    private readonly Dictionary<char, int> _otherClass = new();
    private readonly int _width;      // alphabet size + 1 (class 0: a character in no literal)
    private readonly int[] _next;     // state * _width + class → state
    private readonly int[] _own;      // literal ending exactly at this state, or -1
    private readonly int[] _dictLink; // nearest proper suffix state that ends a literal, or -1
    private readonly bool[] _reports; // _own >= 0 || _dictLink >= 0

    public int StateCount { get; }
    public int LiteralCount { get; }

    /// <param name="literals">Non-empty, distinct strings; a hit reports the literal's position in this list.</param>
    public SigmaLiteralAutomaton(IReadOnlyList<string> literals)
    {
        LiteralCount = literals.Count;
        int classes = 0;
        foreach (var lit in literals)
            foreach (char c in lit)
            {
                if (c < 128) { if (_asciiClass[c] == 0) _asciiClass[c] = ++classes; }
                else if (!_otherClass.ContainsKey(c)) _otherClass[c] = ++classes;
            }
        _width = classes + 1;

        // Trie first (sparse), then breadth-first failure links filled into the dense table.
        var children = new List<Dictionary<int, int>> { new() };
        var own = new List<int> { -1 };
        for (int li = 0; li < literals.Count; li++)
        {
            int s = 0;
            foreach (char c in literals[li])
            {
                int cls = ClassOf(c);
                if (!children[s].TryGetValue(cls, out int t))
                {
                    t = children.Count;
                    children.Add(new());
                    own.Add(-1);
                    children[s][cls] = t;
                }
                s = t;
            }
            own[s] = li;
        }
        StateCount = children.Count;
        _next = new int[StateCount * _width];
        _own = own.ToArray();
        _dictLink = new int[StateCount];
        _reports = new bool[StateCount];
        var fail = new int[StateCount];
        var queue = new Queue<int>();
        _dictLink[0] = -1;
        foreach (var (cls, t) in children[0])
        {
            _next[cls] = t;
            fail[t] = 0;
            _dictLink[t] = -1;
            queue.Enqueue(t);
        }
        while (queue.Count > 0)
        {
            int s = queue.Dequeue();
            _reports[s] = _own[s] >= 0 || _dictLink[s] >= 0;
            int row = s * _width, failRow = fail[s] * _width;
            for (int cls = 0; cls < _width; cls++)
            {
                if (children[s].TryGetValue(cls, out int t))
                {
                    int f = _next[failRow + cls];
                    fail[t] = f;
                    _dictLink[t] = _own[f] >= 0 ? f : _dictLink[f];
                    _next[row + cls] = t;
                    queue.Enqueue(t);
                }
                else _next[row + cls] = _next[failRow + cls];
            }
        }
    }

    private int ClassOf(char c) => c < 128 ? _asciiClass[c] : _otherClass.GetValueOrDefault(c);

    /// <summary>Calls <paramref name="onLiteral"/> with the index of each literal found in <paramref name="text"/> (once per occurrence).</summary>
    public void Scan<TSink>(ReadOnlySpan<char> text, ref TSink onLiteral) where TSink : struct, ILiteralSink
    {
        int s = 0;
        int[] next = _next, ascii = _asciiClass;
        int width = _width;
        foreach (char c in text)
        {
            int cls = c < 128 ? ascii[c] : _otherClass.GetValueOrDefault(c);
            s = next[s * width + cls];
            if (!_reports[s]) continue;
            for (int t = _own[s] >= 0 ? s : _dictLink[s]; t >= 0; t = _dictLink[t]) onLiteral.Found(_own[t]);
        }
    }
}

/// <summary>Receives the literals <see cref="SigmaLiteralAutomaton.Scan"/> finds (a struct, so the call inlines).</summary>
internal interface ILiteralSink
{
    void Found(int literal);
}
