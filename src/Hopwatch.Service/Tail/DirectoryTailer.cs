using System.Security.Cryptography;
using Hopwatch.Service.Syslog;

namespace Hopwatch.Service.Tail;

/// <summary>
/// Follows the files of one directory as they grow. A file is known by the hash of its first line,
/// not its name, so a rotated file (auth.log → auth.log.1) is read to its end and the new auth.log
/// from its start; a file truncated in place (copytruncate) starts over. Offsets are saved after the
/// lines reach the spool (at-least-once: a crash in between re-reads those lines). Compressed
/// rotations (.gz, .zip) are skipped.
/// </summary>
public sealed class DirectoryTailer : IDisposable
{
    private const int IdentityBytes = 256;
    private readonly string _dir;
    private readonly HopwatchService _service;
    private readonly LineBatcher _batcher;
    private readonly CancellationTokenSource _cts = new();
    private readonly Dictionary<string, long> _offsets = new(StringComparer.Ordinal);
    private Task? _loop;

    public DirectoryTailer(string directory, HopwatchService service)
    {
        _dir = directory;
        _service = service;
        _batcher = new LineBatcher(service, "tail:" + Path.GetFileName(Path.TrimEndingDirectorySeparator(directory)), flushMs: 60_000, maxLines: 1_000_000);
    }

    public void Start() => _loop = Loop();

    private async Task Loop()
    {
        while (!_cts.IsCancellationRequested)
        {
            try { await PollOnce(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"hopwatch serve: tail {_dir}: {e.Message}");
            }
            try { await Task.Delay(_service.Options.TailPollMs, _cts.Token); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>Reads what is new in every file once (public for tests).</summary>
    public async Task PollOnce()
    {
        if (!Directory.Exists(_dir)) return;
        foreach (var path in Directory.EnumerateFiles(_dir).Order(StringComparer.Ordinal))
        {
            if (path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)) continue;
            await using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            string? id = Identity(fs);
            if (id is null) continue;
            if (!_offsets.TryGetValue(id, out long offset)) offset = Math.Max(0, _service.Store.GetTailOffset(id));
            if (fs.Length < offset) offset = 0; // truncated in place
            if (fs.Length == offset) { _offsets[id] = offset; continue; }
            fs.Position = offset;
            var buf = new byte[Math.Min(fs.Length - offset, 16L << 20)];
            int n = await fs.ReadAtLeastAsync(buf, buf.Length, throwOnEndOfStream: false);
            int lastNl = Array.LastIndexOf(buf, (byte)'\n', n - 1);
            if (lastNl < 0) continue; // only a partial line so far
            int lines = 0, start = 0;
            for (int i = 0; i <= lastNl; i++)
            {
                if (buf[i] != (byte)'\n') continue;
                var line = buf.AsSpan(start, i - start).TrimEnd((byte)'\r');
                if (!line.IsEmpty) { _batcher.Add(line); lines++; }
                start = i + 1;
            }
            await _batcher.FlushAsync();
            offset += lastNl + 1;
            _offsets[id] = offset;
            _service.Store.SetTailOffset(id, path, offset);
            _service.Metrics.Tailed(lines);
        }
    }

    /// <summary>Hash of the first line (or first 256 bytes); null until the file has that much.</summary>
    private static string? Identity(FileStream fs)
    {
        var head = new byte[IdentityBytes];
        int n = fs.ReadAtLeast(head, IdentityBytes, throwOnEndOfStream: false);
        int nl = Array.IndexOf(head, (byte)'\n', 0, n);
        if (nl < 0 && n < IdentityBytes) return null;
        int len = nl >= 0 ? nl + 1 : IdentityBytes;
        return Convert.ToHexStringLower(SHA256.HashData(head.AsSpan(0, len)))[..32];
    }

    public void Dispose()
    {
        _cts.Cancel();
        try { _loop?.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _batcher.Dispose();
    }
}
