using System.Buffers;

namespace Hopwatch.Sigma;

/// <summary>
/// Several `contains` values of one field (OR-ed) searched in one pass: .NET's multi-string
/// <see cref="SearchValues{T}"/> (vectorised, Aho-Corasick-like), instead of one scan per value.
/// Rules with dozens of needles (emoji, tool names, cmdlets) cost about as much as one.
/// </summary>
internal sealed class SigmaMultiContainsMatcher : SigmaValueMatcher
{
    private readonly SearchValues<string> _needles;
    private readonly int _count;
    private readonly bool _cased;

    public SigmaMultiContainsMatcher(IReadOnlyList<string> needles, bool cased)
    {
        _needles = SearchValues.Create(needles.ToArray(), cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
        _count = needles.Count;
        _cased = cased;
    }

    public override bool Matches(string? value, SigmaEventView view) => value is not null && value.AsSpan().IndexOfAny(_needles) >= 0;

    public override string Describe() => $"{(_cased ? "cased " : "")}contains any of {_count}";
}
