using System.Collections.Concurrent;

namespace Hopwatch.Events;

/// <summary>
/// Collects warnings about bad input, thread-safe. Keeps every count but only the first
/// <see cref="MaxKept"/> messages so hostile input cannot grow memory without bound.
/// </summary>
public sealed class ReadDiagnostics
{
    public const int MaxKept = 1000;
    private readonly ConcurrentQueue<ReadWarning> _kept = new();
    private long _warnings;
    private long _files;
    private long _records;
    private long _skipped;
    private long _unrecognisedFiles;

    public long WarningCount => Interlocked.Read(ref _warnings);
    public long FileCount => Interlocked.Read(ref _files);
    public long RecordCount => Interlocked.Read(ref _records);
    /// <summary>Records read but dropped because no consumer wanted them (<see cref="EventInterest"/>); part of <see cref="RecordCount"/>.</summary>
    public long SkippedRecordCount => Interlocked.Read(ref _skipped);
    public long UnrecognisedFileCount => Interlocked.Read(ref _unrecognisedFiles);
    /// <summary>The kept warnings as they came: with several reading threads, in an order that varies from run to run.</summary>
    public IReadOnlyCollection<ReadWarning> Warnings => _kept;

    /// <summary>
    /// The kept warnings in an order that does not depend on the reading threads: by file, then by place in the file
    /// (numbers in the location compared as numbers: "chunk 2" before "chunk 10", "offset 0x1a0" before "0xcfd0"), then
    /// by message. What reports and summaries list, so a rerun shows the same lines.
    /// </summary>
    public IReadOnlyList<ReadWarning> WarningsInOrder()
    {
        var list = _kept.ToList();
        list.Sort(static (a, b) =>
        {
            int c = string.CompareOrdinal(a.File, b.File);
            if (c == 0) c = NaturalOrder.Compare(a.Location, b.Location);
            return c != 0 ? c : string.CompareOrdinal(a.Message, b.Message);
        });
        return list;
    }

    public void Warn(string file, string location, string message)
    {
        if (Interlocked.Increment(ref _warnings) <= MaxKept) _kept.Enqueue(new ReadWarning(file, location, message));
    }

    public void FileOpened() => Interlocked.Increment(ref _files);
    public void RecordsRead(long n) => Interlocked.Add(ref _records, n);
    public void RecordsSkipped(long n)
    {
        if (n != 0) Interlocked.Add(ref _skipped, n);
    }

    public void Unrecognised(string file, string why)
    {
        Interlocked.Increment(ref _unrecognisedFiles);
        Warn(file, "file", "not recognised: " + why);
    }
}
