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
        long firstSeq = await _service.Spool.AppendAsync(batch.Format, source, batch.Lines, batch.Count, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
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

    private static async Task<(byte[], int)> ReadBody(HttpContext ctx, long max)
    {
        var req = ctx.Request;
        if (req.ContentLength > max) throw new BodyTooLargeException();
        var raw = new MemoryStream(req.ContentLength is long cl and > 0 ? (int)cl : 64 * 1024);
        await CopyLimited(req.Body, raw, max);
        var buf = raw.GetBuffer();
        int len = (int)raw.Length;
        bool gzip = req.Headers.ContentEncoding.ToString().Contains("gzip", StringComparison.OrdinalIgnoreCase)
                    || (len >= 2 && buf[0] == 0x1f && buf[1] == 0x8b);
        if (!gzip) return (buf, len);
        var inflated = new MemoryStream(Math.Min(len * 8, (int)Math.Min(max, int.MaxValue)));
        await using (var gz = new GZipStream(new MemoryStream(buf, 0, len, writable: false), CompressionMode.Decompress))
            await CopyLimited(gz, inflated, max);
        return (inflated.GetBuffer(), (int)inflated.Length);
    }

    private static async Task CopyLimited(Stream from, MemoryStream to, long max)
    {
        var chunk = new byte[81920];
        int n;
        while ((n = await from.ReadAsync(chunk)) > 0)
        {
            if (to.Length + n > max) throw new BodyTooLargeException();
            to.Write(chunk, 0, n);
        }
    }

    private sealed class BodyTooLargeException : Exception;
}
