using Hopwatch.Scoring;

namespace Hopwatch.Tests.Scoring;

public class StableSortTests
{
    private sealed record Item(int Key, int Position);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    [InlineData(64)]
    [InlineData(1000)]
    public void Gives_the_order_of_LINQ_OrderBy_including_among_equal_keys(int count)
    {
        var random = new Random(count);
        var items = Enumerable.Range(0, count).Select(i => new Item(random.Next(count / 3 + 1), i)).ToList();
        var expected = items.OrderBy(x => x.Key).ToList();
        var sorted = StableSort.Sorted(items, (x, y) => x.Key.CompareTo(y.Key));
        Assert.Equal(expected, sorted);
        Assert.Equal(Enumerable.Range(0, count), items.Select(x => x.Position)); // the input is left alone

        var inPlace = new List<Item>(items);
        StableSort.Sort(inPlace, (x, y) => y.Key.CompareTo(x.Key));
        Assert.Equal(items.OrderByDescending(x => x.Key).ToList(), inPlace);
    }
}
