using System.Runtime.InteropServices;
using Hopwatch.Events;
using Hopwatch.Sigma;
using Hopwatch.Tests.Support;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>
/// Searches remembered by value instance (<see cref="SigmaValueMemo"/>) answer exactly as a fresh search: the same
/// instance again, an equal copy, another value, another field, values either side of the memo's minimum length.
/// </summary>
public class SigmaValueMemoTests
{
    private static SigmaRuleSet MimikatzKeywords()
    {
        var set = SigmaRuleSet.Load([Path.Combine(SharedData.Sigma, "rules", "windows", "builtin", "win_alert_mimikatz_keywords.yml")]);
        Assert.Empty(set.Errors);
        Assert.Single(set.Rules);
        return set;
    }

    private static LogEvent Security(int eventId, params (string, string?)[] fields) => Event("Security", eventId, fields);

    [Fact]
    public void KeywordRuleAnswersTheSameForARepeatedValueInstance()
    {
        var set = MimikatzKeywords();
        string hit = @"C:\Tools\x64\mimikatz.exe ""privilege::debug"" ""sekurlsa::logonpasswords"" exit";
        string miss = @"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -NoProfile -Command Get-Date";
        string copyOfHit = new(hit.AsSpan()); // equal text, another instance
        var events = new[]
        {
            (Security(4688, ("CommandLine", miss)), false),
            (Security(4688, ("CommandLine", hit)), true),
            (Security(4688, ("CommandLine", miss)), false),
            (Security(4688, ("CommandLine", hit)), true),       // the same instance: answered from the memo
            (Security(4688, ("ParentCommandLine", hit)), true), // another field, the same instance
            (Security(4688, ("CommandLine", copyOfHit)), true),
            (Security(4688, ("CommandLine", miss), ("Other", hit)), true),
            (Security(4688, ("CommandLine", miss.ToUpperInvariant())), false),
            (Security(4688, ("CommandLine", hit.ToUpperInvariant())), true), // case-insensitive
        };
        // One detector through all events (its view, and so its memo, carries over), and each event on its own.
        var detector = new SigmaDetector(set);
        foreach (var (e, expected) in events)
        {
            var alerts = new List<Alert>();
            detector.Process(e, alerts.Add);
            Assert.Equal(expected, alerts.Count == 1);
            Assert.Equal(expected, Run(set, [e]).Count == 1);
        }
    }

    [Fact]
    public void KeywordAtEitherEndOfValuesAroundTheMemoLength()
    {
        var set = MimikatzKeywords();
        const string keyword = "sekurlsa::";
        foreach (int length in new[] { SigmaValueMemo.MinLength - 1, SigmaValueMemo.MinLength, SigmaValueMemo.MinLength + 1, 200 })
        {
            string pad = new('x', length - keyword.Length);
            string atEnd = pad + keyword, atStart = keyword.ToUpperInvariant() + pad, cut = pad + keyword[..^1];
            var detector = new SigmaDetector(set);
            foreach (var round in new[] { 1, 2 }) // the second round meets the same instances again
                foreach (var (value, expected) in new[] { (atEnd, true), (cut, false), (atStart, true), (cut, false) })
                {
                    var alerts = new List<Alert>();
                    detector.Process(Security(4688, ("CommandLine", value)), alerts.Add);
                    Assert.True(expected == (alerts.Count == 1), $"length {length}, round {round}: '{value}'");
                }
        }
    }

    [Fact]
    public void NonAsciiKeywordsFoldCaseWhenRemembered()
    {
        // A non-ASCII needle: the list searches the upper-cased copy of the value (not on the fly).
        const string rule = """
            title: non-ascii keywords
            logsource: {product: windows}
            detection:
                keywords:
                    - 'ärgerlich-werkzeug'
                    - 'zweites-stichwort'
                condition: keywords
            """;
        var set = Load(rule);
        Assert.Empty(set.Errors);
        string hit = @"C:\Users\Jörg\Downloads\ÄRGERLICH-WERKZEUG\run.exe --quiet";
        string miss = @"C:\Users\Jörg\Downloads\ärgerlich_werkzeug\run.exe --quiet";
        var detector = new SigmaDetector(set);
        foreach (var round in new[] { 1, 2 })
            foreach (var (value, expected) in new[] { (hit, true), (miss, false), (hit.ToLowerInvariant(), true) })
            {
                var alerts = new List<Alert>();
                detector.Process(Security(4688, ("CommandLine", value)), alerts.Add);
                Assert.True(expected == (alerts.Count == 1), $"round {round}: '{value}'");
            }
    }

    [Fact]
    public void PrefilterScansRememberedPerField()
    {
        // Process-creation rules the prefilter gates, each needing its own text in CommandLine
        // (and one in Image), so a remembered "none of the texts" for one field must not close rules of another.
        var rules = Enumerable.Range(0, 14)
            .Select(i => ProcessRule($"selection:\n    CommandLine|contains: 'needle-{i:00}-in-the-line'", id: $"00000000-0000-0000-0000-0000000000{i:00}"))
            .Append(ProcessRule("selection:\n    Image|contains: 'needle-00-in-the-line'", id: "00000000-0000-0000-0000-000000000099"))
            .ToArray();
        var set = Load(rules[0], null, rules[1..]);
        Assert.Empty(set.Errors);
        string plain = @"C:\Windows\System32\cmd.exe /c echo nothing to see in this line";
        string withNeedle = @"C:\Windows\System32\cmd.exe /c echo NEEDLE-07-IN-THE-LINE here";
        var detector = new SigmaDetector(set);
        foreach (var round in new[] { 1, 2 })
            foreach (var (fields, expected) in new (string, string)[][]
                     {
                         [("CommandLine", plain), ("Image", plain)],
                         [("CommandLine", withNeedle), ("Image", plain)],
                         [("CommandLine", plain), ("Image", withNeedle)], // Image rule wants needle-00: no
                         [("CommandLine", plain), ("Image", plain.Replace("nothing", "needle-00-in-the-line"))],
                     }.Zip(new[] { 0, 1, 0, 1 }))
            {
                var alerts = new List<Alert>();
                detector.Process(Event(Sysmon, 1, fields.Select(f => (f.Item1, (string?)f.Item2)).ToArray()), alerts.Add);
                Assert.True(expected == alerts.Count, $"round {round}: {string.Join(", ", fields)} gave {alerts.Count}");
            }
    }

    [Fact]
    public void PrefilterAnswersTheSameAroundTheScanMemoLength()
    {
        var rules = Enumerable.Range(0, 14)
            .Select(i => ProcessRule($"selection:\n    CommandLine|contains: 'nd{i:00}q'", id: $"00000000-0000-0000-0000-0000000000{i:00}"))
            .ToArray();
        var set = Load(rules[0], null, rules[1..]);
        Assert.Empty(set.Errors);
        foreach (int length in new[] { SigmaValueMemo.MinScanLength - 1, SigmaValueMemo.MinScanLength, SigmaValueMemo.MinScanLength + 1 })
        {
            string pad = new('-', length - 5);
            var values = new[] { (pad + "ND03Q", 1), ("nd03q" + pad, 1), (pad + "nd03r", 0), ("nd0" + pad + "3q", 0) };
            var detector = new SigmaDetector(set);
            foreach (var round in new[] { 1, 2 })
                foreach (var (value, expected) in values)
                {
                    var alerts = new List<Alert>();
                    detector.Process(Event(Sysmon, 1, ("CommandLine", value)), alerts.Add);
                    Assert.True(expected == alerts.Count, $"length {length}, round {round}: '{value}' gave {alerts.Count}");
                }
        }
    }

    [Fact]
    public void MemoKeysByInstanceAndSearcher()
    {
        var memo = new SigmaValueMemo();
        int a = SigmaValueMemo.NewId(), b = SigmaValueMemo.NewId();
        string value = new('v', 40), equal = new('v', 40);
        // Slots come from addresses: pinned, so a collection in the middle of the test cannot move them to other slots.
        var pins = new[] { GCHandle.Alloc(value, GCHandleType.Pinned), GCHandle.Alloc(equal, GCHandleType.Pinned) };
        try
        {
            Check(memo, a, b, value, equal);
        }
        finally
        {
            foreach (var pin in pins) pin.Free();
        }
    }

    private static void Check(SigmaValueMemo memo, int a, int b, string value, string equal)
    {
        Assert.False(memo.TryGet(a, value, out _, out int slot));
        memo.Remember(slot, a, value, found: true);
        Assert.True(memo.TryGet(a, value, out bool found, out _));
        Assert.True(found);
        Assert.False(memo.TryGet(b, value, out _, out _));  // another searcher
        Assert.False(memo.TryGet(a, equal, out _, out _));  // another instance with the same text
        memo.TryGet(a, value, out _, out int again);
        memo.Remember(again, a, value, found: false); // an answer replaced
        Assert.True(memo.TryGet(a, value, out found, out _));
        Assert.False(found);
    }
}
