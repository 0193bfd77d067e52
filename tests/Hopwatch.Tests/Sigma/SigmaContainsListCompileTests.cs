using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>
/// OR-ed `contains` values compile into one list search whether they are plain (their text taken as the needle, no
/// pattern compiled) or reach a contains shape through the general path; lists of fewer than two keep each value.
/// </summary>
public class SigmaContainsListCompileTests
{
    private static string[] ValuesOf(string selection)
    {
        var set = Load(ProcessRule(selection));
        Assert.Empty(set.Errors);
        var node = set.Variants[0].Node;
        var field = node as SigmaFieldNode ?? ((SigmaAndNode)node).Nodes.OfType<SigmaFieldNode>().Last();
        return field.Values.Select(m => m is SigmaMultiContainsMatcher mc ? $"{m.Describe()}: {string.Join("|", mc.Needles)}" : m.Describe()).ToArray();
    }

    [Fact]
    public void PlainAndGeneralContainsValuesShareOneList()
    {
        // 'abc' is plain; '*def*' reaches contains 'def' through the general path; 'x*y' stays a glob; '\\e\\' holds an
        // escaped backslash (general path, contains '\e\'); repeats are searched once.
        Assert.Equal(["contains any of 4: abc|def|\\e\\|zz", "glob '*x*y*'"],
            ValuesOf("selection:\n    CommandLine|contains: ['abc', 'x*y', '*def*', '\\\\e\\\\', 'abc', 'zz']"));
        Assert.Equal(["contains any of 2: abc|def"], ValuesOf("selection:\n    CommandLine|contains: ['abc', '*def*']"));
        Assert.Equal(["cased contains any of 2: Abc|dEf"], ValuesOf("selection:\n    CommandLine|contains|cased: ['Abc', 'dEf']"));
    }

    [Fact]
    public void FewerThanTwoNeedlesKeepTheirOwnTests()
    {
        Assert.Equal(["contains '*abc*'", "glob '*x*y*'"], ValuesOf("selection:\n    CommandLine|contains: ['abc', 'x*y']"));
        Assert.Equal(["contains '*abc*'", "null"], ValuesOf("selection:\n    CommandLine|contains: ['abc', null]"));
        Assert.Equal(["contains '*abc*'"], ValuesOf("selection:\n    CommandLine|contains: 'abc'"));
        // `all` and endswith lists are not OR-ed contains lists.
        Assert.Equal(["contains '*abc*'", "contains '*def*'"], ValuesOf("selection:\n    CommandLine|contains|all: ['abc', 'def']"));
        Assert.Equal(["suffix '*abc'", "suffix '*def'"], ValuesOf("selection:\n    CommandLine|endswith: ['abc', 'def']"));
    }

    [Theory]
    [InlineData(@"C:\Tools\ABC.exe", true)]
    [InlineData(@"run x then y", true)]     // the glob
    [InlineData(@"path\E\x", true)]         // escaped backslashes: one each
    [InlineData(@"path/e/x", false)]
    [InlineData(@"nothing here", false)]
    public void ListsMatchAsEachValueWould(string commandLine, bool expected) =>
        Assert.Equal(expected, Matches("selection:\n    CommandLine|contains: ['abc', 'x*y', '*def*', '\\\\e\\\\']", ("CommandLine", commandLine)));
}
