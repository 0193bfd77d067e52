using Hopwatch.Sigma;

namespace Hopwatch.Tests.Sigma;

/// <summary>
/// Values without wildcards whose backslashes escape nothing compile straight to their literal
/// (<see cref="SigmaStringPattern.IsPlain"/>); those with escapes still take the general path.
/// </summary>
public class SigmaPlainValueTests
{
    [Theory]
    [InlineData(@"\cmd.exe", true)]
    [InlineData(@"C:\Windows\", true)]           // a trailing backslash escapes nothing
    [InlineData(@"\\server\share", false)]       // `\\` is an escaped backslash: one backslash
    [InlineData(@"C:\Temp\*.ps1", false)]
    [InlineData(@"a\*b", false)]                 // escaped star
    [InlineData(@"a\?b", false)]
    [InlineData(@"\Device\HarddiskVolume?\", false)]
    [InlineData("", true)]
    public void PlainOnlyWithoutWildcardsAndEscapes(string value, bool plain) =>
        Assert.Equal(plain, SigmaStringPattern.IsPlain(value));

    [Theory]
    [InlineData(@"\cmd.exe")]
    [InlineData(@"C:\Windows\")]
    [InlineData(@"\\server\share")]
    [InlineData(@"a\*b\\")]
    [InlineData(@"\Ä\ß\")]
    public void BackslashValuesCompileAsTheGeneralPathDoes(string value)
    {
        foreach (bool cased in new[] { false, true })
            foreach (bool lead in new[] { false, true })
                foreach (bool trail in new[] { false, true })
                {
                    var fast = SigmaStringPattern.Compile(value, literal: false, lead, trail, cased);
                    var general = SigmaStringPattern.CompileGeneral(value, literal: false, lead, trail, cased);
                    Assert.Equal(general.Kind, fast.Kind);
                    Assert.Equal(general.Literal, fast.Literal);
                    Assert.Equal(general.Source, fast.Source);
                    foreach (var text in new[] { @"C:\Windows\System32\cmd.exe", @"\\server\share\x", @"C:\WINDOWS\", @"a*b\", @"x\ä\SS\", value })
                        Assert.Equal(general.Matches(text), fast.Matches(text));
                }
    }

    [Fact]
    public void AnEscapedBackslashMatchesOneBackslash()
    {
        var p = SigmaStringPattern.Compile(@"\\server\share", literal: false, leadingStar: false, trailingStar: true, cased: false);
        Assert.True(p.Matches(@"\server\share\file"));
        Assert.False(p.Matches(@"\\server\share\file"));
        var q = SigmaStringPattern.Compile(@"\system32\", literal: false, leadingStar: true, trailingStar: true, cased: false);
        Assert.True(q.Matches(@"C:\Windows\System32\cmd.exe"));
        Assert.False(q.Matches(@"C:\Windows\System3\cmd.exe"));
    }
}
