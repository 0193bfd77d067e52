using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Hopwatch.Service.Spool;

/// <summary>
/// Reads spool records in order from a position, never past what the writer has completed.
/// Used by the single processing thread; not thread-safe.
/// </summary>
public sealed class SpoolReader : IDisposable
{
    private readonly SpoolWriter _writer;
    private SafeFileHandle? _handle;
    private long _handleSegment = -1;
    // Reused between batches (records of one batch point into it): no large allocation per read.
    private byte[] _buffer = new byte[1 << 20];

    /// <summary>Where the next read starts.</summary>
    public SpoolPosition Position { get; private set; }

    /// <summary>Segments that had vanished (deleted by hand) and were skipped.</summary>
    public int SkippedSegments { get; private set; }

    public SpoolReader(SpoolWriter writer, SpoolPosition from)
    {
        _writer = writer;
        Position = from.Offset < SpoolWriter.SegmentHeaderSize ? new SpoolPosition(Math.Max(from.Segment, 1), SpoolWriter.SegmentHeaderSize) : from;
    }

    /// <summary>
    /// Reads up to about <paramref name="maxBytes"/> of whole records. Empty when the reader has caught up.
    /// The records' line memory stays valid until the next call.
    /// </summary>
    public List<SpoolRecord> ReadBatch(int maxBytes = 4 << 20)
    {
        var result = new List<SpoolRecord>();
        while (true)
        {
            var end = _writer.End;
            if (Position.CompareTo(end) >= 0) return result;
            if (Position.Segment < end.Segment)
            {
                // A sealed segment ends where its last whole record ends; then the next one starts.
                if (!OpenSegment(Position.Segment))
                {
                    SkippedSegments++;
                    Position = new SpoolPosition(Position.Segment + 1, SpoolWriter.SegmentHeaderSize);
                    continue;
                }
                long len = RandomAccess.GetLength(_handle!);
                if (Position.Offset >= len)
                {
                    Position = new SpoolPosition(Position.Segment + 1, SpoolWriter.SegmentHeaderSize);
                    continue;
                }
                ReadRange(len, maxBytes, result);
            }
            else
            {
                if (!OpenSegment(Position.Segment)) return result;
                ReadRange(end.Offset, maxBytes, result);
            }
            return result;
        }
    }

    private void ReadRange(long limit, int maxBytes, List<SpoolRecord> into)
    {
        long available = limit - Position.Offset;
        int want = (int)Math.Min(available, Math.Max(maxBytes, SpoolRecord.FrameHeaderSize));
        if (_buffer.Length < want) _buffer = new byte[Math.Max(want, _buffer.Length * 2)];
        var buffer = _buffer;
        int n = RandomAccess.Read(_handle!, buffer.AsSpan(0, want), Position.Offset);
        int used = 0;
        while (used + SpoolRecord.FrameHeaderSize <= n)
        {
            int recLen = SpoolRecord.FrameHeaderSize + BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(used + 4));
            if (recLen > n - used)
            {
                if (used == 0 && recLen <= available)
                {
                    // One record bigger than the batch size: read just it.
                    if (_buffer.Length < recLen) _buffer = new byte[recLen];
                    buffer = _buffer;
                    n = RandomAccess.Read(_handle!, buffer, Position.Offset);
                    continue;
                }
                break;
            }
            var at = new SpoolPosition(Position.Segment, Position.Offset + used);
            if (!SpoolRecord.TryDecode(buffer.AsMemory(used, n - used), at, out var rec, out int len))
            {
                // Only a hand-damaged spool gets here (the writer cuts torn tails at open): skip the rest of the segment.
                Position = new SpoolPosition(Position.Segment + 1, SpoolWriter.SegmentHeaderSize);
                SkippedSegments++;
                return;
            }
            into.Add(rec!);
            used += len;
        }
        Position = new SpoolPosition(Position.Segment, Position.Offset + used);
    }

    private bool OpenSegment(long segment)
    {
        if (_handleSegment == segment && _handle is not null) return true;
        _handle?.Dispose();
        _handle = null;
        var path = SpoolWriter.SegmentPath(_writer.Directory, segment);
        if (!File.Exists(path)) return false;
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        _handleSegment = segment;
        return true;
    }

    public void Dispose() => _handle?.Dispose();
}
