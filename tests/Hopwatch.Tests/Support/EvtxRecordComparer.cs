using System.Globalization;
using Hopwatch.Events;

namespace Hopwatch.Tests.Support;

/// <summary>
/// Lists every disagreement between the records evtxexport printed for a file and the
/// <see cref="LogEvent"/>s Hopwatch read from it: records present on one side only, and per record
/// the header, the System fields and the EventData/UserData values. Values are compared exactly;
/// deciding which differences are acceptable is the caller's job (an explicit allowlist).
/// </summary>
public static class EvtxRecordComparer
{
    /// <summary>Hopwatch's names for System values (LogEvent.Fields); everything else is EventData/UserData.</summary>
    private static readonly string[] SystemNames =
    [
        "EventID", "Version", "Level", "Task", "Opcode", "Keywords", "TimeCreated", "EventRecordID",
        "Correlation_ActivityID", "Execution_ProcessID", "Execution_ThreadID", "Channel", "Computer",
        "Security_UserID", "Provider_Name", "Provider_Guid",
    ];

    private static readonly string[] SystemPrefixes = ["Provider_", "Correlation_", "Execution_", "Security_", "EventID_", "TimeCreated_"];

    public static bool IsSystemField(string name) =>
        Array.IndexOf(SystemNames, name) >= 0 || SystemPrefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));

    public static List<EvtxDifference> Compare(string file, IReadOnlyList<EvtxExportRecord> expected, IReadOnlyList<LogEvent> actual)
    {
        var diffs = new List<EvtxDifference>();
        var byId = new Dictionary<long, Queue<LogEvent>>();
        foreach (var e in actual)
        {
            long key = Key(e);
            if (!byId.TryGetValue(key, out var q)) byId[key] = q = new Queue<LogEvent>();
            q.Enqueue(e);
        }
        foreach (var x in expected)
        {
            if (!byId.TryGetValue(x.RecordId, out var q) || q.Count == 0)
            {
                // Recovered records are evtxexport's guesses at stale data; Hopwatch need not return them.
                if (!x.Recovered) diffs.Add(new EvtxDifference(file, EvtxDifferenceKind.MissingInHopwatch, x.RecordId));
                continue;
            }
            if (x.Recovered) diffs.Add(new EvtxDifference(file, EvtxDifferenceKind.RecoveredByEvtxexportOnly, x.RecordId));
            CompareRecord(file, x, q.Dequeue(), diffs);
        }
        foreach (var (id, q) in byId)
            foreach (var _ in q)
                diffs.Add(new EvtxDifference(file, EvtxDifferenceKind.ExtraInHopwatch, id));
        return diffs;
    }

    /// <summary>
    /// Records are paired on System/EventRecordID, the id evtxexport prints; LogEvent.RecordId is compared
    /// separately as "record_id" (the record header's number differs from it in re-exported logs).
    /// </summary>
    private static long Key(LogEvent e) =>
        long.TryParse(e.Fields.Get("EventRecordID"), NumberStyles.None, CultureInfo.InvariantCulture, out long id) ? id : e.RecordId;

    private static void CompareRecord(string file, EvtxExportRecord x, LogEvent e, List<EvtxDifference> diffs)
    {
        void Check(string field, string? expected, string? actual)
        {
            if (!string.Equals(expected, actual, StringComparison.Ordinal))
                diffs.Add(new EvtxDifference(file, EvtxDifferenceKind.FieldMismatch, x.RecordId, field, expected, actual));
        }

        // The typed header.
        Check("record_id", x.RecordId.ToString(CultureInfo.InvariantCulture), e.RecordId.ToString(CultureInfo.InvariantCulture));
        Check("event_id", x.EventId, e.EventId.ToString(CultureInfo.InvariantCulture));
        Check("channel", x.Channel ?? "", e.Channel);
        Check("provider", x.ProviderName ?? "", e.Provider);
        Check("computer", x.Computer ?? "", e.Computer);
        var t = x.TimeUtc;
        Check("time", t?.ToString("O", CultureInfo.InvariantCulture) ?? x.SystemTime,
            e.Time.Kind == DateTimeKind.Utc ? e.Time.ToString("O", CultureInfo.InvariantCulture) : "(not UTC) " + e.Time.ToString("O", CultureInfo.InvariantCulture));

        // The raw System fields, where evtxexport printed them.
        var f = e.Fields;
        void CheckField(string name, string? expected)
        {
            if (expected is not null) Check(name, expected, f.Get(name));
        }
        CheckField("EventID", x.EventId);
        CheckField("Version", x.Version);
        CheckField("Level", x.Level);
        CheckField("Task", x.Task);
        CheckField("Opcode", x.Opcode);
        CheckField("Keywords", x.Keywords);
        CheckField("Channel", x.Channel);
        CheckField("Computer", x.Computer);
        CheckField("Provider_Name", x.ProviderName);
        CheckField("Provider_Guid", x.ProviderGuid);
        CheckField("Correlation_ActivityID", x.ActivityId);
        CheckField("Execution_ProcessID", x.ProcessId);
        CheckField("Execution_ThreadID", x.ThreadId);
        CheckField("Security_UserID", x.UserId);
        CheckField("EventRecordID", x.RecordId.ToString(CultureInfo.InvariantCulture));

        // EventData / UserData values.
        // Only the first field of a System name is the System value: EventData/UserData may reuse the
        // names (Data Name="Version", UserData <EventID>, <Channel>).
        var data = new List<KeyValuePair<string, string?>>();
        var systemSeen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < f.Count; i++)
        {
            string name = f.NameAt(i);
            if (IsSystemField(name) && systemSeen.Add(name)) continue;
            data.Add(new(name, f.ValueAt(i)));
        }
        var used = new bool[data.Count];

        // Named Data: the k-th "Name" on one side against the k-th on the other (names can repeat).
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var unnamed = new List<EvtxExportDataItem>();
        foreach (var item in x.EventData)
        {
            if (item.Name is null)
            {
                unnamed.Add(item);
                continue;
            }
            int k = seen.TryGetValue(item.Name, out int n) ? n : 0;
            seen[item.Name] = k + 1;
            int idx = NthIndex(data, item.Name, k);
            if (idx >= 0) used[idx] = true;
            Check("EventData[" + item.Name + "]", item.Value, idx >= 0 ? data[idx].Value ?? "" : null);
        }
        // Unnamed <Data>: Hopwatch names them Data, Data_2, ...; compared as one list of values. A string array
        // substituted into one <Data> is printed by evtxexport as one element per item; Hopwatch may keep it as one
        // comma-joined value, so when the element counts differ the comma-joined texts are compared and the shape
        // difference is reported on its own ("EventData[Data] shape").
        var xUnnamed = unnamed.Where(u => u.Element == "Data").Select(u => u.Value).ToList();
        var hUnnamed = new List<int>();
        for (int i = 0; i < data.Count; i++)
            if (!used[i] && IsUnnamedDataName(data[i].Key)) hUnnamed.Add(i);
        if (xUnnamed.Count > 0 || hUnnamed.Count > 0)
        {
            var hValues = hUnnamed.Select(i => data[i].Value ?? "").ToList();
            foreach (int i in hUnnamed) used[i] = true;
            if (xUnnamed.Count == hValues.Count)
            {
                for (int i = 0; i < xUnnamed.Count; i++)
                    Check("EventData[" + data[hUnnamed[i]].Key + "]", xUnnamed[i], hValues[i]);
            }
            else
            {
                Check("EventData[Data] shape", xUnnamed.Count + " element(s)", hValues.Count + " field(s)");
                Check("EventData[Data*] joined", string.Join(",", xUnnamed), string.Join(",", hValues));
            }
        }
        // Other unnamed elements (<Binary>): matched by element name, in order.
        foreach (var item in unnamed.Where(u => u.Element != "Data"))
        {
            int idx = -1;
            for (int i = 0; i < data.Count && idx < 0; i++)
                if (!used[i] && string.Equals(data[i].Key, item.Element, StringComparison.Ordinal)) idx = i;
            if (idx >= 0) used[idx] = true;
            Check("EventData[" + item.Element + "]", item.Value, idx >= 0 ? data[idx].Value ?? "" : null);
        }
        if (!x.HasUserData)
        {
            for (int i = 0; i < data.Count; i++)
                if (!used[i])
                    Check("EventData[" + data[i].Key + "]", null, data[i].Value ?? "");
        }
        else
        {
            // UserData leaves: each leaf evtxexport printed must be among Hopwatch's fields under its element name.
            var leafSeen = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var (name, value) in x.UserDataLeaves)
            {
                int k = leafSeen.TryGetValue(name, out int n) ? n : 0;
                leafSeen[name] = k + 1;
                int idx = NthIndex(data, name, k);
                Check("UserData[" + name + "]", value, idx >= 0 ? data[idx].Value ?? "" : null);
            }
        }
    }

    private static bool IsUnnamedDataName(string name) =>
        name == "Data" || (name.StartsWith("Data_", StringComparison.Ordinal) && name.Length > 5 && name.AsSpan(5).IndexOfAnyExceptInRange('0', '9') < 0);

    private static int NthIndex(List<KeyValuePair<string, string?>> data, string name, int n)
    {
        for (int i = 0; i < data.Count; i++)
            if (string.Equals(data[i].Key, name, StringComparison.Ordinal) && n-- == 0) return i;
        return -1;
    }
}
