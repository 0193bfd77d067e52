using System.Runtime.InteropServices;

namespace Hopwatch.Reporting;

/// <summary>
/// Bytes kept aside outside the garbage-collected heap, in blocks recycled through free lists. For output
/// held back for a while in a busy process: as managed arrays it was either live data every young collection
/// copied, or (from the shared array pool, 128 KiB arrays) large-object churn that set off full collections,
/// which stopped every thread. Not thread-safe: the owner serialises <see cref="Keep"/> and <see cref="Release"/>.
/// Dispose frees everything, also blocks not given back.
/// Blocks come in sizes doubling from 4 KiB up to the block size, and a piece takes the smallest that holds
/// it: most pieces held back in a parallel dump are the last few KiB of a small file's output, and with one
/// block size for all (64 KiB) a 2-thread dump of the bench corpus touched 10-14 MB of blocks for at most
/// 1-3.5 MB of bytes waiting — every fresh page a page fault.
/// </summary>
internal sealed unsafe class NativeByteBlocks : IDisposable
{
    private const int SmallestBlock = 4096;
    private readonly int[] _sizes;
    private readonly Stack<nint>[] _free;
    private readonly HashSet<nint> _out = new();

    /// <param name="blockSize">Size of the largest recycled block; larger pieces get a block of their own, freed when given back.</param>
    public NativeByteBlocks(int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        var sizes = new List<int>();
        for (long s = SmallestBlock; s < blockSize; s *= 2) sizes.Add((int)s);
        sizes.Add(blockSize);
        _sizes = sizes.ToArray();
        _free = new Stack<nint>[_sizes.Length];
        for (int i = 0; i < _free.Length; i++) _free[i] = new Stack<nint>();
    }

    /// <summary>Blocks handed out and not given back.</summary>
    public int Outstanding => _out.Count;

    /// <summary>Bytes taken from the system so far (recycled and own blocks, whether given back or not).</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>A copy of <paramref name="bytes"/>; its address is the handle for <see cref="View"/> and <see cref="Release"/>.</summary>
    public nint Keep(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int c = SizeClass(bytes.Length);
        nint p;
        if (c >= 0 && _free[c].Count > 0) p = _free[c].Pop();
        else
        {
            int size = c >= 0 ? _sizes[c] : bytes.Length;
            p = (nint)NativeMemory.Alloc((nuint)size);
            AllocatedBytes += size;
        }
        _out.Add(p);
        bytes.CopyTo(new Span<byte>((void*)p, bytes.Length));
        return p;
    }

    /// <summary>The recycled size class that holds <paramref name="length"/> bytes, or -1 when it needs an own block.</summary>
    private int SizeClass(int length)
    {
        for (int i = 0; i < _sizes.Length; i++)
            if (length <= _sizes[i]) return i;
        return -1;
    }

    /// <summary>
    /// The first <paramref name="length"/> bytes of a kept block, valid until it is released. Unchecked, so that
    /// the holder of a block may read it while another thread keeps or releases other blocks.
    /// </summary>
    public static ReadOnlySpan<byte> View(nint block, int length) => new((void*)block, length);

    /// <summary>Gives a block back; <paramref name="length"/> is the length it was kept with.</summary>
    public void Release(nint block, int length)
    {
        if (!_out.Remove(block)) throw new ArgumentException("not a block of this store", nameof(block));
        int c = SizeClass(length);
        if (c >= 0 && !_disposed) _free[c].Push(block);
        else NativeMemory.Free((void*)block);
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var free in _free)
        {
            foreach (var p in free) NativeMemory.Free((void*)p);
            free.Clear();
        }
        foreach (var p in _out) NativeMemory.Free((void*)p);
        _out.Clear();
    }
}
