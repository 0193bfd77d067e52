using Hopwatch.Events;
using Hopwatch.Service.Spool;

namespace Hopwatch.Service.Parsing;

/// <summary>
/// Turns the lines of one spool record into normalised events. Must be deterministic: a record
/// replayed after a restart gives the same events, so the alerts get the same ids.
/// </summary>
public interface IEventParser
{
    string Name { get; }

    /// <summary>Parses the record's lines; bad lines are counted in <paramref name="diag"/>, not thrown.</summary>
    void Parse(SpoolRecord record, ReadDiagnostics diag, List<LogEvent> into);
}
