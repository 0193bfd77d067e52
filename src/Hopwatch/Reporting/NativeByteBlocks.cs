using System.Runtime.InteropServices;

namespace Hopwatch.Reporting;

/// <summary>
/// Bytes kept aside outside the garbage-collected heap, in blocks recycled through a free list. For output
/// held back for a while in a busy process: as managed arrays it was either live data every young collection
/// copied, or (from the shared array pool, 128 KiB arrays) large-object churn that set off full collections,
/// which stopped every thread. Not thread-safe: the owner serialises <see cref="Keep"/> and <see cref="Release"/>.
/// Dispose frees everything, also blocks not given back.
/// </summary>
internal sealed unsafe class NativeByteBlocks : IDisposable
{
    private readonly int _blockSize;
    private readonly Stack<nint> _free = new();
    private readonly HashSet<nint> _out = new();

    /// <param name="blockSize">Size of a recycled block; larger pieces get a block of their own, freed when given back.</param>
    public NativeByteBlocks(int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        _blockSize = blockSize;
    }

    /// <summary>Blocks handed out and not given back.</summary>
    public int Outstanding => _out.Count;

    /// <summary>A copy of <paramref name="bytes"/>; its address is the handle for <see cref="View"/> and <see cref="Release"/>.</summary>
    public nint Keep(ReadOnlySpan<byte> bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        nint p = bytes.Length <= _blockSize && _free.Count > 0
            ? _free.Pop()
            : (nint)NativeMemory.Alloc((nuint)Math.Max(bytes.Length, _blockSize));
        _out.Add(p);
        bytes.CopyTo(new Span<byte>((void*)p, bytes.Length));
        return p;
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
        if (length <= _blockSize && !_disposed) _free.Push(block);
        else NativeMemory.Free((void*)block);
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var p in _free) NativeMemory.Free((void*)p);
        foreach (var p in _out) NativeMemory.Free((void*)p);
        _free.Clear();
        _out.Clear();
    }
}
