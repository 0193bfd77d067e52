using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>Every condition form of the spec: and/or/not, brackets, `1 of`/`all of` patterns and `them`, precedence.</summary>
public class SigmaConditionTests
{
    private const string Searches = """
        selection1:
            A: '1'
        selection2:
            B: '1'
        keywords1:
            - 'kw1'
        keywords2:
            - 'kw2'
        filter_x:
            C: '1'
        _hidden:
            D: '1'
        """;

    private static bool Eval(string condition, params (string, string?)[] fields) => Matches(Searches, condition, fields);

    [Fact]
    public void AndOr()
    {
        Assert.True(Eval("keywords1 or keywords2", ("X", "kw2")));
        Assert.False(Eval("selection1 and selection2", ("A", "1")));
        Assert.True(Eval("selection1 and selection2", ("A", "1"), ("B", "1")));
    }

    [Fact]
    public void NotAndBrackets()
    {
        Assert.True(Eval("selection1 and not filter_x", ("A", "1")));
        Assert.False(Eval("selection1 and not filter_x", ("A", "1"), ("C", "1")));
        // Spec: selection1 and (keywords1 or keywords2)
        Assert.True(Eval("selection1 and (keywords1 or keywords2)", ("A", "1"), ("X", "kw2")));
        Assert.False(Eval("selection1 and (keywords1 or keywords2)", ("X", "kw2")));
        Assert.True(Eval("not (selection1 or selection2)", ("Z", "1")));
        Assert.True(Eval("not not selection1", ("A", "1")));
    }

    [Fact]
    public void PrecedenceOrLowestThenAndThenNot()
    {
        // a or b and c == a or (b and c)
        Assert.True(Eval("selection1 or selection2 and filter_x", ("A", "1")));
        Assert.False(Eval("(selection1 or selection2) and filter_x", ("A", "1")));
        // not binds tighter than and
        Assert.True(Eval("not selection1 and selection2", ("B", "1")));
        Assert.False(Eval("not selection1 and selection2", ("A", "1"), ("B", "1")));
    }

    [Fact]
    public void OneOfAndAllOfPatterns()
    {
        Assert.True(Eval("1 of selection*", ("B", "1")));
        Assert.False(Eval("all of selection*", ("B", "1")));
        Assert.True(Eval("all of selection*", ("A", "1"), ("B", "1")));
        // Spec: 1 of selection* and not 1 of filter*
        Assert.False(Eval("1 of selection* and not 1 of filter*", ("A", "1"), ("C", "1")));
        Assert.True(Eval("1 of selection* and not 1 of filter*", ("A", "1")));
        Assert.True(Eval("1 of *words*", ("X", "kw1")));
    }

    [Fact]
    public void ThemExcludesUnderscoreIdentifiers()
    {
        Assert.True(Eval("1 of them", ("C", "1")));
        Assert.False(Eval("1 of them", ("D", "1"))); // only _hidden matches
        Assert.False(Eval("all of them", ("A", "1"), ("B", "1"), ("C", "1"), ("X", "kw1")));
        Assert.True(Eval("all of them", ("A", "1"), ("B", "1"), ("C", "1"), ("X", "kw1 kw2")));
    }

    [Fact]
    public void ConditionListIsOr()
    {
        var yaml = ProcessRule("selection1:\n    A: '1'\nselection2:\n    B: '1'", "selection1").Replace(
            "    condition: selection1", "    condition:\n        - selection1\n        - selection2");
        var set = Load(yaml);
        Assert.Empty(set.Errors);
        Assert.Single(Run(set, [Event(Sysmon, 1, ("B", "1"))]));
    }

    [Theory]
    [InlineData("selection1 and", "ends too early")]
    [InlineData("selection1 and missing", "'missing'")]
    [InlineData("(selection1", "missing ')'")]
    [InlineData("1 of nothing*", "matches no search identifier")]
    [InlineData("selection1 | count() > 5", "correlation rule")]
    [InlineData("2 of selection*", "'2 of' is not supported")]
    public void BadConditionsAreErrorsNamingTheProblem(string condition, string expected)
    {
        var set = Load(ProcessRule(Searches, condition));
        var err = Assert.Single(set.Errors);
        Assert.Contains(expected, err.Message);
        Assert.True(err.Line > 0);
        Assert.Empty(set.Rules);
    }

    [Fact]
    public void ParserBuildsTheExpectedTree()
    {
        var node = SigmaConditionParser.Parse("a or not b and 1 of c*");
        Assert.Equal(new SigmaOr(new SigmaSearchRef("a"), new SigmaAnd(new SigmaNot(new SigmaSearchRef("b")), new SigmaOf(false, "c*"))), node);
        Assert.Equal(new SigmaOf(true, "them"), SigmaConditionParser.Parse("all of them"));
    }
}
