using Hopwatch.Events;
using Hopwatch.Sigma;

namespace Hopwatch.Tests.Sigma;

/// <summary>Builds rule sets from YAML text and events from field lists, for the Sigma tests.</summary>
internal static class SigmaTestKit
{
    public static SigmaRuleSet Load(string yaml, SigmaOptions? options = null, params string[] moreFiles)
    {
        var dir = Directory.CreateTempSubdirectory("hopwatch-sigma-");
        File.WriteAllText(Path.Combine(dir.FullName, "rule.yml"), yaml);
        for (int i = 0; i < moreFiles.Length; i++) File.WriteAllText(Path.Combine(dir.FullName, $"more{i}.yml"), moreFiles[i]);
        try { return SigmaRuleSet.Load([dir.FullName], options); }
        finally { dir.Delete(true); }
    }

    public static string TempFile(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("hopwatch-sigma-").FullName, "file.yml");
        File.WriteAllText(path, text);
        return path;
    }

    public static LogEvent Event(string channel, int eventId, params (string Name, string? Value)[] fields) =>
        Event(channel, eventId, new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), fields);

    private static long _record;

    public static LogEvent Event(string channel, int eventId, DateTime time, params (string Name, string? Value)[] fields)
    {
        var e = new LogEvent
        {
            File = "test.evtx",
            RecordId = Interlocked.Increment(ref _record),
            Format = SourceFormat.Evtx,
            Channel = channel,
            EventId = eventId,
            Time = time,
            Computer = "ws01.corp.local",
        };
        e.Fields.Add("EventID", eventId.ToString());
        e.Fields.Add("Channel", channel);
        e.Fields.Add("Computer", e.Computer);
        foreach (var (n, v) in fields) e.Fields.Add(n, v);
        Normaliser.Normalise(e);
        return e;
    }

    public static List<Alert> Run(SigmaRuleSet set, IEnumerable<LogEvent> events)
    {
        var alerts = new List<Alert>();
        var d = new SigmaDetector(set);
        foreach (var e in events) d.Process(e, alerts.Add);
        d.Complete(alerts.Add);
        return alerts;
    }

    /// <summary>A one-selection Sysmon process-creation rule around the given selection lines.</summary>
    public static string ProcessRule(string selection, string condition = "selection", string id = "11111111-1111-1111-1111-111111111111") => $"""
        title: Test rule
        id: {id}
        level: high
        tags:
            - attack.lateral-movement
            - attack.t1021.002
        logsource:
            category: process_creation
            product: windows
        detection:
        {Indent(selection, 4)}
            condition: {condition}
        """;

    private static string Indent(string s, int n) =>
        string.Join("\n", s.Split('\n').Select(l => new string(' ', n) + l));

    public const string Sysmon = "Microsoft-Windows-Sysmon/Operational";

    /// <summary>Does a Sysmon 1 event with these fields match the selection?</summary>
    public static bool Matches(string selection, params (string, string?)[] fields) => Matches(selection, "selection", fields);

    public static bool Matches(string selection, string condition, params (string, string?)[] fields)
    {
        var set = Load(ProcessRule(selection, condition));
        Assert.True(set.Errors.Count == 0, string.Join("\n", set.Errors));
        Assert.Single(set.Rules);
        return Run(set, [Event(Sysmon, 1, fields)]).Count == 1;
    }
}
