using System.Globalization;
using System.Text;
using Hopwatch.Scoring;

namespace Hopwatch.Reporting;

/// <summary>
/// timeline.csv in Timesketch's CSV import format: the required message, datetime (ISO 8601 UTC)
/// and timestamp_desc columns, a microsecond timestamp, then Hopwatch's own fields. Cells that a
/// spreadsheet would run as a formula (=, +, @, - not followed by a digit) get a leading quote.
/// </summary>
public static class TimelineCsvWriter
{
    public static readonly string[] Columns =
    [
        "message", "datetime", "timestamp", "timestamp_desc", "incident_id", "verdict", "risk_score", "entry_kind",
        "severity", "techniques", "host", "user", "source", "alert_id", "file", "record_id", "incident_title",
    ];

    public static void Write(TextWriter w, IEnumerable<Incident> incidents)
    {
        w.Write(string.Join(",", Columns));
        w.Write('\n');
        var rows = new List<Row>();
        foreach (var i in incidents)
            foreach (var entry in i.Timeline) rows.Add(new Row(i, entry));
        StableSort.Sort(rows, static (x, y) =>
        {
            int c = x.Entry.Time.CompareTo(y.Entry.Time);
            return c != 0 ? c : string.CompareOrdinal(x.Incident.Id, y.Incident.Id);
        });
        foreach (var (inc, t) in rows)
        {
            var utc = DateTime.SpecifyKind(t.Time, DateTimeKind.Utc);
            long micros = (utc - DateTime.UnixEpoch).Ticks / 10;
            string message = t.Kind switch
            {
                "alert" => $"[{Verdict.Label(inc.Verdict.Kind)}] {t.Title} — {t.User} {(string.IsNullOrEmpty(t.Source) ? "" : "from " + t.Source + " ")}to {t.Host}",
                _ => $"[{t.Kind}] {t.Title}{(t.Host is null ? "" : " on " + t.Host)}{(t.User is null ? "" : " by " + t.User)}",
            };
            string desc = t.Kind switch
            {
                "alert" => "Hopwatch alert",
                "failure" => "Failed logon",
                "activity" => "Activity after logon",
                "credential-access" => "Credential access",
                _ => "Hopwatch " + t.Kind,
            };
            WriteRow(w,
            [
                message, utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'", CultureInfo.InvariantCulture), micros.ToString(CultureInfo.InvariantCulture), desc,
                inc.Id, Verdict.Label(inc.Verdict.Kind), inc.RiskScore.ToString(CultureInfo.InvariantCulture), t.Kind,
                t.Severity, string.Join(";", t.Techniques), t.Host, t.User, t.Source, t.AlertId, t.File,
                t.RecordId?.ToString(CultureInfo.InvariantCulture), inc.Title,
            ]);
        }
    }

    public static void Write(string path, IEnumerable<Incident> incidents)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(w, incidents);
    }

    /// <summary>One timeline entry with its incident (a class: see <see cref="StableSort"/> on why not a tuple).</summary>
    private sealed record Row(Incident Incident, TimelineEntry Entry);

    private static void WriteRow(TextWriter w, string?[] cells)
    {
        for (int i = 0; i < cells.Length; i++)
        {
            if (i > 0) w.Write(',');
            w.Write(Cell(cells[i]));
        }
        w.Write('\n');
    }

    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var v = value;
        if (v[0] is '=' or '+' or '@' or '\t' or '\r' || (v[0] == '-' && (v.Length == 1 ? false : !char.IsDigit(v[1]))))
            v = "'" + v;
        bool quote = v.AsSpan().IndexOfAny(",\"\n\r") >= 0;
        if (!quote) return v;
        var sb = new StringBuilder(v.Length + 8).Append('"');
        foreach (var ch in v) { if (ch == '"') sb.Append('"'); sb.Append(ch); }
        return sb.Append('"').ToString();
    }
}
