using System.Runtime.ExceptionServices;

namespace Hopwatch.Pipeline;

/// <summary>
/// Independent pieces of work (report files, say) run on up to N threads, the calling thread one of them. A failure
/// comes out as the exception the piece threw, not wrapped in an AggregateException, so callers catch an IOException
/// from a parallel write the same way as from a serial one; when several fail, the first in argument order wins.
/// </summary>
public static class ParallelWork
{
    public static void Run(int threads, params Action[] work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (threads <= 1 || work.Length <= 1)
        {
            foreach (var w in work) w();
            return;
        }
        var failures = new Exception?[work.Length];
        Parallel.For(0, work.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            try { work[i](); }
            catch (Exception e) { failures[i] = e; } // the other pieces still run: what can be written is
        });
        foreach (var f in failures)
            if (f is not null) ExceptionDispatchInfo.Capture(f).Throw();
    }
}
