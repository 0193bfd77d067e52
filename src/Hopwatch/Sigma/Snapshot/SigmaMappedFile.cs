using System.Buffers;
using System.IO.MemoryMappedFiles;

namespace Hopwatch.Sigma;

/// <summary>
/// A file mapped read-only into memory, as <see cref="Memory{T}"/>: the rule-set snapshot is read this way instead of
/// copied into a fresh array (a 4 MB array is ~1,000 pages the kernel zeroes and faults in one by one; the mapped file's
/// pages come from the page cache, many per fault). The mapping lasts as long as something references the memory — the
/// rules read their texts and detections from it on first use — and is undone by the handles' finalizers after that.
/// </summary>
/// <remarks>
/// Snapshots are replaced by renaming a new file over the old one, never written in place, so a mapped snapshot does not
/// change under a running load.
/// </remarks>
internal sealed unsafe class SigmaMappedFile : MemoryManager<byte>
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _pointer;
    private readonly int _length;

    private SigmaMappedFile(MemoryMappedFile file, MemoryMappedViewAccessor view, byte* pointer, int length)
    {
        _file = file;
        _view = view;
        _pointer = pointer;
        _length = length;
    }

    /// <summary>The file mapped, or null when it is empty or over 2 GB. Throws what opening the file throws.</summary>
    public static SigmaMappedFile? Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize: 1);
        MemoryMappedFile? file = null;
        try
        {
            long length = stream.Length;
            if (length <= 0 || length > int.MaxValue) { stream.Dispose(); return null; }
            file = MemoryMappedFile.CreateFromFile(stream, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            var view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new SigmaMappedFile(file, view, pointer + view.PointerOffset, (int)length);
        }
        catch
        {
            if (file is not null) file.Dispose();
            else stream.Dispose();
            throw;
        }
    }

    public override Span<byte> GetSpan() => new(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)_length);
        return new MemoryHandle(_pointer + elementIndex);
    }

    public override void Unpin() { }

    /// <summary>Not disposed by the load: slices of it live on in the rules. Unmapped when nothing references it (finalizers).</summary>
    protected override void Dispose(bool disposing)
    {
        if (!disposing) return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
