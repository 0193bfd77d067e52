using static Hopwatch.Tests.Sigma.SigmaTestKit;

namespace Hopwatch.Tests.Sigma;

/// <summary>The view binds each event's own field positions, also when consecutive events share name instances in other orders.</summary>
public class SigmaEventViewTests
{
    [Fact]
    public void FieldsAreFoundWhereverEachEventHasThem()
    {
        const string rule = """
            title: t
            logsource: {product: windows, category: process_creation}
            detection:
                selection:
                    Image|endswith: '\x.exe'
                    CommandLine|contains: 'abc'
                condition: selection
            """;
        var set = Load(rule);
        Assert.Empty(set.Errors);
        // The same interned names at shifting positions, an unknown name in between, a missing field: one event at a time
        // and all in one run (so each event is bound right after the previous one).
        var events = new[]
        {
            (Event(Sysmon, 1, ("Image", @"C:\x.exe"), ("CommandLine", "x abc")), true),
            (Event(Sysmon, 1, ("CommandLine", @"C:\x.exe"), ("Image", "x abc")), false),
            (Event(Sysmon, 1, ("CommandLine", "ABC"), ("Image", @"d:\X.EXE")), true),
            (Event(Sysmon, 1, ("Other", "abc"), ("CommandLine", "abc"), ("Image", @"\x.exe")), true),
            (Event(Sysmon, 1, ("Other", "abc"), ("Image", @"\x.exe")), false),
            (Event(Sysmon, 1, ("Image", @"\x.exe"), ("Other", "abc"), ("CommandLine", "--")), false),
            (Event(Sysmon, 1, ("Image", @"\x.exe"), ("CommandLine", "abc")), true),
        };
        foreach (var (e, hit) in events) Assert.Equal(hit, Run(set, [e]).Count == 1);
        Assert.Equal(events.Count(p => p.Item2), Run(set, events.Select(p => p.Item1)).Count);
    }

    [Fact]
    public void UpperCasedCopiesAreThoseOfToUpperInvariant()
    {
        // ASCII values take the vectorised ASCII casing, others switch to ToUpperInvariant at their first other character:
        // either way the copy is the per-character upper-casing (long s to S, dotless i to I, Kelvin sign and ß kept,
        // surrogate pairs as they are), also for values longer than the buffer so far.
        var values = new[]
        {
            @"c:\windows\system32\cmd.exe /c whoami", "", "x", "ſekurlſa::logonpaſſwords", "abc ı é ß \u212A end",
            "\U0001F600 smile 😀 \u00E9", new string('a', 63) + "é", new string('b', 5_000), new string('c', 4_000) + "\u017F" + new string('d', 4_000),
        };
        var set = Load("title: t\nlogsource: {product: windows}\ndetection:\n    k:\n        - 'zzzz'\n    condition: k\n");
        var view = new Hopwatch.Sigma.SigmaEventView(set.FieldTable);
        var e = Event("Security", 4688, values.Select((v, i) => ($"F{i}", (string?)v)).ToArray());
        view.Bind(e);
        for (int i = 0; i < e.Fields.Count; i++)
        {
            string value = e.Fields.ValueAt(i)!;
            Assert.Equal(value.ToUpperInvariant(), view.Folded(i, value).ToString());
        }
    }
}
