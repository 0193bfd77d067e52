using Hopwatch.Reporting;
using Xunit;

namespace Hopwatch.Tests.Reporting;

public class NativeByteBlocksTests
{
    private static byte[] Bytes(int n, int seed)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public void A_kept_copy_reads_back_and_does_not_follow_the_source()
    {
        using var blocks = new NativeByteBlocks(1024);
        var source = Bytes(700, 1);
        var expected = source.ToArray();
        var p = blocks.Keep(source);
        Array.Clear(source); // the writer reuses its buffer at once
        Assert.Equal(expected, NativeByteBlocks.View(p, 700).ToArray());
        Assert.Equal(1, blocks.Outstanding);
        blocks.Release(p, 700);
        Assert.Equal(0, blocks.Outstanding);
    }

    [Fact]
    public void Released_blocks_are_used_again_and_others_stay_intact()
    {
        using var blocks = new NativeByteBlocks(1024);
        var a = blocks.Keep(Bytes(1024, 2));
        var b = blocks.Keep(Bytes(10, 3));
        Assert.NotEqual(a, b);
        blocks.Release(a, 1024);
        var c = blocks.Keep(Bytes(500, 4));
        Assert.Equal(a, c); // recycled, not a new allocation
        Assert.Equal(Bytes(10, 3), NativeByteBlocks.View(b, 10).ToArray());
        Assert.Equal(Bytes(500, 4), NativeByteBlocks.View(c, 500).ToArray());
    }

    [Fact]
    public void A_piece_larger_than_a_block_gets_its_own_and_is_not_recycled()
    {
        using var blocks = new NativeByteBlocks(256);
        var big = Bytes(10_000, 5);
        var p = blocks.Keep(big);
        Assert.Equal(big, NativeByteBlocks.View(p, big.Length).ToArray());
        blocks.Release(p, big.Length);
        // A block-sized piece after it must not land in the freed large block's place as if it were recycled
        // (it was freed), and must hold its bytes.
        var q = blocks.Keep(Bytes(256, 6));
        Assert.Equal(Bytes(256, 6), NativeByteBlocks.View(q, 256).ToArray());
    }

    [Fact]
    public void Releasing_a_foreign_or_released_block_is_an_error()
    {
        using var blocks = new NativeByteBlocks(64);
        var p = blocks.Keep(Bytes(8, 7));
        blocks.Release(p, 8);
        Assert.Throws<ArgumentException>(() => blocks.Release(p, 8));
        Assert.Throws<ArgumentException>(() => blocks.Release(12345, 8));
    }

    [Fact]
    public void Dispose_frees_blocks_still_out_and_keeping_after_it_is_an_error()
    {
        var blocks = new NativeByteBlocks(64);
        blocks.Keep(Bytes(8, 8));
        blocks.Keep(Bytes(100, 9));
        blocks.Dispose();
        Assert.Equal(0, blocks.Outstanding);
        Assert.Throws<ObjectDisposedException>(() => blocks.Keep(Bytes(8, 10)));
        blocks.Dispose(); // twice is fine
    }

    [Fact]
    public void Small_pieces_take_small_blocks_and_each_size_is_recycled_for_its_own()
    {
        const int BlockSize = 69_632; // the dump writer's buffer size
        using var blocks = new NativeByteBlocks(BlockSize);
        var small = new List<nint>();
        for (int i = 0; i < 100; i++) small.Add(blocks.Keep(Bytes(100 + i, i)));
        // A file's last flush is mostly a few KiB: 100 of them must not take 100 full blocks (6.8 MB).
        Assert.Equal(100 * 4096, blocks.AllocatedBytes);
        for (int i = 0; i < 100; i++) Assert.Equal(Bytes(100 + i, i), NativeByteBlocks.View(small[i], 100 + i).ToArray());

        blocks.Release(small[0], 100);
        var full = blocks.Keep(Bytes(BlockSize, 200));
        Assert.NotEqual(small[0], full); // a 4 KiB block cannot hold it
        Assert.Equal(100 * 4096 + BlockSize, blocks.AllocatedBytes);
        var again = blocks.Keep(Bytes(4096, 201));
        Assert.Equal(small[0], again); // the freed 4 KiB block, not a new one

        blocks.Release(full, BlockSize);
        var middle = blocks.Keep(Bytes(40_000, 202)); // 64 KiB class: none free yet
        Assert.NotEqual(full, middle);
        Assert.Equal(100 * 4096 + BlockSize + 65_536, blocks.AllocatedBytes);
        Assert.Equal(Bytes(40_000, 202), NativeByteBlocks.View(middle, 40_000).ToArray());
        Assert.Equal(Bytes(4096, 201), NativeByteBlocks.View(again, 4096).ToArray());
    }
}
