using System.Text;
using Hopwatch.Events;
using Hopwatch.Reading.Text;

namespace Hopwatch.Reading;

/// <summary>
/// CSV exports (Defender Advanced Hunting, Sentinel query results): RFC 4180 quoting, quoted fields
/// may span lines, the first row names the columns. Each row goes through the same layout
/// detection and mapping as a JSON object with those keys.
/// </summary>
internal static class CsvEventReader
{
    private const int MaxFieldChars = 16 << 20;

    public static IEnumerable<LogEvent> Read(Stream stream, string file, SourceFormat? forced, ReadDiagnostics diag, CancellationToken ct)
    {
        var names = new FieldNameCache();
        var mapper = new RecordMapper(names);
        using var text = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16, leaveOpen: true);
        var parser = new CsvRowParser(text);
        var header = parser.ReadRow();
        if (header is null) yield break;
        char delimiter = parser.Delimiter;
        var columns = header.Select(h => names.Get(h.Trim())).ToArray();
        SourceFormat? shape = forced;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            long line = parser.Line + 1;
            List<string>? row;
            try
            {
                row = parser.ReadRow();
            }
            catch (FormatException ex)
            {
                diag.Warn(file, $"line {line}", ex.Message);
                continue;
            }
            if (row is null) yield break;
            if (row.Count == 1 && row[0].Length == 0) continue; // blank line
            if (row.Count != columns.Length)
                diag.Warn(file, $"line {line}", $"row has {row.Count} fields, header has {columns.Length} ('{delimiter}'-separated); read what matches");
            var f = new EventFields(columns.Length + 16);
            for (int i = 0; i < Math.Min(row.Count, columns.Length); i++)
                f.Add(columns[i], row[i].Length == 0 ? null : row[i]);
            if (shape is null)
            {
                shape = RecordShape.Classify(f, out var why);
                if (shape is null) { diag.Unrecognised(file, "CSV columns are not a known event table: " + why); yield break; }
            }
            var e = mapper.Map(f, shape.Value, file, line, out var problem);
            if (e is null) { diag.Warn(file, $"line {line}", problem!); continue; }
            yield return e;
        }
    }

    /// <summary>Header test for sniffing: a delimited first line naming event columns we map.</summary>
    internal static bool LooksLikeEventCsv(string firstLine)
    {
        char d = PickDelimiter(firstLine);
        if (d == '\0') return false;
        var cols = firstLine.Split(d).Select(c => c.Trim().Trim('"')).ToHashSet(StringComparer.OrdinalIgnoreCase);
        bool time = cols.Contains("Timestamp") || cols.Contains("TimeGenerated") || cols.Contains("TimeCreated") || cols.Contains("@timestamp");
        bool ev = cols.Contains("DeviceName") || cols.Contains("EventID") || cols.Contains("Computer") || cols.Contains("ActionType");
        return time && ev;
    }

    internal static char PickDelimiter(string line)
    {
        int c = line.Count(ch => ch == ','), t = line.Count(ch => ch == '\t'), s = line.Count(ch => ch == ';');
        if (c == 0 && t == 0 && s == 0) return '\0';
        return c >= t && c >= s ? ',' : t >= s ? '\t' : ';';
    }

    /// <summary>RFC 4180 row reader over a TextReader.</summary>
    private sealed class CsvRowParser(TextReader text)
    {
        private readonly StringBuilder _field = new();
        public char Delimiter { get; private set; }
        public long Line { get; private set; }

        public List<string>? ReadRow()
        {
            if (Delimiter == '\0')
            {
                // Decide from the header line, then parse it like any row.
                var first = text.ReadLine();
                if (first is null) return null;
                Line++;
                if (first.Length > 0 && first[0] == '\uFEFF') first = first[1..];
                Delimiter = PickDelimiter(first) is var d && d != '\0' ? d : ',';
                return ParseRow(new StringReader(first + "\n"), countLines: false);
            }
            return ParseRow(text, countLines: true);
        }

        private List<string>? ParseRow(TextReader r, bool countLines)
        {
            int c = r.Read();
            if (c < 0) return null;
            var row = new List<string>();
            _field.Clear();
            bool quoted = false, wasQuoted = false;
            while (true)
            {
                if (c < 0)
                {
                    if (quoted) { row.Add(_field.ToString()); throw new FormatException("quoted field not closed before end of input"); }
                    row.Add(_field.ToString());
                    if (countLines) Line++;
                    return row;
                }
                char ch = (char)c;
                if (quoted)
                {
                    if (ch == '"')
                    {
                        if (r.Peek() == '"') { _field.Append('"'); r.Read(); }
                        else quoted = false;
                    }
                    else
                    {
                        if (ch == '\n' && countLines) Line++;
                        if (_field.Length >= MaxFieldChars) throw new FormatException($"CSV field longer than {MaxFieldChars} characters");
                        _field.Append(ch);
                    }
                }
                else if (ch == '"' && _field.Length == 0 && !wasQuoted) { quoted = true; wasQuoted = true; }
                else if (ch == Delimiter) { row.Add(_field.ToString()); _field.Clear(); wasQuoted = false; }
                else if (ch == '\n')
                {
                    if (_field.Length > 0 && _field[^1] == '\r' && !wasQuoted) _field.Length--;
                    row.Add(_field.ToString());
                    if (countLines) Line++;
                    return row;
                }
                else if (ch == '\r' && wasQuoted) { /* CR after a closing quote */ }
                else _field.Append(ch);
                c = r.Read();
            }
        }
    }
}
