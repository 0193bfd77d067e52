using Hopwatch.Pipeline;

namespace Hopwatch.Tests.Pipeline;

public sealed class ParallelWorkTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(8)]
    public void Every_piece_runs_once(int threads)
    {
        var ran = new int[6];
        ParallelWork.Run(threads, Enumerable.Range(0, ran.Length).Select(i => (Action)(() => Interlocked.Increment(ref ran[i]))).ToArray());
        Assert.All(ran, n => Assert.Equal(1, n));
    }

    [Fact]
    public void A_failure_comes_out_as_thrown_after_the_other_pieces_ran()
    {
        int others = 0;
        var e = Assert.Throws<IOException>(() => ParallelWork.Run(2,
            () => Interlocked.Increment(ref others),
            () => throw new IOException("disk full"),
            () => Interlocked.Increment(ref others),
            () => throw new UnauthorizedAccessException("later failure")));
        Assert.Equal("disk full", e.Message); // the first in argument order, unwrapped
        Assert.Equal(2, others);
    }

    [Fact]
    public void Pieces_do_run_side_by_side_when_threads_allow()
    {
        // Each piece waits for the other: run one after another, this would time out instead of finishing.
        using var first = new ManualResetEventSlim();
        using var second = new ManualResetEventSlim();
        bool bothSaw = true;
        ParallelWork.Run(2,
            () => { first.Set(); bothSaw &= second.Wait(TimeSpan.FromSeconds(20)); },
            () => { second.Set(); bothSaw &= first.Wait(TimeSpan.FromSeconds(20)); });
        Assert.True(bothSaw);
    }
}
