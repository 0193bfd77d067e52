using System.Buffers;

namespace Hopwatch.Sigma;

/// <summary>
/// Several `contains` values of one field (OR-ed) searched in one pass: .NET's multi-string
/// <see cref="SearchValues{T}"/> (vectorised, Aho-Corasick-like), instead of one scan per value.
/// Rules with dozens of needles (emoji, tool names, cmdlets) cost about as much as one.
/// </summary>
internal sealed class SigmaMultiContainsMatcher : SigmaValueMatcher
{
    private readonly string[] _texts;
    private readonly int _count;
    private readonly bool _cased;
    private readonly int _shortest; // a match is as long as its needle (case folding keeps lengths)
    private SearchValues<string>? _needles; // built on first use: most rules never get this far

    public SigmaMultiContainsMatcher(IReadOnlyList<string> needles, bool cased)
    {
        _texts = needles.ToArray();
        _count = needles.Count;
        _cased = cased;
        _shortest = _texts.Length == 0 ? 0 : _texts.Min(t => t.Length);
    }

    private SearchValues<string> Build()
    {
        var sv = SearchValues.Create(_texts, _cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
        return Interlocked.CompareExchange(ref _needles, sv, null) ?? sv;
    }

    public override bool Matches(string? value, SigmaEventView view) =>
        value is not null && value.Length >= _shortest && value.AsSpan().IndexOfAny(_needles ?? Build()) >= 0;

    /// <summary>The needles (as written in the rule) and whether they are matched case-sensitively.</summary>
    public IReadOnlyList<string> Needles => _texts;
    public bool Cased => _cased;

    public override string Describe() => $"{(_cased ? "cased " : "")}contains any of {_count}";
}
