using Hopwatch.Events;
using Hopwatch.Pipeline;

namespace Hopwatch.Analytics;

/// <summary>
/// All stateful analytics behind one <see cref="IDetector"/>: shared state (host identity, logon
/// sessions, Kerberos history, account activity) is updated once per event, then every analytic sees
/// the event with that shared scope. Bursts close and state expires as event time advances.
/// </summary>
public sealed class AnalyticsDetector : IDetector
{
    // Bursts close themselves when touched after going quiet, so Advance only needs to run often
    // enough to emit promptly and bound memory; every few minutes of event time is plenty.
    private static readonly TimeSpan AdvanceEvery = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ExpireEvery = TimeSpan.FromHours(1);
    private readonly AnalyticsContext _ctx;
    private readonly List<Analytic> _analytics;
    private readonly EventScope _scope = new();
    private readonly TimeSpan _tolerance;
    private DateTime _maxTime = DateTime.MinValue, _nextAdvance = DateTime.MinValue, _nextExpire = DateTime.MinValue;
    private long _events;

    internal AnalyticsDetector(AnalyticsContext ctx, List<Analytic> analytics)
    {
        _ctx = ctx;
        _analytics = analytics;
        _tolerance = TimeSpan.FromSeconds(ctx.Config.State.ReorderToleranceSeconds);
    }

    public string Name => "analytics";
    public long EventCount => _events;
    public IReadOnlyList<Analytic> Analytics => _analytics;

    /// <summary>Entries held in all state tables (sessions, identities, bursts, ...).</summary>
    public long StateSize => _ctx.Sessions.Count + _ctx.Identity.Count + _ctx.Kerberos.Count + _ctx.Activity.Count + _analytics.Sum(a => (long)a.StateSize);

    public void Process(LogEvent e, Action<Alert> emit)
    {
        _ctx.Sink = emit;
        _events++;
        var t = e.Time;
        if (t > _maxTime) _maxTime = t;
        if (t < _ctx.FirstEventTime) _ctx.FirstEventTime = t;

        var host = EventView.Host(e);
        _ctx.Identity.Observe(e, host);
        _ctx.Kerberos.Observe(e);
        var session = _ctx.Sessions.Observe(e, host, _ctx.Identity);
        if (session is null && e.LogonId is not null && e.Kind != EventKind.Logon) session = _ctx.Sessions.Find(host, e.LogonId);
        var access = RemoteAccess.From(e, host, _ctx.Identity);
        if (access is not null) _ctx.Activity.Saw(host, access.User, t);
        else if (e.Kind is EventKind.ExplicitCredentials or EventKind.ProcessStart or EventKind.Logon) _ctx.Activity.Saw(host, EventView.User(e), t);

        // Close what ended before this event first, so a jump in time does not glue the event onto
        // a burst that went quiet long ago.
        var watermark = _maxTime - _tolerance;
        if (watermark >= _nextAdvance)
        {
            _ctx.Watermark = watermark;
            foreach (var a in _analytics) a.Advance(watermark);
            _nextAdvance = watermark + AdvanceEvery;
            if (watermark >= _nextExpire)
            {
                var cut = watermark - TimeSpan.FromHours(_ctx.Config.State.SessionIdleHours);
                _ctx.Sessions.Expire(watermark);
                _ctx.Identity.Expire(watermark - TimeSpan.FromDays(7));
                _ctx.Kerberos.Expire(watermark - TimeSpan.FromHours(Math.Max(_ctx.Config.PassTheHash.KerberosLookbackHours, 24)));
                _ctx.Activity.Expire(cut);
                _nextExpire = watermark + ExpireEvery;
            }
        }

        _scope.Host = host;
        _scope.Session = session;
        _scope.Access = access;
        foreach (var a in _analytics) a.Observe(e, _scope);
        _ctx.Sink = null;
    }

    public void Complete(Action<Alert> emit)
    {
        _ctx.Sink = emit;
        foreach (var a in _analytics) a.Complete();
        _ctx.Sink = null;
    }
}
