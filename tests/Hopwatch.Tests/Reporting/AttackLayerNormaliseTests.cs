using System.Text.RegularExpressions;
using Hopwatch.Reporting;

namespace Hopwatch.Tests.Reporting;

public class AttackLayerNormaliseTests
{
    [Theory]
    [InlineData("T1021", "T1021")]
    [InlineData("t1021.001", "T1021.001")]
    [InlineData(" attack.t1021.002 ", "T1021.002")]
    [InlineData("ATTACK.T1550", "T1550")]
    [InlineData("T1021.01", null)]
    [InlineData("T1021.0011", null)]
    [InlineData("T102", null)]
    [InlineData("T10211", null)]
    [InlineData("T1021-001", null)]
    [InlineData("attack.lateral_movement", null)]
    [InlineData("", null)]
    [InlineData("T\u0661\u0662\u0663\u0664", "T\u0661\u0662\u0663\u0664")] // Arabic-Indic digits are \d too
    public void Keeps_what_the_technique_id_pattern_matches(string tag, string? expected)
    {
        Assert.Equal(expected, AttackLayerWriter.Normalise(tag));
        // The pattern the hand-written check replaced.
        var s = tag.Trim().ToUpperInvariant();
        if (s.StartsWith("ATTACK.", StringComparison.Ordinal)) s = s[7..];
        Assert.Equal(Regex.IsMatch(s, @"^T\d{4}(\.\d{3})?$") ? s : null, AttackLayerWriter.Normalise(tag));
    }
}
