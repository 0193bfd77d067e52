using System.Runtime.InteropServices;
using Hopwatch.Events;
using Hopwatch.Sigma;
using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>The prefilter's memo of what its scans found per value instance (<see cref="SigmaScanMemo"/>).</summary>
public class SigmaScanMemoTests
{
    [Fact]
    public void ARepeatedValueInstanceOpensTheSameRulesAsItsFirstScan()
    {
        // Rules wanting different texts of the same command line, one wanting a text in another field, and a regex rule.
        string[] rules =
        [
            ProcessRule("selection:\n    CommandLine|contains: 'sekurlsa::logonpasswords'", id: "77777777-7777-7777-7777-000000000001"),
            ProcessRule("selection:\n    CommandLine|contains: 'privilege::debug'", id: "77777777-7777-7777-7777-000000000002"),
            ProcessRule("selection:\n    CommandLine|contains|all: ['privilege::debug', 'exit']", id: "77777777-7777-7777-7777-000000000003"),
            ProcessRule("selection:\n    Image|contains: 'privilege::debug'", id: "77777777-7777-7777-7777-000000000004"),
            ProcessRule("selection:\n    CommandLine|re: 'mimikatz\\.exe\\s+\"?privilege'", id: "77777777-7777-7777-7777-000000000005"),
        ];
        var set = Load(rules[0], null, rules[1..]);
        Assert.True(set.Errors.Count == 0, string.Join("\n", set.Errors));
        string both = "mimikatz.exe \"privilege::debug\" \"sekurlsa::logonpasswords\" exit";
        string one = "mimikatz.exe privilege::debug";
        string none = "C:\\Windows\\System32\\svchost.exe -k netsvcs -p";
        var detector = new SigmaDetector(set);
        List<string> Hits(params (string, string?)[] fields)
        {
            var alerts = new List<Alert>();
            detector.Process(Event(Sysmon, 1, fields), alerts.Add);
            return alerts.Select(a => a.RuleId[^1..]).Order().ToList();
        }
        // Each value instance scanned once, then answered from the memo: the same rules every round, in either field.
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(["1", "2", "3", "5"], Hits(("CommandLine", both), ("Image", none)));
            Assert.Equal(["2", "5"], Hits(("CommandLine", one), ("Image", none)));
            Assert.Empty(Hits(("CommandLine", none), ("Image", none)));
            // The same instance in the other field opens only that field's rules.
            Assert.Equal(["4"], Hits(("CommandLine", none), ("Image", one)));
            Assert.Equal(["2", "4", "5"], Hits(("CommandLine", one), ("Image", one)));
        }
        // Equal content in a new instance: scanned again, same answer.
        Assert.Equal(["1", "2", "3", "5"], Hits(("CommandLine", new string(both.AsSpan())), ("Image", none)));
    }

    [Fact]
    public void TheMemoAnswersByInstanceAndScan()
    {
        var memo = new SigmaScanMemo();
        string value = "C:\\Windows\\System32\\cmd.exe /c whoami";
        string copy = new(value.AsSpan());
        // Slots come from addresses: pinned, so a collection in the middle of the test cannot move them to other slots.
        var pins = new[] { GCHandle.Alloc(value, GCHandleType.Pinned), GCHandle.Alloc(copy, GCHandleType.Pinned) };
        try
        {
            Assert.False(memo.TryGet(1, value, out _, out int slot));
            memo.Remember(slot, 1, value, [3, 7]);
            Assert.True(memo.TryGet(1, value, out var found, out _));
            Assert.Equal([3, 7], found);
            Assert.False(memo.TryGet(2, value, out _, out _)); // another field's scan
            Assert.False(memo.TryGet(1, copy, out _, out _));  // equal text, another instance
        }
        finally
        {
            foreach (var pin in pins) pin.Free();
        }
    }
}
