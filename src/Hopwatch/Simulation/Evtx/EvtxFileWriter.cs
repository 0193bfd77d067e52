using Hopwatch.Reading.Evtx;
using System.Buffers.Binary;

namespace Hopwatch.Simulation.Evtx;

/// <summary>
/// Writes an EVTX file: a 4 KiB file header, then 64 KiB chunks filled with BinXML records in the
/// order given. The header is rewritten on <see cref="Dispose"/> with the chunk count, the next
/// record id and its CRC, and the file is marked clean.
/// </summary>
public sealed class EvtxFileWriter : IDisposable
{
    private const int FileHeaderSize = 4096;
    private readonly FileStream _stream;
    private readonly EvtxChunkBuilder _chunk = new();
    private int _chunks;
    private ulong _nextRecordId = 1;
    private bool _disposed;

    public EvtxFileWriter(string path)
    {
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        _stream.Write(new byte[FileHeaderSize]);
    }

    public string Path { get; }
    public long RecordCount { get; private set; }

    public void Write(EvtxRecordData record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_chunk.TryAdd(record))
        {
            FlushChunk();
            if (!_chunk.TryAdd(record)) throw new InvalidOperationException("record does not fit an empty chunk");
        }
        _nextRecordId = record.RecordId + 1;
        RecordCount++;
    }

    private void FlushChunk()
    {
        if (_chunk.RecordCount == 0) return;
        if (_chunks == ushort.MaxValue) throw new InvalidOperationException("EVTX file would exceed 65535 chunks");
        _stream.Write(_chunk.Finish());
        _chunks++;
        _chunk.Reset();
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        FlushChunk();
        var h = new byte[FileHeaderSize];
        "ElfFile\0"u8.CopyTo(h);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(8), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(16), (ulong)Math.Max(0, _chunks - 1));
        BinaryPrimitives.WriteUInt64LittleEndian(h.AsSpan(24), _nextRecordId);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(32), 128);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(36), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(38), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(40), FileHeaderSize);
        BinaryPrimitives.WriteUInt16LittleEndian(h.AsSpan(42), (ushort)_chunks);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(120), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(h.AsSpan(124), Crc32.Compute(h.AsSpan(0, 120)));
        _stream.Position = 0;
        _stream.Write(h);
        _stream.Dispose();
    }
}
