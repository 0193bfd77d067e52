using Hopwatch.Events;

namespace Hopwatch.Pipeline;

/// <summary>
/// One detection stage (the Sigma engine, or one of Hopwatch's stateful analytics). The hunt feeds
/// it normalised events roughly in time order and collects what it emits.
/// </summary>
public interface IDetector
{
    /// <summary>Short name used in logs and progress ("sigma", "rdp-chain", ...).</summary>
    string Name { get; }

    /// <summary>Looks at one event; may emit any number of alerts.</summary>
    void Process(LogEvent e, Action<Alert> emit);

    /// <summary>End of input: emit whatever is still pending (open windows, correlations).</summary>
    void Complete(Action<Alert> emit);

    /// <summary>
    /// The events this detector can use, judged from the header (null: any event). A hunt reads only the
    /// events some detector wants, so this must never leave out an event <see cref="Process"/> would act on.
    /// </summary>
    EventInterest? Interest => null;
}
