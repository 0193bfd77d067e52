namespace Hopwatch.Sigma;

/// <summary>
/// A loaded, compiled set of Sigma rules: what runs (<see cref="Rules"/>), what could not be read
/// (<see cref="Errors"/>, each naming file and line), and what was read but will not run
/// (<see cref="Skipped"/>, with the reason). Immutable once loaded; detectors built from it may run
/// on several threads at once.
/// </summary>
public sealed partial class SigmaRuleSet
{
    private readonly List<SigmaRule> _rules = new();
    private readonly List<SigmaRuleError> _errors = new();
    private readonly List<SigmaSkippedRule> _skipped = new();
    private readonly List<SigmaFilter> _filters = new();
    private readonly Dictionary<SigmaRule, List<SigmaLogSourceMapping>> _mappings = new();

    /// <summary>Runnable rules: detection rules and correlation rules (a correlation with a broken reference is in Errors instead).</summary>
    public IReadOnlyList<SigmaRule> Rules => _runnable ??= _rules.Where((_, i) => !_disabled.Contains(i)).ToList();
    private List<SigmaRule>? _runnable;
    /// <summary>Every rule by index, including disabled correlations (indices used by the detector).</summary>
    internal IReadOnlyList<SigmaRule> AllRules => _rules;
    public IReadOnlyList<SigmaRuleError> Errors => _errors;
    public IReadOnlyList<SigmaSkippedRule> Skipped => _skipped;
    public IReadOnlyList<SigmaFilter> Filters => _filters;
    public int FileCount { get; private set; }
    /// <summary>Files taken from the parsed-rule cache instead of parsed (<see cref="SigmaOptions.RuleCacheDirectory"/>).</summary>
    public int CachedFileCount { get; private set; }
    /// <summary>Wall time spent reading and parsing the YAML, and compiling the rules.</summary>
    public TimeSpan ParseTime { get; private set; }
    public TimeSpan CompileTime { get; private set; }
    public SigmaOptions Options { get; }
    public SigmaLogSourcePipeline Pipeline { get; }

    internal SigmaFieldTable FieldTable { get; } = new();
    internal SigmaRuleIndex Index { get; private set; } = new([], new SigmaPrefilter([]));
    internal SigmaPrefilter Prefilter { get; private set; } = new([]);
    internal List<SigmaCompiledVariant> Variants { get; } = new();
    internal List<SigmaCompiledCorrelation> Correlations { get; } = new();
    /// <summary>Per rule index: the correlations that consume its matches (empty when none).</summary>
    internal List<SigmaCompiledCorrelation>[] Consumers { get; private set; } = [];
    /// <summary>Per rule index: whether its own matches become alerts.</summary>
    internal bool[] Emits { get; private set; } = [];
    /// <summary>Per rule index: the fields named in its detection (to describe a hit), worked out on first use.</summary>
    private string[]?[] _keyFields = [];

    /// <summary>
    /// The fields named in rule <paramref name="ruleIndex"/>'s detection but EventID, to describe its hits. Worked out
    /// on its first hit: it needs the detection, which a rule from the parsed-rule cache reads only when first used.
    /// </summary>
    internal string[] KeyFieldsOf(int ruleIndex) =>
        // Detectors on several threads may ask at once: each works out the same array, any one of them is kept.
        _keyFields[ruleIndex] ??= KeyFields(_rules[ruleIndex].Detection);

    /// <summary>
    /// <see cref="SigmaDetection.FieldNames"/> but EventID, in order. Plain loops over the few fields of a detection: the
    /// LINQ chain (a set, four iterators) was ~0.5 % of the bench hunt, run for every rule that hits.
    /// </summary>
    private static string[] KeyFields(SigmaDetection? detection)
    {
        if (detection is null) return [];
        var fields = new List<string>();
        foreach (var search in detection.Searches)
            foreach (var alternative in search.Alternatives)
                foreach (var spec in alternative)
                {
                    if (spec.Field is not { } field || field.Equals("EventID", StringComparison.OrdinalIgnoreCase)) continue;
                    bool seen = false;
                    foreach (var f in fields) seen |= f.Equals(field, StringComparison.OrdinalIgnoreCase);
                    if (!seen) fields.Add(field);
                }
        return fields.ToArray();
    }

    private SigmaRuleSet(SigmaOptions options, SigmaLogSourcePipeline pipeline)
    {
        Options = options;
        Pipeline = pipeline;
    }

    /// <summary>Loads every *.yml / *.yaml under the given directories (recursively) and files.</summary>
    public static SigmaRuleSet Load(IReadOnlyList<string> ruleDirsOrFiles, SigmaOptions? options = null)
    {
        options ??= new SigmaOptions();
        // The whole set as an earlier load of exactly these rules and settings left it, when there is one (the rule files
        // are examined first: one changed while this load parses it then gives another key next time).
        var snapshot = options.RuleCacheDirectory is { } snapshotDir ? SigmaRuleSetSnapshot.For(snapshotDir, ruleDirsOrFiles, options) : null;
        options.OnLoadStep?.Invoke("rule files examined");
        if (snapshot?.TryLoad(options) is { } restored) return restored;
        SigmaLogSourcePipeline pipeline;
        var early = new List<SigmaRuleError>();
        var cache = options.RuleCacheDirectory is { } cacheDir ? SigmaParseCache.Open(cacheDir, ruleDirsOrFiles) : null;
        try
        {
            pipeline = options.PipelinePath is not null ? SigmaLogSourcePipeline.Load(options.PipelinePath)
                : cache is not null ? cache.BuiltInPipeline() : SigmaLogSourcePipeline.BuiltIn();
        }
        catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
        {
            early.Add(new SigmaRuleError(options.PipelinePath ?? "pipeline", 0, "log-source pipeline: " + e.Message));
            pipeline = SigmaLogSourcePipeline.BuiltIn();
        }
        var set = new SigmaRuleSet(options, pipeline);
        var listed = snapshot is not null ? new SigmaRuleFileSetDigest.Builder() : null; // the rule files' part of its key
        set._errors.AddRange(early);
        cache?.UsePipeline(pipeline);
        options.OnLoadStep?.Invoke("cache read, pipeline");

        var placeholders = SigmaPlaceholders.Empty;
        if (options.PlaceholderConfigPath is not null)
        {
            try { placeholders = SigmaPlaceholders.Load(options.PlaceholderConfigPath); }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
            {
                set._errors.Add(new SigmaRuleError(options.PlaceholderConfigPath, 0, "placeholder config: " + e.Message));
            }
        }

        var parsedRules = new List<SigmaRule>();
        var pool = new SigmaStringPool(cache?.EntryCount ?? 0); // texts read from the cache, one string each
        // Parsing is most of the load time and files are independent: parse in parallel, merge in file order.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        SigmaParseResult[] parsed;
        if (cache is null)
        {
            var files = EnumerateFiles(ruleDirsOrFiles, set._errors).ToList();
            options.OnLoadStep?.Invoke("rule files listed");
            parsed = new SigmaParseResult[files.Count];
            Parallel.For(0, files.Count, i => parsed[i] = SigmaRuleParser.ParseFile(files[i]));
        }
        else
        {
            var files = SigmaRuleFile.List(ruleDirsOrFiles, set._errors, cache, listed);
            options.OnLoadStep?.Invoke("rule files listed");
            parsed = new SigmaParseResult[files.Count];
            // Files from the cache first, on this thread: with detections read on first use that is a few milliseconds,
            // less than starting parallel workers costs. The rest (all of them on a first run) are parsed in parallel.
            var toParse = new List<int>(cache.IsEmpty ? files.Count : 0);
            for (int i = 0; i < files.Count; i++)
            {
                if (cache.TryCached(files[i], pool) is { } cached) parsed[i] = cached;
                else toParse.Add(i);
            }
            if (toParse.Count > 0)
                Parallel.For(0, toParse.Count, k => parsed[toParse[k]] = cache.ParseAndKeep(files[toParse[k]]));
        }
        set.CachedFileCount = cache?.Hits ?? 0;
        foreach (var r in parsed)
            if (r.CacheEntry is not null) set._cacheableFiles++;
        options.OnLoadStep?.Invoke("rule files parsed/decoded");
        foreach (var r in parsed)
        {
            set.FileCount++;
            parsedRules.AddRange(r.Rules);
            set._filters.AddRange(r.Filters);
            set._errors.AddRange(r.Errors);
        }
        foreach (var file in EnumerateFiles(options.FilterPaths, set._errors))
        {
            var r = SigmaRuleParser.ParseFile(file);
            set._filters.AddRange(r.Filters);
            set._errors.AddRange(r.Errors);
            foreach (var rule in r.Rules)
                set._errors.Add(new SigmaRuleError(file, rule.Line, $"'{rule.Title}' is a rule, not a filter (filter paths hold meta-filters only)"));
        }
        set.ParseTime = clock.Elapsed;
        options.OnLoadStep?.Invoke("filters");
        clock.Restart();
        set.Compile(parsedRules, placeholders, recordFacts: cache is not null, pool);
        set.CompileTime = clock.Elapsed;
        if (cache is not null)
        {
            foreach (var file in parsed) cache.RememberFacts(file);
            options.OnLoadStep?.Invoke("compile facts remembered");
            cache.SaveIfChanged();
            options.OnLoadStep?.Invoke("cache saved if changed");
            snapshot?.Save(set, listed?.Result);
            options.OnLoadStep?.Invoke("snapshot saved");
        }
        return set;
    }

    private static IEnumerable<string> EnumerateFiles(IEnumerable<string> paths, List<SigmaRuleError> errors)
    {
        foreach (var p in paths)
        {
            if (File.Exists(p)) { yield return p; continue; }
            if (!Directory.Exists(p))
            {
                errors.Add(new SigmaRuleError(p, 0, "no such file or directory"));
                continue;
            }
            var files = Directory.EnumerateFiles(p, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase))
                .OrderBy(f => f, StringComparer.Ordinal);
            foreach (var f in files) yield return f;
        }
    }

    private void Compile(List<SigmaRule> parsed, SigmaPlaceholders placeholders, bool recordFacts, SigmaStringPool pool)
    {
        var compiler = new SigmaDetectionCompiler(FieldTable, placeholders, Options.RegexTimeout);
        var lateCompiler = new SigmaDetectionCompiler(FieldTable, placeholders, Options.RegexTimeout) { RegexesChecked = true };
        var compiled = new List<(SigmaRule Rule, List<PendingVariant> Variants, int[]? RequiredIds)>(parsed.Count);
        var correlations = new List<SigmaRule>();
        // Per rule set, not per rule: thousands of rules share a few dozen log sources, and most loads have no filters.
        var mappingsOf = new Dictionary<SigmaLogSource, List<SigmaLogSourceMapping>>();
        var noFilters = new List<SigmaFilter>(0);

        foreach (var rule in parsed)
        {
            if (Options.SkipDeprecated && rule.Status is "deprecated" or "unsupported")
            {
                _skipped.Add(new SigmaSkippedRule(rule.File, rule.Line, rule.Id, rule.Title, $"status is {rule.Status}"));
                continue;
            }
            if (rule.IsCorrelation) { correlations.Add(rule); continue; }
            if (!mappingsOf.TryGetValue(rule.LogSource, out var mappings)) mappingsOf[rule.LogSource] = mappings = Pipeline.MappingsFor(rule.LogSource);
            var filters = _filters.Count == 0 ? noFilters : _filters.Where(f => f.AppliesTo(rule)).ToList();
            try
            {
                var facts = filters.Count == 0 ? rule.CompileFacts : null;
                if (facts is { FromCache: true } && facts.VariantCount == Math.Max(1, mappings.Count))
                {
                    var required = new SigmaLiteralAtom[]?[facts.VariantCount];
                    var ids = SigmaParseCacheFormat.ReadRuleFacts(facts.Cached.Span, FieldTable, pool, required);
                    compiled.Add((rule, FromFacts(lateCompiler, rule, mappings, required), ids));
                }
                else
                {
                    rule.CompileFacts = null;
                    bool record = recordFacts && filters.Count == 0 && !UsesPlaceholders(rule.Detection!);
                    var variants = new List<PendingVariant>();
                    var variantFacts = new List<SigmaVariantFacts>();
                    if (mappings.Count == 0) variants.Add(CompileVariant(compiler, rule, null, filters, record ? variantFacts : null));
                    foreach (var m in mappings) variants.Add(CompileVariant(compiler, rule, m, filters, record ? variantFacts : null));
                    var required = SigmaEventIdConstraint.Of(rule.Detection!)?.Order().ToArray();
                    if (record) rule.CompileFacts = new SigmaCompileFacts { RequiredEventIds = required, Variants = variantFacts };
                    compiled.Add((rule, variants, required));
                }
                _mappings[rule] = mappings;
            }
            catch (SigmaRuleException e)
            {
                _errors.Add(new SigmaRuleError(rule.File, e.Line > 0 ? e.Line : rule.Line, e.Message));
            }
            catch (SigmaUnfilledPlaceholderException e)
            {
                _skipped.Add(new SigmaSkippedRule(rule.File, e.Line > 0 ? e.Line : rule.Line, rule.Id, rule.Title, e.Message));
            }
        }

        Options.OnLoadStep?.Invoke("rules compiled/from facts");
        foreach (var (rule, variants, required) in compiled)
        {
            int index = _rules.Count;
            _rules.Add(rule);
            foreach (var (m, node, build, literals) in variants)
                Variants.Add(new SigmaCompiledVariant
                {
                    Rule = rule, RuleIndex = index, Mapping = m, Node = node!, Build = build, EventIds = EffectiveIds(m, required),
                    Ordinal = Variants.Count, RequiredLiterals = Options.Prefilter ? literals : null,
                });
        }
        Options.OnLoadStep?.Invoke("variants");
        ResolveCorrelations(correlations);

        // One shared empty list for the rules no correlation consumes (nearly all of them): it is only read.
        var none = new List<SigmaCompiledCorrelation>(0);
        Consumers = new List<SigmaCompiledCorrelation>[_rules.Count];
        Array.Fill(Consumers, none);
        foreach (var c in Correlations)
            foreach (var src in c.Sources.Distinct())
            {
                if (ReferenceEquals(Consumers[src], none)) Consumers[src] = new();
                Consumers[src].Add(c);
            }
        Emits = new bool[_rules.Count];
        _keyFields = new string[_rules.Count][];
        for (int i = 0; i < _rules.Count; i++)
            Emits[i] = Consumers[i].Count == 0 || Consumers[i].Any(c => c.Rule.Correlation!.Generate);

        Options.OnLoadStep?.Invoke("correlations, emits, key fields");
        foreach (var (format, map) in Pipeline.FormatAliases)
            FieldTable.AddAliases(format, map, Pipeline.FormatPrefixes.TryGetValue(format, out var p) ? p : []);
        FieldTable.Freeze();
        Options.OnLoadStep?.Invoke("field table frozen");
        Prefilter = new SigmaPrefilter(Variants);
        Options.OnLoadStep?.Invoke("prefilter");
        Index = new SigmaRuleIndex(Variants, Prefilter);
        Options.OnLoadStep?.Invoke("index");
    }

    /// <summary>The mapping's EventIDs narrowed to those the detection requires (a rule can only match there).</summary>
    /// <param name="required">The EventIDs the detection requires, ascending (null: any).</param>
    private static IReadOnlyList<int> EffectiveIds(SigmaLogSourceMapping? m, int[]? required)
    {
        if (m is null) return [];
        if (required is null) return m.EventIds;
        if (m.EventIds.Count == 0) return required;
        var both = new List<int>();
        foreach (int id in m.EventIds)
            foreach (int r in required)
                if (r == id) { both.Add(id); break; }
        return both.Count > 0 ? both : m.EventIds; // contradictory rule: keep the mapping (it simply never matches)
    }

    /// <summary>A variant on its way into <see cref="Variants"/>: its test (compiled, or how to compile it on first use) and its required texts.</summary>
    private readonly record struct PendingVariant(SigmaLogSourceMapping? Mapping, SigmaMatchNode? Node, Func<SigmaMatchNode>? Build, SigmaLiteralAtom[]? Required);

    /// <summary>
    /// The variant's test, and the texts its detection requires (from the detection alone: the mapping's conditions
    /// hold for the whole channel and filters only remove matches). With <paramref name="facts"/>, also notes what
    /// a later load needs to index the variant without compiling it.
    /// </summary>
    private PendingVariant CompileVariant(SigmaDetectionCompiler compiler, SigmaRule rule, SigmaLogSourceMapping? mapping, List<SigmaFilter> filters, List<SigmaVariantFacts>? facts)
    {
        if (facts is not null) FieldTable.Recording = new List<string>();
        try
        {
            var (node, required) = CompileNode(compiler, rule, mapping, filters);
            if (facts is not null)
                facts.Add(new SigmaVariantFacts
                {
                    FieldNames = FieldTable.Recording!.Distinct(StringComparer.Ordinal).ToArray(),
                    Literals = required?.Select(a => new SigmaNamedLiteral(FieldTable.NameOf(a.FieldId), a.Text, a.NonAscii)).ToList(),
                });
            return new PendingVariant(mapping, node, null, required?.ToArray());
        }
        finally { FieldTable.Recording = null; }
    }

    /// <param name="required">Whether to work out the required texts too (a test built on first use needs none: the facts had them).</param>
    private (SigmaMatchNode Node, List<SigmaLiteralAtom>? Required) CompileNode(SigmaDetectionCompiler compiler, SigmaRule rule, SigmaLogSourceMapping? mapping, List<SigmaFilter> filters, bool required = true)
    {
        var parts = new List<SigmaMatchNode>();
        if (mapping is not null)
            foreach (var (field, values) in mapping.Conditions)
                parts.Add(compiler.CompileSpec(new SigmaFieldSpec { Field = field, Modifiers = [], Values = values.ToList() }, null));
        var detection = compiler.Compile(rule.Detection!, mapping?.FieldMap);
        parts.Add(detection);
        var texts = required ? SigmaRequiredLiterals.Of(detection, FieldTable.IdOf("EventID")) : null;
        foreach (var f in filters)
        {
            try { parts.Add(new SigmaNotNode(compiler.Compile(f.Detection, mapping?.FieldMap))); }
            catch (SigmaRuleException e) { throw new SigmaRuleException(e.Line, $"filter '{f.Title}' ({f.File}): {e.Message}"); }
        }
        return (parts.Count == 1 ? parts[0] : new SigmaAndNode(parts.ToArray()), texts);
    }

    /// <summary>
    /// The variants of a rule an earlier load compiled under the same pipeline: fields already numbered in the order
    /// that compilation numbered them (so the field table is the one a full compile makes), required texts as it
    /// found them (<paramref name="required"/>, per variant), and the test itself compiled on first use.
    /// </summary>
    private List<PendingVariant> FromFacts(SigmaDetectionCompiler compiler, SigmaRule rule, List<SigmaLogSourceMapping> mappings, SigmaLiteralAtom[]?[] required)
    {
        var result = new List<PendingVariant>(required.Length);
        for (int k = 0; k < required.Length; k++)
        {
            var mapping = mappings.Count == 0 ? null : mappings[k];
            result.Add(new PendingVariant(mapping, null, LazyBuild(compiler, rule, mapping), required[k]));
        }
        return result;
    }

    /// <summary>Compiles a variant that compiled on an earlier load (cached facts, snapshot) when it is first used.</summary>
    private Func<SigmaMatchNode> LazyBuild(SigmaDetectionCompiler compiler, SigmaRule rule, SigmaLogSourceMapping? mapping) =>
        () => CompileLate(compiler, rule, mapping);

    /// <summary>The test of a variant that compiled on an earlier load (cached facts, snapshot), compiled now (on its first use).</summary>
    private SigmaMatchNode CompileLate(SigmaDetectionCompiler compiler, SigmaRule rule, SigmaLogSourceMapping? mapping)
    {
        try { return CompileNode(compiler, rule, mapping, [], required: false).Node; }
        catch (Exception e) when (e is SigmaRuleException or SigmaUnfilledPlaceholderException)
        {
            // An earlier load compiled this rule under this pipeline; only a bug can make it fail now.
            throw new InvalidOperationException($"{rule.File}: rule '{rule.Title}' compiled on an earlier load but not now: {e.Message}", e);
        }
    }

    /// <summary>Whether the detection expands placeholders (its compiled form then depends on the placeholder file too).</summary>
    private static bool UsesPlaceholders(SigmaDetection d) =>
        d.Searches.Any(s => s.Alternatives.Any(a => a.Any(f => f.Modifiers.Any(m => m.Equals("expand", StringComparison.OrdinalIgnoreCase)))));

    private void ResolveCorrelations(List<SigmaRule> correlations)
    {
        // Nothing to resolve: not even the rules' ids are needed (a rule from the cache reads them on first use).
        if (correlations.Count == 0) return;
        // Correlations are rules too: give them indices after the detection rules, then resolve references.
        var pending = new List<SigmaRule>(correlations);
        var byKey = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        void AddKeys(SigmaRule r, int i)
        {
            byKey.TryAdd(r.Id, i);
            if (r.Name is not null) byKey.TryAdd(r.Name, i);
        }
        for (int i = 0; i < _rules.Count; i++) AddKeys(_rules[i], i);
        var indexOf = new Dictionary<SigmaRule, int>();
        foreach (var c in pending)
        {
            indexOf[c] = _rules.Count;
            _rules.Add(c);
            AddKeys(c, indexOf[c]);
        }
        var bad = new HashSet<int>();
        foreach (var c in pending)
        {
            var sources = new List<int>();
            foreach (var reference in c.Correlation!.Rules)
            {
                if (byKey.TryGetValue(reference, out int src)) sources.Add(src);
                else
                {
                    _errors.Add(new SigmaRuleError(c.File, c.Line, $"correlation '{c.Title}' refers to '{reference}', which is not a loaded rule id or name"));
                    bad.Add(indexOf[c]);
                }
            }
            if (!bad.Contains(indexOf[c]))
                Correlations.Add(new SigmaCompiledCorrelation(c, indexOf[c], sources.ToArray(), _rules, Options));
        }
        // A correlation that (directly or through others) consumes itself would never settle.
        foreach (var cc in Correlations.ToList())
        {
            if (!ReachesItself(cc)) continue;
            _errors.Add(new SigmaRuleError(cc.Rule.File, cc.Rule.Line, $"correlation '{cc.Rule.Title}' refers to itself through its rules"));
            Correlations.Remove(cc);
            bad.Add(cc.Index);
        }
        // Broken correlations stay in the list (indices are fixed) but consume nothing; drop them from Rules view.
        if (bad.Count > 0)
        {
            foreach (var i in bad) _disabled.Add(i);
        }
    }

    private readonly HashSet<int> _disabled = new();
    internal bool IsDisabled(int ruleIndex) => _disabled.Contains(ruleIndex);

    private bool ReachesItself(SigmaCompiledCorrelation start)
    {
        var byIndex = Correlations.ToDictionary(c => c.Index);
        var seen = new HashSet<int>();
        var stack = new Stack<int>(start.Sources);
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            if (i == start.Index) return true;
            if (!seen.Add(i) || !byIndex.TryGetValue(i, out var c)) continue;
            foreach (var s in c.Sources) stack.Push(s);
        }
        return false;
    }

    /// <summary>The log-source mappings a detection rule runs on (empty: every event).</summary>
    public IReadOnlyList<SigmaLogSourceMapping> MappingsOf(SigmaRule rule) =>
        _mappings.TryGetValue(rule, out var m) ? m : [];

    /// <summary>Detection rules that can match events of this channel (including unmapped rules, which run on every channel).</summary>
    public IEnumerable<SigmaRule> RulesForChannel(string channel) =>
        Variants.Where(v => v.Mapping is null
                ? v.Rule.LogSource.Product is null or "windows"
                : v.Mapping.Channels.Contains(channel, StringComparer.OrdinalIgnoreCase))
            .Select(v => v.Rule).Distinct();
}
