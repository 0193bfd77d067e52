namespace Hopwatch.Sigma;

/// <summary>
/// One necessary fact of a rule: field <see cref="FieldId"/>, upper-cased, contains <see cref="Text"/>; or, when
/// <see cref="NonAscii"/> (Text empty), holds some non-ASCII character — all that short non-ASCII texts (homoglyphs,
/// emoji) can usefully require, and almost every value fails it.
/// A class, not a struct: the collections of them built at every load then run on generic code precompiled for
/// reference types instead of code compiled at run time.
/// </summary>
internal sealed record SigmaLiteralAtom(int FieldId, string Text, bool NonAscii = false);

/// <summary>
/// Works out, from a compiled detection, texts of which at least one must occur in a given field for the
/// detection to match: a necessary condition, never a sufficient one. A rule whose texts are all absent
/// from an event cannot match it, so the prefilter need not run it. Where no such condition can be proven
/// (negations, numbers, null values, keyword searches, texts shorter than a gram, regexes without such texts) the answer is
/// null: the rule always runs.
/// </summary>
internal static class SigmaRequiredLiterals
{
    /// <summary>Texts longer than this are cut to their last characters: any part of a required text is required too.</summary>
    public const int MaxTextLength = 16;

    /// <summary>The atoms one of which every match satisfies, or null when there is no such set.</summary>
    public static List<SigmaLiteralAtom>? Of(SigmaMatchNode node, int skipFieldId) => node switch
    {
        SigmaFieldNode f => OfField(f, skipFieldId),
        SigmaAndNode a => Best(a.Nodes.Select(n => Of(n, skipFieldId))),
        SigmaOrNode o => Union(o.Nodes.Select(n => Of(n, skipFieldId))),
        _ => null, // not, exists, keywords, constants: no literal is guaranteed
    };

    private static List<SigmaLiteralAtom>? OfField(SigmaFieldNode f, int skipFieldId)
    {
        // The EventID is already what the rule index files the rule under: no help here.
        if (f.FieldId == skipFieldId) return null;
        var perValue = f.Values.Select(m => OfValue(f.FieldId, m));
        // `all`: every value must match, so any one value's texts are required; otherwise one of them.
        return f.All ? Best(perValue) : Union(perValue);
    }

    private static List<SigmaLiteralAtom>? OfValue(int fieldId, SigmaValueMatcher m)
    {
        switch (m)
        {
            case SigmaStringMatcher s:
                // Compared against the folded value as it is: a non-ASCII character of it can only sit on one there.
                var text = s.Pattern.RequiredFoldedText();
                if (text is null) return null;
                if (text.Length >= SigmaLiteralFinder.GramLength) return [Atom(fieldId, text)];
                return text.AsSpan().ContainsAnyExceptInRange((char)0, (char)127) ? [new SigmaLiteralAtom(fieldId, "", NonAscii: true)] : null;
            case SigmaMultiContainsMatcher mc:
                var atoms = new List<SigmaLiteralAtom>();
                foreach (var needle in mc.Needles)
                {
                    // The matcher folds with OrdinalIgnoreCase; for ASCII that is exactly the upper-casing the view does.
                    if (needle.Length >= SigmaLiteralFinder.GramLength && System.Text.Ascii.IsValid(needle))
                        atoms.Add(Atom(fieldId, needle.ToUpperInvariant()));
                    else if (NeedsNonAscii(needle))
                        atoms.Add(new SigmaLiteralAtom(fieldId, "", NonAscii: true));
                    else return null;
                }
                return atoms;
            case SigmaRegexMatcher re:
                // Texts every match of the pattern holds (upper-cased ASCII, compared with the upper-cased value as the
                // others are); case-insensitive ones with a letter .NET also matches by a non-ASCII character open on those too.
                if (SigmaRegexLiterals.Of(re.Pattern, re.IgnoreCase, SigmaLiteralFinder.GramLength) is not { } found) return null;
                var texts = new List<SigmaLiteralAtom>(found.Texts.Length + 1);
                foreach (var t in found.Texts) texts.Add(Atom(fieldId, t));
                if (found.AlsoNonAscii) texts.Add(new SigmaLiteralAtom(fieldId, "", NonAscii: true));
                return texts;
            default:
                return null; // numbers, CIDR, null, neq, field references
        }
    }

    /// <summary>
    /// Whether every case-insensitive match of <paramref name="needle"/> holds a character that stays non-ASCII
    /// once upper-cased: it has a character that is non-ASCII in both cases. A value character equal to it
    /// ignoring case upper-cases to the same non-ASCII character (ASCII characters upper-case to ASCII).
    /// </summary>
    private static bool NeedsNonAscii(string needle)
    {
        foreach (char c in needle)
            if (c > 127 && char.ToUpperInvariant(c) > 127 && char.ToLowerInvariant(c) > 127) return true;
        return false;
    }

    private static SigmaLiteralAtom Atom(int fieldId, string upper) =>
        new(fieldId, upper.Length <= MaxTextLength ? upper : upper[^MaxTextLength..]);

    /// <summary>OR: a match satisfies one branch, so the union — unless a branch guarantees nothing.</summary>
    private static List<SigmaLiteralAtom>? Union(IEnumerable<List<SigmaLiteralAtom>?> branches)
    {
        var all = new List<SigmaLiteralAtom>();
        foreach (var b in branches)
        {
            if (b is null) return null;
            all.AddRange(b);
        }
        return all.Count == 0 ? null : all.Distinct().ToList();
    }

    /// <summary>AND: every branch holds, so any one branch's set will do; take the most selective.</summary>
    private static List<SigmaLiteralAtom>? Best(IEnumerable<List<SigmaLiteralAtom>?> branches)
    {
        List<SigmaLiteralAtom>? best = null;
        foreach (var b in branches)
            if (b is not null && (best is null || Score(b) > Score(best))) best = b;
        return best;
    }

    /// <summary>A set is as selective as its shortest text (a non-ASCII test counts as 8 characters); among equals, fewer texts are better.</summary>
    private static double Score(List<SigmaLiteralAtom> atoms) =>
        atoms.Min(a => a.NonAscii ? 8 : a.Text.Length) - atoms.Count / 10_000.0;
}
