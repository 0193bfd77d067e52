using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hopwatch.Service.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Hopwatch.Service.Api;

/// <summary>The REST API, health, metrics, OpenAPI document, live feed and web UI routes.</summary>
public static class ApiEndpoints
{
    private static readonly JsonSerializerOptions JsonOut = new() { Encoder = JavaScriptEncoder.Default, WriteIndented = false };
    private const string Csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void Map(WebApplication app, HopwatchService service)
    {
        var auth = service.Authenticator;
        // Everything under /api/ needs a token; the UI shell, health, metrics and the OpenAPI document do not.
        app.Use(async (ctx, next) =>
        {
            ctx.Response.Headers.XContentTypeOptions = "nosniff";
            ctx.Response.Headers["Referrer-Policy"] = "no-referrer";
            if (ctx.Request.Path.StartsWithSegments("/api"))
            {
                var actor = auth.Authenticate(ctx.Request.Headers.Authorization);
                if (actor is null)
                {
                    service.Metrics.Rejected(401);
                    ctx.Response.Headers.WWWAuthenticate = "Bearer realm=\"hopwatch\"";
                    await Error(ctx, 401, "missing or wrong bearer token");
                    return;
                }
                ctx.Items["actor"] = actor;
            }
            await next(ctx);
        });

        var events = new EventsEndpoint(service);
        app.MapPost("/api/v1/events", events.Handle);

        app.MapGet("/api/v1/alerts", ctx => WriteJson(ctx, service.Store.QueryAlerts(Filter(ctx))));
        app.MapGet("/api/v1/alerts/{id}", ctx => OrNotFound(ctx, service.Store.GetAlert(RouteValue(ctx, "id"))));
        app.MapPost("/api/v1/alerts/{id}/actions", ctx => Triage(ctx, service, "alert"));
        app.MapGet("/api/v1/incidents", ctx => WriteJson(ctx, service.Store.QueryIncidents(Filter(ctx))));
        app.MapGet("/api/v1/incidents/{id}", ctx => OrNotFound(ctx, service.Store.GetIncident(RouteValue(ctx, "id"))));
        app.MapGet("/api/v1/incidents/{id}/graph", ctx => OrNotFound(ctx, service.Store.IncidentGraph(RouteValue(ctx, "id"))));
        app.MapGet("/api/v1/incidents/{id}/timeline", ctx => OrNotFound(ctx, service.Store.IncidentTimeline(RouteValue(ctx, "id"))));
        app.MapPost("/api/v1/incidents/{id}/actions", ctx => Triage(ctx, service, "incident"));
        app.MapGet("/api/v1/entities/{kind}/{name}", async ctx =>
        {
            string kind = RouteValue(ctx, "kind");
            if (kind is not ("user" or "host" or "ip")) { await Error(ctx, 400, "entity kind must be user, host or ip"); return; }
            await WriteJson(ctx, service.Store.Entity(kind, RouteValue(ctx, "name")));
        });
        app.MapGet("/api/v1/allowlist", ctx => WriteJson(ctx, service.Store.ListAllowlist(ctx.Request.Query["all"] == "true")));
        app.MapGet("/api/v1/allowlist/audit", ctx => WriteJson(ctx, service.Store.AllowlistAudit()));
        app.MapPost("/api/v1/allowlist", async ctx =>
        {
            var body = await ReadSmallJson(ctx);
            if (body is null) return;
            try
            {
                long id = service.Store.AddAllowlist(Str(body, "kind"), Str(body, "value"), Str(body, "comment"), Actor(ctx));
                ctx.Response.StatusCode = 201;
                await WriteJson(ctx, new JsonObject { ["id"] = id });
                service.Feed.Publish("allowlist", new JsonObject { ["action"] = "add", ["id"] = id });
            }
            catch (ArgumentException e) { await Error(ctx, 400, e.Message); }
        });
        app.MapDelete("/api/v1/allowlist/{id}", async ctx =>
        {
            if (!long.TryParse(RouteValue(ctx, "id"), out long id)) { await Error(ctx, 400, "id must be a number"); return; }
            string comment = ctx.Request.Query["comment"].ToString();
            if (string.IsNullOrWhiteSpace(comment)) { await Error(ctx, 400, "a comment saying why is required (?comment=...)"); return; }
            if (!service.Store.RemoveAllowlist(id, comment, Actor(ctx))) { await Error(ctx, 404, "no such allowlist entry"); return; }
            await WriteJson(ctx, new JsonObject { ["removed"] = id });
        });
        app.MapGet("/api/v1/stream", ctx => Stream(ctx, service));

        app.MapGet("/health", ctx =>
        {
            var fault = service.Processor.Fault;
            ctx.Response.StatusCode = fault is null ? 200 : 503;
            long accepted = service.Spool.NextSeq - 1;
            return WriteJson(ctx, new JsonObject
            {
                ["status"] = fault is null ? "ok" : "processing stopped",
                ["events_accepted"] = accepted,
                ["events_processed"] = service.Processor.ProcessedSeq,
                ["queue_depth"] = Math.Max(0, accepted - service.Processor.ProcessedSeq),
                ["lag_seconds"] = service.Processor.LagSeconds,
                // Incidents with stored alerts whose score, verdict and title are not yet updated (0 when settled).
                ["incidents_unscored"] = service.Processor.UnscoredIncidents,
                ["parser"] = service.Parser.Name,
                ["detectors"] = new JsonArray(service.Detectors.Select(d => (JsonNode)d.Name).ToArray()),
            });
        });
        app.MapGet("/metrics", async ctx =>
        {
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await ctx.Response.WriteAsync(service.Metrics.Render());
        });
        app.MapGet("/openapi.json", ctx => Asset(ctx, "openapi.json"));
        app.MapGet("/", ctx => Asset(ctx, "index.html"));
        app.MapGet("/ui/{file}", ctx => Asset(ctx, RouteValue(ctx, "file")));
    }

    private static async Task Asset(HttpContext ctx, string name)
    {
        var bytes = name.Contains('/') || name.Contains("..") ? null : WebAssets.Get(name);
        if (bytes is null) { await Error(ctx, 404, "not found"); return; }
        ctx.Response.ContentType = WebAssets.ContentType(name);
        ctx.Response.Headers.ContentSecurityPolicy = Csp;
        ctx.Response.Headers.CacheControl = "no-cache";
        await ctx.Response.Body.WriteAsync(bytes);
    }

    private static async Task Stream(HttpContext ctx, HopwatchService service)
    {
        ctx.Response.ContentType = "text/event-stream";
        ctx.Response.Headers.CacheControl = "no-cache";
        var ch = service.Feed.Subscribe();
        try
        {
            await ctx.Response.WriteAsync(": hopwatch live feed\n\n", ctx.RequestAborted);
            await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            while (!ctx.RequestAborted.IsCancellationRequested)
            {
                using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted);
                heartbeat.CancelAfter(TimeSpan.FromSeconds(15));
                string message;
                try { message = await ch.Reader.ReadAsync(heartbeat.Token); }
                catch (OperationCanceledException) when (!ctx.RequestAborted.IsCancellationRequested) { message = ": keep-alive\n\n"; }
                await ctx.Response.WriteAsync(message, ctx.RequestAborted);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted);
            }
        }
        catch (OperationCanceledException) { }
        catch (System.Threading.Channels.ChannelClosedException) { }
        finally { service.Feed.Unsubscribe(ch); }
    }

    private static async Task Triage(HttpContext ctx, HopwatchService service, string kind)
    {
        var body = await ReadSmallJson(ctx);
        if (body is null) return;
        string id = RouteValue(ctx, "id");
        try
        {
            if (!service.Store.RecordTriage(kind, id, Str(body, "action"), Str(body, "comment"), Actor(ctx)))
            {
                await Error(ctx, 404, $"no such {kind}");
                return;
            }
        }
        catch (ArgumentException e)
        {
            await Error(ctx, 400, e.Message);
            return;
        }
        var update = new JsonObject { ["kind"] = kind, ["id"] = id, ["action"] = Str(body, "action"), ["actor"] = Actor(ctx) };
        service.Feed.Publish("triage", update);
        await WriteJson(ctx, update.DeepClone());
    }

    private static async Task<JsonObject?> ReadSmallJson(HttpContext ctx)
    {
        const int Max = 64 * 1024;
        if (ctx.Request.ContentLength > Max) { await Error(ctx, 413, "body too large"); return null; }
        try
        {
            using var ms = new MemoryStream();
            var buf = new byte[8192];
            int n;
            while ((n = await ctx.Request.Body.ReadAsync(buf)) > 0)
            {
                if (ms.Length + n > Max) { await Error(ctx, 413, "body too large"); return null; }
                ms.Write(buf, 0, n);
            }
            if (JsonNode.Parse(ms.ToArray()) is JsonObject o) return o;
            await Error(ctx, 400, "body must be a JSON object");
            return null;
        }
        catch (JsonException e)
        {
            await Error(ctx, 400, "malformed JSON: " + e.Message);
            return null;
        }
    }

    private static string Str(JsonObject o, string name) =>
        o[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";

    private static string Actor(HttpContext ctx) => ctx.Items["actor"] as string ?? "anonymous";

    private static string RouteValue(HttpContext ctx, string name) => ctx.Request.RouteValues[name]?.ToString() ?? "";

    /// <summary>Reads the list filters: since, until (ISO-8601), severity (name or 0-4, minimum), user, host, status, verdict, analytic, incident, limit, offset.</summary>
    public static QueryFilter Filter(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        static DateTime? Time(string s) => DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;
        static int? Sev(string s) => s.ToLowerInvariant() switch
        {
            "" => null,
            "informational" or "info" => 0,
            "low" => 1,
            "medium" => 2,
            "high" => 3,
            "critical" => 4,
            _ => int.TryParse(s, out int n) ? n : null,
        };
        return new QueryFilter
        {
            Since = Time(q["since"].ToString()),
            Until = Time(q["until"].ToString()),
            MinSeverity = Sev(q["severity"].ToString()),
            User = NullIfEmpty(q["user"].ToString()),
            Host = NullIfEmpty(q["host"].ToString()),
            Status = NullIfEmpty(q["status"].ToString()),
            Verdict = NullIfEmpty(q["verdict"].ToString()),
            Analytic = NullIfEmpty(q["analytic"].ToString()),
            IncidentId = NullIfEmpty(q["incident"].ToString()),
            Limit = int.TryParse(q["limit"].ToString(), out int l) ? l : 100,
            Offset = int.TryParse(q["offset"].ToString(), out int o) ? o : 0,
        };
    }

    private static string? NullIfEmpty(string s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static Task OrNotFound(HttpContext ctx, JsonNode? node) =>
        node is null ? Error(ctx, 404, "not found") : WriteJson(ctx, node);

    public static Task WriteJson(HttpContext ctx, JsonNode node)
    {
        ctx.Response.ContentType = "application/json; charset=utf-8";
        return ctx.Response.WriteAsync(node.ToJsonString(JsonOut));
    }

    public static Task Error(HttpContext ctx, int status, string message)
    {
        ctx.Response.StatusCode = status;
        return WriteJson(ctx, new JsonObject { ["error"] = message });
    }
}
