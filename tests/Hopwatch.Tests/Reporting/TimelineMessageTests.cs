using Hopwatch.Reporting;
using Hopwatch.Scoring;

namespace Hopwatch.Tests.Reporting;

/// <summary>
/// timeline.csv writes its message cell piece by piece when no piece needs quoting; the cell must read as the
/// whole message made first and quoted by Cell, with and without commas, quotes and line breaks in the pieces.
/// </summary>
public sealed class TimelineMessageTests
{
    private static string Message(TimelineEntry t, Incident inc) => t.Kind == "alert"
        ? $"[{Verdict.Label(inc.Verdict.Kind)}] {t.Title} — {t.User} {(string.IsNullOrEmpty(t.Source) ? "" : "from " + t.Source + " ")}to {t.Host}"
        : $"[{t.Kind}] {t.Title}{(t.Host is null ? "" : " on " + t.Host)}{(t.User is null ? "" : " by " + t.User)}";

    [Fact]
    public void Message_cells_read_as_the_whole_message_quoted()
    {
        var t0 = new DateTime(2026, 10, 5, 9, 0, 0, DateTimeKind.Utc);
        var inc = new Incident { Id = "inc-1", Title = "t", Verdict = new Verdict { Kind = VerdictKind.Escalate } };
        var entries = new[]
        {
            new TimelineEntry { Kind = "alert", Title = "RDP logon", Host = "fs01", User = "alice", Source = "ws-01" },
            new TimelineEntry { Kind = "alert", Title = "no source", Host = "fs01", User = "alice", Source = "" },
            new TimelineEntry { Kind = "alert", Title = "many targets", Host = "fs01, fs02", User = "alice", Source = "ws-01, 10.0.0.1" },
            new TimelineEntry { Kind = "alert", Title = "Rule 'quoted' \"double\"", Host = "h", User = null, Source = null },
            new TimelineEntry { Kind = "failure", Title = "failed logon (4625)", Host = null, User = null },
            new TimelineEntry { Kind = "activity", Title = "process start: cmd.exe /c \"a,b\"", Host = "fs01", User = "bob" },
            new TimelineEntry { Kind = "activity", Title = "line\nbreak", Host = "fs01\r", User = "=SUM(A1)" },
            new TimelineEntry { Kind = "credential-access", Title = "x opened lsass.exe", Host = "dc01", User = "-cmd" },
        };
        for (int i = 0; i < entries.Length; i++)
            inc.Timeline.Add(new TimelineEntry
            {
                Time = t0.AddMinutes(i), Kind = entries[i].Kind, Title = entries[i].Title, Host = entries[i].Host, User = entries[i].User, Source = entries[i].Source,
            });
        var sw = new StringWriter();
        TimelineCsvWriter.Write(sw, [inc]);
        var text = sw.ToString();
        int at = text.IndexOf('\n') + 1; // after the header
        foreach (var t in inc.Timeline)
        {
            var expected = TimelineCsvWriter.Cell(Message(t, inc)) + ",";
            Assert.Equal(expected, text.Substring(at, expected.Length));
            at = text.IndexOf("+00:00", at, StringComparison.Ordinal);
            at = text.IndexOf('\n', at) + 1; // rows end at the first line break after the datetime (later cells here have none)
        }
    }
}
