using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Hopwatch.Service.Tests.Support;

namespace Hopwatch.Service.Tests;

/// <summary>End to end over HTTP on real Security-Datasets events: alerts, incidents, graph, timeline, triage, allowlist.</summary>
public class ServiceApiTests
{
    [Fact]
    public async Task Real_export_raises_the_two_rdp_logons_and_the_api_explains_them()
    {
        await using var s = await RunningService.Start();
        var lines = TestData.PersistenceLines(others: 3000);
        Assert.Equal(2, lines.Count(l => l.Contains("\"LogonType\":\"10\"")));
        // As a JSON array, gzip-compressed, in two requests.
        foreach (var half in lines.Chunk(lines.Count / 2 + 1))
        {
            var ms = new MemoryStream();
            using (var gz = new System.IO.Compression.GZipStream(ms, System.IO.Compression.CompressionLevel.Fastest, true))
                gz.Write(Encoding.UTF8.GetBytes("[" + string.Join(",\n", half) + "]"));
            var content = new ByteArrayContent(ms.ToArray());
            content.Headers.ContentType = new("application/json");
            content.Headers.ContentEncoding.Add("gzip");
            var r = await s.Client.PostAsync("/api/v1/events", content);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Equal(half.Length, (int)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["accepted"]!);
        }
        await s.WaitProcessed();

        var alerts = (await s.GetJson("/api/v1/alerts")).AsArray();
        Assert.Equal(2, alerts.Count);
        foreach (var a in alerts)
        {
            Assert.Equal("remote-logon", (string?)a!["analytic"]);
            Assert.Equal("pgustavo", (string?)a["entities"]!["users"]![0]);
            Assert.Equal("1.2.3.4", (string?)a["entities"]!["source_ips"]![0]);
            Assert.Equal(4624, (int)a["evidence"]![0]!["event_id"]!);
        }
        Assert.Equal(2, (await s.GetJson("/api/v1/alerts?user=pgustavo&severity=medium")).AsArray().Count);
        Assert.Empty((await s.GetJson("/api/v1/alerts?user=someoneelse")).AsArray());
        Assert.Empty((await s.GetJson("/api/v1/alerts?severity=high")).AsArray());
        Assert.Empty((await s.GetJson("/api/v1/alerts?until=2020-01-01T00:00:00Z")).AsArray());

        var incidents = (await s.GetJson("/api/v1/incidents?host=workstation5.theshire.local")).AsArray();
        var incident = Assert.Single(incidents)!;
        string id = (string)incident["id"]!;
        Assert.Equal(2, (int)incident["alert_count"]!);
        Assert.NotNull(incident["verdict"]);

        var graph = await s.GetJson($"/api/v1/incidents/{id}/graph");
        Assert.Contains(graph["edges"]!.AsArray(), e => (string?)e!["target"] == "workstation5.theshire.local");
        var timeline = (await s.GetJson($"/api/v1/incidents/{id}/timeline")).AsArray();
        Assert.Equal(2, timeline.Count);
        Assert.True(string.CompareOrdinal((string)timeline[0]!["time"]!, (string)timeline[1]!["time"]!) <= 0);

        var entity = await s.GetJson("/api/v1/entities/user/PGustavo");
        Assert.Equal(2, entity["alerts"]!.AsArray().Count);

        // Acknowledge with a comment: status changes, the action is kept with who did it.
        var ack = await s.Client.PostAsync($"/api/v1/incidents/{id}/actions",
            new StringContent("{\"action\":\"acknowledge\",\"comment\":\"looking <b>into</b> it\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var detail = await s.GetJson($"/api/v1/incidents/{id}");
        Assert.Equal("acknowledged", (string?)detail["status"]);
        var history = Assert.Single(detail["history"]!.AsArray())!;
        Assert.Equal("analyst", (string?)history["actor"]);
        Assert.Equal("looking <b>into</b> it", (string?)history["comment"]);
        Assert.Single((await s.GetJson("/api/v1/incidents?status=acknowledged")).AsArray());
        var bad = await s.Client.PostAsync($"/api/v1/incidents/{id}/actions", new StringContent("{\"action\":\"delete\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await s.Client.GetAsync("/api/v1/incidents/nope")).StatusCode);
    }

    [Fact]
    public async Task Allowlist_edits_are_audited_and_suppress_later_alerts()
    {
        await using var s = await RunningService.Start();
        var t0 = new DateTime(2024, 5, 1, 8, 0, 0, DateTimeKind.Utc);
        Assert.Equal(HttpStatusCode.OK, (await s.PostLines([TestData.Logon(1, "srv1.corp.local", "helpdesk", 10, "10.1.1.1", t0)])).StatusCode);
        await s.WaitProcessed();
        Assert.Equal("open", (string?)(await s.GetJson("/api/v1/alerts"))[0]!["status"]);

        var noComment = await s.Client.PostAsync("/api/v1/allowlist", new StringContent("{\"kind\":\"user\",\"value\":\"helpdesk\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, noComment.StatusCode);
        var add = await s.Client.PostAsync("/api/v1/allowlist", new StringContent("{\"kind\":\"user\",\"value\":\"HelpDesk\",\"comment\":\"jump host admins\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, add.StatusCode);
        long entry = (long)JsonNode.Parse(await add.Content.ReadAsStringAsync())!["id"]!;

        await s.PostLines([TestData.Logon(2, "srv2.corp.local", "helpdesk", 10, "10.1.1.1", t0.AddMinutes(5)), TestData.Logon(3, "srv2.corp.local", "mallory", 10, "10.1.1.2", t0.AddMinutes(6))]);
        await s.WaitProcessed();
        var alerts = (await s.GetJson("/api/v1/alerts?limit=10")).AsArray();
        Assert.Equal(3, alerts.Count);
        var suppressed = Assert.Single(alerts, a => (string?)a!["status"] == "suppressed")!;
        Assert.Equal("helpdesk", (string?)suppressed["entities"]!["users"]![0]);
        Assert.Contains($"#{entry}", (string?)suppressed["suppressed_by"]);
        Assert.Null(suppressed["incident_id"]);

        Assert.Equal(HttpStatusCode.BadRequest, (await s.Client.DeleteAsync($"/api/v1/allowlist/{entry}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Client.DeleteAsync($"/api/v1/allowlist/{entry}?comment=no+longer+needed")).StatusCode);
        Assert.Empty((await s.GetJson("/api/v1/allowlist")).AsArray());
        var audit = (await s.GetJson("/api/v1/allowlist/audit")).AsArray();
        Assert.Equal(["add", "remove"], audit.Select(a => (string)a!["action"]!));
        Assert.All(audit, a => Assert.Equal("analyst", (string?)a!["actor"]));
        Assert.Equal("no longer needed", (string?)audit[1]!["comment"]);
    }

    [Fact]
    public async Task Health_metrics_and_openapi_are_served()
    {
        await using var s = await RunningService.Start();
        await s.PostLines([TestData.Logon(1, "srv1", "bob", 10, "10.0.0.2", DateTime.UnixEpoch)]);
        await s.WaitProcessed();
        using var anon = new HttpClient { BaseAddress = s.Service.BaseAddress };
        var health = JsonNode.Parse(await anon.GetStringAsync("/health"))!;
        Assert.Equal("ok", (string?)health["status"]);
        Assert.Equal(1, (long)health["events_processed"]!);
        var metrics = await anon.GetStringAsync("/metrics");
        Assert.Contains("hopwatch_events_received_total 1\n", metrics);
        Assert.Contains("hopwatch_queue_depth_events 0\n", metrics);
        Assert.Contains("hopwatch_alerts_total{analytic=\"remote-logon\"} 1\n", metrics);
        Assert.Contains("hopwatch_alert_latency_seconds_count 1\n", metrics);
        var openapi = JsonNode.Parse(await anon.GetStringAsync("/openapi.json"))!;
        Assert.StartsWith("3.", (string?)openapi["openapi"]);
        Assert.NotNull(openapi["paths"]!["/api/v1/events"]!["post"]);
    }

    [Fact]
    public async Task Duplicate_alerts_from_replayed_events_are_ignored_by_id()
    {
        // Same state directory, the store's checkpoint rewound: the events are processed twice.
        var dir = TestData.TempDir("replay");
        await using (var s = await RunningService.Start(stateDir: dir))
        {
            await s.PostLines(Enumerable.Range(1, 5).Select(i => TestData.Logon(i, $"srv{i}", "eve", 10, "10.9.9.9", DateTime.UnixEpoch.AddMinutes(i))));
            await s.WaitProcessed();
        }
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection("Data Source=" + Path.Combine(dir, "hopwatch.db")))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "UPDATE meta SET value='0'";
            cmd.ExecuteNonQuery();
        }
        await using var again = await RunningService.Start(stateDir: dir);
        await again.WaitProcessed();
        Assert.Equal(5, again.Service.Store.CountAlerts());
        Assert.Contains("hopwatch_alerts_duplicate_total 5\n", again.Service.Metrics.Render());
    }
}
