using System.Text;
using System.Text.Json;
using Hopwatch.Scoring;

namespace Hopwatch.Reporting;

/// <summary>Writes incidents as JSON lines (incidents.jsonl, docs/incident.schema.json), highest risk first.</summary>
public static class IncidentJsonWriter
{
    public static void Write(TextWriter w, IEnumerable<Incident> incidents)
    {
        foreach (var inc in incidents)
        {
            w.Write(JsonSerializer.Serialize(inc, AlertJsonWriter.Options));
            w.Write('\n');
        }
    }

    public static void Write(string path, IEnumerable<Incident> incidents)
    {
        using var w = new StreamWriter(path, false, new UTF8Encoding(false));
        Write(w, incidents);
    }
}
