namespace Hopwatch.Sigma;

/// <summary>
/// `fieldref`: compares the field with another field of the same event (equal, or with
/// startswith/endswith/contains). A missing other field never matches.
/// </summary>
internal sealed class SigmaFieldRefMatcher(int otherFieldId, string otherField, SigmaPatternKind kind, bool cased) : SigmaValueMatcher
{
    public override bool Matches(string? value, SigmaEventView view)
    {
        if (value is null) return false;
        string? other = view.Get(otherFieldId);
        if (other is null) return false;
        var cmp = cased ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;
        return kind switch
        {
            SigmaPatternKind.Prefix => value.StartsWith(other, cmp),
            SigmaPatternKind.Suffix => value.EndsWith(other, cmp),
            SigmaPatternKind.Contains => value.Contains(other, cmp),
            _ => string.Equals(value, other, cmp),
        };
    }

    public override string Describe() => "fieldref " + kind.ToString().ToLowerInvariant() + " " + otherField;
}
