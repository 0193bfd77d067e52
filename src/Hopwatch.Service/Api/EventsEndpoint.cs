using System.Buffers;
using System.IO.Compression;
using System.Text.Json.Nodes;
using Hopwatch.Service.Ingest;
using Hopwatch.Service.Spool;
using Microsoft.AspNetCore.Http;

namespace Hopwatch.Service.Api;

/// <summary>
/// POST /api/v1/events: reads the body (gzip allowed, size-limited before and after
/// decompression), validates the whole batch, appends it to the spool and answers only once the
/// spool holds it as durably as the fsync policy says.
/// </summary>
public sealed class EventsEndpoint
{
    private readonly HopwatchService _service;

    public EventsEndpoint(HopwatchService service) => _service = service;

    public async Task Handle(HttpContext ctx)
    {
        var opts = _service.Options;
        if (_service.Processor.Fault is not null)
        {
            await ApiEndpoints.Error(ctx, 503, "processing has stopped; see the service log");
            return;
        }
        if (QueueFull(0))
        {
            await TooBusy(ctx);
            return;
        }
        byte[] body;
        int length;
        try
        {
            (body, length) = await ReadBody(ctx, opts.MaxBodyBytes);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            await TooLarge(ctx, opts.MaxBodyBytes);
            return;
        }
        catch (BodyTooLargeException)
        {
            await TooLarge(ctx, opts.MaxBodyBytes);
            return;
        }
        catch (InvalidDataException e)
        {
            _service.Metrics.Rejected(400);
            await ApiEndpoints.Error(ctx, 400, "body is not valid gzip: " + e.Message);
            return;
        }
        try
        {
            await Accept(ctx, body, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }

    private async Task Accept(HttpContext ctx, byte[] body, int length)
    {
        string contentType = ctx.Request.ContentType ?? "";
        bool text = contentType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase);
        var batch = BatchValidator.Validate(body.AsSpan(0, length), text);
        if (!batch.Ok)
        {
            _service.Metrics.Rejected(400);
            ctx.Response.StatusCode = 400;
            await ApiEndpoints.WriteJson(ctx, new JsonObject { ["error"] = batch.Error, ["line"] = batch.ErrorLine, ["accepted"] = 0 });
            return;
        }
        long firstSeq;
        try
        {
            if (batch.Count == 0)
            {
                await ApiEndpoints.WriteJson(ctx, new JsonObject { ["accepted"] = 0 });
                return;
            }
            if (QueueFull(batch.Count))
            {
                await TooBusy(ctx);
                return;
            }
            string source = SourceName(ctx.Request.Query["source"].ToString());
            firstSeq = await _service.Spool.AppendAsync(batch.Format, source, batch.Lines, batch.Count, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        }
        finally
        {
            batch.ReturnBuffer();
        }
        _service.Metrics.Received(batch.Count);
        await ApiEndpoints.WriteJson(ctx, new JsonObject
        {
            ["accepted"] = batch.Count,
            ["first_seq"] = firstSeq,
            ["last_seq"] = firstSeq + batch.Count - 1,
        });
    }

    private bool QueueFull(int adding)
    {
        long depth = _service.Spool.NextSeq - 1 - _service.Processor.ProcessedSeq;
        return depth > 0 && depth + adding > _service.Options.QueueCapacityEvents;
    }

    private async Task TooBusy(HttpContext ctx)
    {
        _service.Metrics.Rejected(429);
        ctx.Response.Headers.RetryAfter = _service.Options.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ApiEndpoints.Error(ctx, 429, "ingest queue is full; retry later");
    }

    private async Task TooLarge(HttpContext ctx, long max)
    {
        _service.Metrics.Rejected(413);
        // The rest of an oversized body is not read; close the connection rather than drain it.
        ctx.Response.Headers.Connection = "close";
        await ApiEndpoints.Error(ctx, 413, $"request body larger than {max} bytes (compressed or decompressed)");
    }

    /// <summary>"http", or "http:NAME" when the client names its source (?source=dc01-forwarder).</summary>
    internal static string SourceName(string? requested)
    {
        if (string.IsNullOrWhiteSpace(requested)) return "http";
        var clean = new string(requested.Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.').Take(64).ToArray());
        return clean.Length == 0 ? "http" : "http:" + clean;
    }

    /// <summary>The body in a pooled buffer (the caller returns it), inflated when gzip.</summary>
    private static async Task<(byte[], int)> ReadBody(HttpContext ctx, long max)
    {
        var req = ctx.Request;
        if (req.ContentLength > max) throw new BodyTooLargeException();
        var (buf, len) = await ReadPooled(req.Body, max, req.ContentLength is long cl and > 0 ? (int)cl : 64 * 1024);
        bool gzip = req.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
                    || (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b);
        if (!gzip) return (buf, len);
        try
        {
            await using var gz = new GZipStream(new MemoryStream(buf, 0, len, writable: false), CompressionMode.Decompress);
            return await ReadPooled(gz, max, (int)Math.Min(max, (long)len * 8));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buf);
        }
    }

    private static async Task<(byte[], int)> ReadPooled(Stream from, long max, int initial)
    {
        var buf = ArrayPool<byte>.Shared.Rent(Math.Max(initial + 1, 4096));
        int len = 0;
        try
        {
            while (true)
            {
                if (len == buf.Length)
                {
                    if (len >= max) throw new BodyTooLargeException();
                    var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buf.Length * 2, max + 1));
                    buf.AsSpan(0, len).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buf);
                    buf = bigger;
                }
                int n = await from.ReadAsync(buf.AsMemory(len));
                if (n == 0) break;
                len += n;
                if (len > max) throw new BodyTooLargeException();
            }
            return (buf, len);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buf);
            throw;
        }
    }

    private sealed class BodyTooLargeException : Exception;
}
