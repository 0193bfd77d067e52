using Hopwatch.Events;

namespace Hopwatch.Tests.Events;

/// <summary>The per-thread memo the normaliser and scoring keep their trimmed, cut and lower-cased names in.</summary>
public sealed class StringInstanceMemoTests
{
    [Fact]
    public void Results_are_kept_by_instance_not_by_content()
    {
        var memo = new StringInstanceMemo(8);
        int calls = 0;
        string? Lower(string s) { calls++; return s.ToLowerInvariant(); }
        string host = new("WS-01.CORP".AsSpan());
        string same = new("WS-01.CORP".AsSpan()); // equal text, another instance
        Assert.Equal("ws-01.corp", memo.Get(host, Lower));
        Assert.Same(memo.Get(host, Lower), memo.Get(host, Lower));
        Assert.Equal(1, calls);
        Assert.Equal("ws-01.corp", memo.Get(same, Lower));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void A_null_result_is_kept_too()
    {
        var memo = new StringInstanceMemo(4);
        int calls = 0;
        string dash = "-";
        Assert.Null(memo.Get(dash, _ => { calls++; return null; }));
        Assert.Null(memo.Get(dash, _ => { calls++; return null; }));
        Assert.Equal(1, calls);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-4)]
    public void Sizes_must_be_a_power_of_two(int slots) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new StringInstanceMemo(slots));
}
