using System.Text;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>The CRC of two ranges (chunk header checksums) equals the CRC of the ranges joined, short or long.</summary>
public class Crc32Tests
{
    [Fact]
    public void The_standard_check_value_split_anywhere()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        Assert.Equal(0xCBF43926u, Crc32.Compute(data));
        for (int split = 0; split <= data.Length; split++)
            Assert.Equal(0xCBF43926u, Crc32.Compute(data.AsSpan(0, split), data.AsSpan(split)));
    }

    [Theory]
    [InlineData(120, 384)] // a chunk header's two ranges
    [InlineData(0, 0)]
    [InlineData(1000, 24)] // exactly what is joined on the stack
    [InlineData(1000, 25)] // one byte more: hashed incrementally
    [InlineData(5000, 70000)]
    public void Two_ranges_hash_as_one(int first, int second)
    {
        var bytes = new byte[first + second];
        new Random(first * 31 + second).NextBytes(bytes);
        Assert.Equal(Crc32.Compute(bytes), Crc32.Compute(bytes.AsSpan(0, first), bytes.AsSpan(first)));
    }
}
