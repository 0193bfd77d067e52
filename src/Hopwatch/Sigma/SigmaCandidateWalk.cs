using System.Numerics;

namespace Hopwatch.Sigma;

/// <summary>
/// A channel/EventID bucket's variants as bit masks over variant ordinals, so the matcher visits only the variants an
/// event can match — the ungated ones and those the prefilter opened — a 64-variant word at a time, instead of
/// checking every candidate (a bucket holds up to ~1,200 variants, an event opens a few dozen).
/// A bucket lists its variants in runs of ascending ordinals (the channel/EventID rules, the channel's any-EventID
/// rules, the rules without mapping: each in load order). Each run is one segment here, walked in ascending ordinal
/// order, so the variants come out in the bucket's order.
/// </summary>
internal sealed class SigmaCandidateWalk
{
    /// <summary>One run: its masks are words [MaskStart, MaskStart + Words) and cover ordinals from FirstWord * 64 on.</summary>
    internal readonly record struct Segment(int FirstWord, int MaskStart, int Words);

    /// <param name="variants">The bucket's variants, in the bucket's order.</param>
    /// <param name="gated">Whether the bucket runs the prefilter (if not, every variant is ungated).</param>
    public SigmaCandidateWalk(SigmaCompiledVariant[] variants, bool gated)
    {
        var segments = new List<Segment>();
        var runEnds = new List<int>();
        int words = 0;
        for (int i = 0; i < variants.Length;)
        {
            int start = i;
            while (i + 1 < variants.Length && variants[i + 1].Ordinal > variants[i].Ordinal) i++;
            int end = ++i;
            int firstWord = variants[start].Ordinal >> 6;
            int count = (variants[end - 1].Ordinal >> 6) - firstWord + 1;
            segments.Add(new Segment(firstWord, words, count));
            runEnds.Add(end);
            words += count;
        }
        Segments = segments.ToArray();
        Gated = new ulong[words];
        Ungated = new ulong[words];
        for (int s = 0, k = 0; s < Segments.Length; s++)
            for (var seg = Segments[s]; k < runEnds[s]; k++)
            {
                var v = variants[k];
                int word = seg.MaskStart + (v.Ordinal >> 6) - seg.FirstWord;
                if (gated && v.HasRequiredLiterals) Gated[word] |= 1UL << v.Ordinal;
                else Ungated[word] |= 1UL << v.Ordinal;
            }
    }

    public Segment[] Segments { get; }
    /// <summary>Per segment word: its variants the prefilter may leave closed (they have required texts).</summary>
    public ulong[] Gated { get; }
    /// <summary>Per segment word: its variants tested on every event.</summary>
    public ulong[] Ungated { get; }

    /// <summary>Calls <paramref name="visit"/> (in bucket order) for every variant ordinal that is ungated or set in <paramref name="open"/> (null: none open).</summary>
    /// <remarks>For tests; the matcher inlines this loop.</remarks>
    internal void Walk(ulong[]? open, Action<int> visit)
    {
        foreach (var s in Segments)
            for (int w = 0; w < s.Words; w++)
            {
                ulong bits = Ungated[s.MaskStart + w];
                if (open is not null) bits |= Gated[s.MaskStart + w] & open[s.FirstWord + w];
                while (bits != 0)
                {
                    visit(((s.FirstWord + w) << 6) + BitOperations.TrailingZeroCount(bits));
                    bits &= bits - 1;
                }
            }
    }
}
