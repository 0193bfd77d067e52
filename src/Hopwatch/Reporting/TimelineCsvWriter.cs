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
        // Outside the loop: a stackalloc inside it takes new stack on every row until the method returns (a hunt with
        // some hundred thousand timeline rows would overflow the stack).
        Span<char> text = stackalloc char[40];
        foreach (var (inc, t) in rows)
        {
            var utc = DateTime.SpecifyKind(t.Time, DateTimeKind.Utc);
            long micros = (utc - DateTime.UnixEpoch).Ticks / 10;
            string verdict = Verdict.Label(inc.Verdict.Kind);
            string desc = t.Kind switch
            {
                "alert" => "Hopwatch alert",
                "failure" => "Failed logon",
                "activity" => "Activity after logon",
                "credential-access" => "Credential access",
                _ => "Hopwatch " + t.Kind,
            };
            // Cell by cell straight into the writer: no array of cells and no string per number or date per row.
            WriteMessage(w, t, verdict); w.Write(',');
            WriteIsoMicroseconds(w, text, utc); w.Write(',');
            WriteFormatted(w, text, micros, null); w.Write(',');
            WriteCell(w, desc); w.Write(',');
            WriteCell(w, inc.Id); w.Write(',');
            WriteCell(w, Verdict.Label(inc.Verdict.Kind)); w.Write(',');
            WriteFormatted(w, text, inc.RiskScore, null); w.Write(',');
            WriteCell(w, t.Kind); w.Write(',');
            WriteCell(w, t.Severity); w.Write(',');
            WriteCell(w, t.Techniques.Count switch { 0 => "", 1 => t.Techniques[0], _ => string.Join(";", t.Techniques) }); w.Write(',');
            WriteCell(w, t.Host); w.Write(',');
            WriteCell(w, t.User); w.Write(',');
            WriteCell(w, t.Source); w.Write(',');
            WriteCell(w, t.AlertId); w.Write(',');
            WriteCell(w, t.File); w.Write(',');
            if (t.RecordId is { } record) WriteFormatted(w, text, record, null);
            w.Write(',');
            WriteCell(w, inc.Title);
            w.Write('\n');
        }
    }

    /// <summary>
    /// The message cell: "[VERDICT] TITLE — USER from SOURCE to HOST" for alerts, "[KIND] TITLE on HOST by USER" for
    /// the rest, built in a builder reused row after row and written from it (no string per row) unless it needs
    /// quoting. It starts with '[', so it never needs the formula guard.
    /// </summary>
    private static void WriteMessage(TextWriter w, TimelineEntry t, string verdict)
    {
        var m = (t_message ??= new StringBuilder(256)).Clear();
        if (t.Kind == "alert")
        {
            m.Append('[').Append(verdict).Append("] ").Append(t.Title).Append(" — ").Append(t.User).Append(' ');
            if (!string.IsNullOrEmpty(t.Source)) m.Append("from ").Append(t.Source).Append(' ');
            m.Append("to ").Append(t.Host);
        }
        else
        {
            m.Append('[').Append(t.Kind).Append("] ").Append(t.Title);
            if (t.Host is not null) m.Append(" on ").Append(t.Host);
            if (t.User is not null) m.Append(" by ").Append(t.User);
        }
        foreach (var chunk in m.GetChunks())
            if (chunk.Span.IndexOfAny(",\"\n\r") >= 0)
            {
                w.Write(Cell(m.ToString()));
                return;
            }
        w.Write(m);
    }

    [ThreadStatic] private static StringBuilder? t_message;

    /// <summary>
    /// "yyyy-MM-ddTHH:mm:ss.ffffff+00:00": the round-trip format of a UTC time ("yyyy-MM-ddTHH:mm:ss.fffffffZ", fast: no
    /// pattern to interpret) with its seventh fraction digit dropped (fraction digits are cut, not rounded, in both).
    /// </summary>
    private static void WriteIsoMicroseconds(TextWriter w, Span<char> text, DateTime utc)
    {
        if (!utc.TryFormat(text, out int n, "O", CultureInfo.InvariantCulture) || n != 28)
            throw new InvalidOperationException("a UTC time did not take its 28 characters");
        "+00:00".CopyTo(text[26..]);
        w.Write(text[..32]);
    }

    /// <summary>A number or date cell: formatted into <paramref name="text"/> (it never needs quoting or a formula guard, see <see cref="Cell"/>).</summary>
    private static void WriteFormatted<T>(TextWriter w, Span<char> text, T value, string? format) where T : ISpanFormattable
    {
        if (!value.TryFormat(text, out int n, format, CultureInfo.InvariantCulture))
            throw new InvalidOperationException("a number or date did not fit 40 characters");
        WriteCell(w, text[..n]);
    }

    public static void Write(string path, IEnumerable<Incident> incidents)
    {
        using var w = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1), new UTF8Encoding(false), 1 << 16);
        Write(w, incidents);
    }

    /// <summary>One timeline entry with its incident (a class: see <see cref="StableSort"/> on why not a tuple).</summary>
    private sealed record Row(Incident Incident, TimelineEntry Entry);

    /// <summary>Writes <see cref="Cell"/>(<paramref name="value"/>) without making the string when the value needs no change (nearly always).</summary>
    private static void WriteCell(TextWriter w, ReadOnlySpan<char> value)
    {
        if (value.IsEmpty) return;
        if (NeedsGuard(value) || value.IndexOfAny(",\"\n\r") >= 0) w.Write(Cell(value.ToString()));
        else w.Write(value);
    }

    private static void WriteCell(TextWriter w, string? value) => WriteCell(w, value.AsSpan());

    /// <summary>Whether a spreadsheet could run the cell as a formula (it then gets a leading quote).</summary>
    private static bool NeedsGuard(ReadOnlySpan<char> v) =>
        v[0] is '=' or '+' or '@' or '\t' or '\r' || (v[0] == '-' && (v.Length == 1 ? false : !char.IsDigit(v[1])));

    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value)) return "";
        var v = value;
        if (NeedsGuard(v))
            v = "'" + v;
        bool quote = v.AsSpan().IndexOfAny(",\"\n\r") >= 0;
        if (!quote) return v;
        var sb = new StringBuilder(v.Length + 8).Append('"');
        foreach (var ch in v) { if (ch == '"') sb.Append('"'); sb.Append(ch); }
        return sb.Append('"').ToString();
    }
}
