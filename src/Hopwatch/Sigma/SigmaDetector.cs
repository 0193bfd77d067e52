using System.Globalization;
using System.Text;
using Hopwatch.Events;
using Hopwatch.Pipeline;

namespace Hopwatch.Sigma;

/// <summary>
/// Runs a <see cref="SigmaRuleSet"/> over events: one alert per event a detection rule matches, one
/// per correlation hit. Not thread-safe (one detector per thread; <see cref="Prematch"/> spreads the matching
/// itself over threads); the rule set may be shared.
/// </summary>
public sealed class SigmaDetector : IDetector, IPrematchingDetector
{
    private const int MaxValueInDescription = 160;

    private readonly SigmaRuleSet _set;
    private readonly SigmaEventMatcher _matcher;
    private readonly SigmaCorrelationState[] _states;
    private readonly List<SigmaCorrelationHit> _hits = new();
    private readonly List<SigmaCompiledVariant> _matches = new();
    // Matches worked out ahead by Prematch, for the events it was given, in that order.
    private IReadOnlyList<LogEvent>? _preEvents;
    private SigmaCompiledVariant[]?[]? _preMatches;
    private int _preNext;
    private long _preEvaluations, _preRegexTimeouts;

    public SigmaDetector(SigmaRuleSet set)
    {
        _set = set;
        _matcher = new SigmaEventMatcher(set);
        _states = new SigmaCorrelationState[set.AllRules.Count];
        _ruleTexts = new RuleTexts?[set.AllRules.Count];
        foreach (var c in set.Correlations) _states[c.Index] = new SigmaCorrelationState(c);
    }

    public string Name => "sigma";

    /// <summary>Events of a channel/EventID some rule is indexed under (what <see cref="SigmaEventMatcher.Match"/> would test at all).</summary>
    public EventInterest? Interest => new(e => SigmaEventMatcher.CandidatesFor(_set, e).Variants.Length > 0);

    /// <summary>Events looked at, and rule evaluations done (for benchmarks and tests of the index).</summary>
    public long EventCount { get; private set; }
    public long Evaluations => _matcher.Evaluations + _preEvaluations;
    public long RegexTimeouts => _matcher.RegexTimeouts + _preRegexTimeouts;

    /// <summary>
    /// Matches a batch of events on several threads ahead of <see cref="Process"/>, which must then be given
    /// the same events in the same order (any other event is matched as usual). Alerts and correlations still
    /// come from <see cref="Process"/>, in event order, so the output is the same as without this.
    /// </summary>
    public void Prematch(IReadOnlyList<LogEvent> events, int threads, CancellationToken ct = default)
    {
        const int Chunk = 256;
        if (threads < 2 || events.Count < 4 * Chunk || _matcher.ProfileTicks is not null) return;
        var results = new SigmaCompiledVariant[]?[events.Count];
        int next = 0;
        long evaluations = 0, timeouts = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = ct }, _ =>
        {
            var matcher = new SigmaEventMatcher(_set);
            var hits = new List<SigmaCompiledVariant>();
            int start;
            while ((start = Interlocked.Add(ref next, Chunk) - Chunk) < events.Count)
            {
                ct.ThrowIfCancellationRequested();
                for (int i = start; i < Math.Min(start + Chunk, events.Count); i++)
                {
                    hits.Clear();
                    matcher.Match(events[i], hits);
                    if (hits.Count > 0) results[i] = hits.ToArray();
                }
            }
            Interlocked.Add(ref evaluations, matcher.Evaluations);
            Interlocked.Add(ref timeouts, matcher.RegexTimeouts);
        });
        _preEvents = events;
        _preMatches = results;
        _preNext = 0;
        _preEvaluations += evaluations;
        _preRegexTimeouts += timeouts;
    }

    public void Process(LogEvent e, Action<Alert> emit)
    {
        EventCount++;
        IReadOnlyList<SigmaCompiledVariant> matches;
        if (_preEvents is not null && _preNext < _preEvents.Count && ReferenceEquals(_preEvents[_preNext], e))
        {
            matches = _preMatches![_preNext] ?? [];
            _preMatches[_preNext++] = null;
            if (_preNext == _preEvents.Count) { _preEvents = null; _preMatches = null; }
        }
        else
        {
            _matches.Clear();
            _matcher.Match(e, _matches);
            matches = _matches;
        }
        foreach (var v in matches)
        {
            if (_set.Emits[v.RuleIndex]) emit(RuleAlert(v.Rule, v.RuleIndex, e));
            if (_set.Consumers[v.RuleIndex].Count > 0)
                Feed(new SigmaMatch { SourceIndex = v.RuleIndex, Time = e.Time, Events = [e] }, emit);
        }
    }

    /// <summary>Per-rule cost in Stopwatch ticks by rule index, when profiling (`hopwatch rules scan --profile`).</summary>
    private long[]? ProfileTicks => _matcher.ProfileTicks;

    /// <summary>Starts timing every rule test (costs a little per test; for finding slow rules).</summary>
    public void EnableProfiling() => _matcher.ProfileTicks ??= new long[_set.AllRules.Count];

    /// <summary>Time spent testing each rule since profiling was enabled, slowest first.</summary>
    public IEnumerable<(SigmaRule Rule, TimeSpan Time)> Profile() =>
        ProfileTicks is not { } ticks ? []
            : Enumerable.Range(0, ticks.Length).OrderByDescending(i => ticks[i])
                .Select(i => (_set.AllRules[i], TimeSpan.FromSeconds(ticks[i] / (double)System.Diagnostics.Stopwatch.Frequency)));

    public void Complete(Action<Alert> emit)
    {
        // Close inner correlations first so their hits reach the chained ones before those close.
        foreach (var c in OrderedForCompletion())
        {
            _hits.Clear();
            _states[c.Index].Complete(_hits);
            foreach (var h in _hits.ToList()) OnHit(h, emit);
        }
    }

    /// <summary>Correlations ordered so that each comes after everything it consumes.</summary>
    private IEnumerable<SigmaCompiledCorrelation> OrderedForCompletion()
    {
        // Arrays by rule index rather than a dictionary: its int-keyed instantiation would be compiled at run time.
        var byIndex = new SigmaCompiledCorrelation?[_set.AllRules.Count];
        foreach (var c in _set.Correlations) byIndex[c.Index] = c;
        var done = new bool[byIndex.Length];
        var order = new List<SigmaCompiledCorrelation>();
        void Visit(SigmaCompiledCorrelation c)
        {
            if (done[c.Index]) return;
            done[c.Index] = true;
            foreach (var s in c.Sources) if (byIndex[s] is { } inner) Visit(inner);
            order.Add(c);
        }
        foreach (var c in _set.Correlations) Visit(c);
        return order;
    }

    private void Feed(SigmaMatch m, Action<Alert> emit)
    {
        foreach (var c in _set.Consumers[m.SourceIndex])
        {
            var hits = new List<SigmaCorrelationHit>();
            _states[c.Index].Add(m, hits);
            foreach (var h in hits) OnHit(h, emit);
        }
    }

    private void OnHit(SigmaCorrelationHit h, Action<Alert> emit)
    {
        int index = h.Correlation.Index;
        if (_set.Emits[index]) emit(CorrelationAlert(h));
        if (_set.Consumers[index].Count > 0)
            Feed(new SigmaMatch { SourceIndex = index, Time = h.TimeLast, Events = h.Events, GroupValues = h.GroupValues }, emit);
    }

    private Alert RuleAlert(SigmaRule rule, int index, LogEvent e)
    {
        var evidence = AlertEvidence.From(e);
        var alert = new Alert
        {
            Analytic = "sigma",
            RuleId = rule.Id,
            Title = rule.Title,
            Severity = rule.Severity,
            Techniques = new List<string>(rule.Techniques),
            TimeFirst = e.Time,
            TimeLast = e.Time,
            Evidence = [evidence],
        };
        alert.Entities.AddFrom(e);
        alert.Id = AlertIds.For("sigma", rule.Id, evidence);

        // One builder for every alert, and the parts that depend on the rule only made once per rule: a hunt
        // raises thousands of alerts from a few hundred rules.
        var texts = _ruleTexts[index] ??= new RuleTexts(rule);
        var sb = _description.Clear();
        sb.Append(texts.Head).Append(string.IsNullOrEmpty(e.Channel) ? "event" : e.Channel).Append(' ').Append(e.EventId)
          .Append(" on ").Append(string.IsNullOrEmpty(e.Computer) ? "unknown host" : e.Computer).Append(" at ");
        Span<char> time = stackalloc char[32];
        if (!e.Time.TryFormat(time, out int timeLength, "yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            throw new InvalidOperationException("a time did not fit its fixed-size format"); // cannot happen: 20 characters
        sb.Append(time[..timeLength]);
        var keyFields = _set.KeyFieldsOf(index);
        var details = new Dictionary<string, object?>(Math.Min(keyFields.Length, 4) + 2); // sized once: no regrowth
        int shown = 0;
        foreach (var f in keyFields)
        {
            if (!e.Fields.TryGet(f, out var value) || string.IsNullOrEmpty(value)) continue;
            sb.Append(shown == 0 ? ": " : "; ").Append(f).Append('=');
            if (value.Length <= MaxValueInDescription) sb.Append(value);
            else sb.Append(value, 0, MaxValueInDescription).Append('…');
            details[f] = value;
            if (++shown == 4) break;
        }
        sb.Append('.').Append(texts.Tail);
        alert.Description = sb.ToString();
        details["sigma_level"] = rule.Level ?? "medium";
        if (rule.Tags.Count > 0) details["sigma_tags"] = rule.Tags;
        alert.Details = details;
        return alert;
    }

    private readonly StringBuilder _description = new(1024);
    private readonly RuleTexts?[] _ruleTexts;

    /// <summary>The parts of a rule alert's description that come from the rule alone.</summary>
    private sealed class RuleTexts(SigmaRule rule)
    {
        /// <summary>"Sigma rule 'TITLE' (ID, LEVEL) matched ".</summary>
        public readonly string Head = "Sigma rule '" + rule.Title + "' (" + rule.Id + ", " + (rule.Level ?? "medium") + ") matched ";
        /// <summary>" DESCRIPTION" (shortened), or nothing.</summary>
        public readonly string Tail = string.IsNullOrEmpty(rule.Description) ? "" : " " + Shorten(rule.Description.Trim());
    }

    private Alert CorrelationAlert(SigmaCorrelationHit h)
    {
        var rule = h.Correlation.Rule;
        var spec = h.Correlation.Spec;
        var alert = new Alert
        {
            Analytic = "sigma",
            RuleId = rule.Id,
            Title = rule.Title,
            Severity = rule.Severity,
            Techniques = rule.Techniques.ToList(),
            TimeFirst = h.TimeFirst,
            TimeLast = h.TimeLast,
            Evidence = h.Events.Select(AlertEvidence.From).ToList(),
        };
        foreach (var e in h.Events) alert.Entities.AddFrom(e);
        alert.Id = AlertIds.For("sigma", rule.Id, alert.Evidence);
        string type = SigmaCorrelation.TypeName(spec.Type);
        string group = h.GroupValues.Count == 0 ? "" : " for " + string.Join(", ", h.GroupValues.Select(p => p.Key + "=" + Shorten(p.Value)));
        string measured = spec.Type switch
        {
            SigmaCorrelationType.EventCount => $"{h.Value:0} events",
            SigmaCorrelationType.ValueCount => $"{h.Value:0} distinct {spec.Field} values",
            SigmaCorrelationType.ValueSum => $"sum of {spec.Field} = {h.Value.ToString("0.##", CultureInfo.InvariantCulture)}",
            SigmaCorrelationType.ValueAvg => $"average {spec.Field} = {h.Value.ToString("0.##", CultureInfo.InvariantCulture)}",
            SigmaCorrelationType.ValuePercentile => $"{spec.Field}={Shorten(h.ForValue ?? "")} in {h.Value.ToString("0.##", CultureInfo.InvariantCulture)}% of events",
            SigmaCorrelationType.TemporalOrdered => $"rules {string.Join(" → ", spec.Rules)} in order",
            _ => $"{h.Value:0} of rules {string.Join(", ", spec.Rules)}",
        };
        alert.Description = $"Sigma correlation '{rule.Title}' ({rule.Id}, {type}, {rule.Level ?? "medium"}): {measured} within {spec.Timespan}{group}, " +
                            $"{h.TimeFirst:yyyy-MM-dd HH:mm:ss}Z to {h.TimeLast:yyyy-MM-dd HH:mm:ss}Z ({h.EventTotal} events).";
        alert.Details = new Dictionary<string, object?>
        {
            ["correlation_type"] = type,
            ["group"] = h.GroupValues,
            ["value"] = h.Value,
            ["event_total"] = h.EventTotal,
            ["timespan_seconds"] = spec.Timespan.TotalSeconds,
        };
        return alert;
    }

    private static string Shorten(string s) => s.Length <= MaxValueInDescription ? s : s[..MaxValueInDescription] + "…";
}
