using System.Security.Cryptography;
using System.Text;
using Hopwatch.Events;

namespace Hopwatch.Tests.Reporting;

/// <summary>
/// Alert ids are hashed from a per-thread buffer now; an id must stay the SHA-256 of the text the contract names
/// ("ANALYTIC\nRULE" then "\nFILE#RECORD@TICKS/HOST/EVENTID" per evidence, UTF-8), which is rebuilt here by hand,
/// including text that is not ASCII, broken UTF-16, and evidence lists longer than the buffer starts with.
/// </summary>
public sealed class AlertIdTextTests
{
    private static string Expected(string analytic, string rule, IEnumerable<AlertEvidence> evidence)
    {
        var sb = new StringBuilder();
        sb.Append(analytic).Append('\n').Append(rule);
        foreach (var ev in evidence)
            sb.Append('\n').Append(ev.File).Append('#').Append(ev.RecordId).Append('@').Append(ev.Time.Ticks)
              .Append('/').Append(ev.Host).Append('/').Append(ev.EventId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString()))[..16]);
    }

    private static AlertEvidence Evidence(string file, long record, string host, int eventId) => new()
    {
        File = file, RecordId = record, Time = new DateTime(2026, 10, 5, 9, 33, 42, DateTimeKind.Utc).AddTicks(record % 10_000_000), Host = host,
        Channel = "Security", EventId = eventId,
    };

    [Fact]
    public void Ids_are_the_hash_of_the_contract_text()
    {
        var cases = new List<(string, string, List<AlertEvidence>)>
        {
            ("sigma", "rule-1", [Evidence("C:\\logs\\Security.evtx", 42, "WS-01.corp.local", 4624)]),
            ("rdp-chain", "", []),
            ("sigma", "règle — ✓", [Evidence("évidence/日本.evtx", -7, "hôte", -1)]),
            ("sigma", "lone \ud83d surrogate", [Evidence("pair \ud83d\ude00.evtx", long.MaxValue, "\ude00", int.MinValue)]),
            ("fan-out", "hopwatch.fan-out", Enumerable.Range(0, 300).Select(i => Evidence(new string('f', i % 50) + ".evtx", i, "host-" + i, 4624 + i)).ToList()),
            ("sigma", new string('r', 5000), [Evidence(new string('p', 3000), 1, new string('h', 2000), 1)]),
        };
        foreach (var (analytic, rule, evidence) in cases)
        {
            Assert.Equal(Expected(analytic, rule, evidence), AlertIds.For(analytic, rule, evidence));
            if (evidence.Count == 1) Assert.Equal(Expected(analytic, rule, evidence), AlertIds.For(analytic, rule, evidence[0]));
        }
    }
}
