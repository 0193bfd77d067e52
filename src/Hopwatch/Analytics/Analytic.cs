using Hopwatch.Events;

namespace Hopwatch.Analytics;

/// <summary>What the suite already worked out about the current event, shared by all analytics.</summary>
public sealed class EventScope
{
    /// <summary>Short name of the host that logged the event.</summary>
    public string? Host { get; internal set; }
    /// <summary>The logon session the event belongs to (by host + logon id), if known.</summary>
    public LogonSession? Session { get; internal set; }
    /// <summary>The event as a successful remote access into <see cref="Host"/>, if it is one.</summary>
    public RemoteAccess? Access { get; internal set; }
}

/// <summary>
/// One stateful analytic. It sees every event once (with the shared scope), keeps bounded state,
/// and emits drafts through <see cref="AnalyticsContext.Emit"/> — usually when a burst closes.
/// </summary>
public abstract class Analytic(AnalyticsContext ctx)
{
    protected AnalyticsContext Ctx { get; } = ctx;
    protected AnalyticsConfig Config => Ctx.Config;

    public abstract string Name { get; }

    public abstract void Observe(LogEvent e, EventScope scope);

    /// <summary>Event time has reached <paramref name="watermark"/>: close bursts that ended and drop stale state.</summary>
    public virtual void Advance(DateTime watermark) { }

    /// <summary>End of input: emit everything pending.</summary>
    public virtual void Complete() => Advance(DateTime.MaxValue);

    /// <summary>Entries held in state (for memory accounting and tests).</summary>
    public virtual int StateSize => 0;
}
