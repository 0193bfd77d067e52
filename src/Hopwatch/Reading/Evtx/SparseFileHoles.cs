using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Holes of a sparse file: ranges the file system stores as nothing and reads as zeros (Linux lseek
/// SEEK_HOLE / SEEK_DATA). EVTX files pre-allocate chunk slots, and copies that kept the never-written ones as
/// holes (the shared samples and the bench corpus do) let the reader skip those slots without reading 64 KiB of
/// zeros to find out they are unused. Anything unexpected (another OS, a C library without the call, an error)
/// means "no holes known", and the slot is read as before.
/// </summary>
internal static class SparseFileHoles
{
    // Linux values (macOS swaps them, hence Linux only).
    private const int SeekData = 3, SeekHole = 4;
    private const int ENXIO = 6;
    private static volatile bool s_unavailable = !OperatingSystem.IsLinux();

    [DllImport("libc.so.6", EntryPoint = "lseek", SetLastError = true)]
    private static extern long Lseek(int fd, long offset, int whence);

    /// <summary>
    /// The first hole at or after <paramref name="from"/> that starts before <paramref name="length"/>, as
    /// [<paramref name="start"/>, <paramref name="end"/>); false when there is none or it cannot be told.
    /// Moves the handle's file offset: only for handles read at explicit offsets.
    /// </summary>
    public static bool NextHole(SafeFileHandle handle, long from, long length, out long start, out long end)
    {
        start = end = 0;
        if (s_unavailable || handle.IsInvalid || handle.IsClosed) return false;
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            long hole = Lseek(fd, from, SeekHole);
            if (hole < 0 || hole >= length) return false; // no hole before the end (the end itself counts as one)
            long data = Lseek(fd, hole, SeekData);
            if (data < 0)
            {
                if (Marshal.GetLastPInvokeError() != ENXIO) return false;
                data = length; // no data after the hole: it runs to the end of the file
            }
            start = hole;
            end = Math.Min(data, length);
            return end > start;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or MarshalDirectiveException)
        {
            s_unavailable = true;
            return false;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}
