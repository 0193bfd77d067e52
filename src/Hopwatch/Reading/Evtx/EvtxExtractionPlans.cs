namespace Hopwatch.Reading.Evtx;

/// <summary>
/// One decoder's (one thread's) way to the extraction plans of the templates it meets, with the per-step value memory
/// (<see cref="EvtxStepValues"/>) it keeps for each: plans are shared by all threads (on the template), the memory is
/// this thread's. Direct-mapped and bounded: a template whose slot another one took starts with an empty memory when
/// it comes back, never a wrong one (the key is the very template object and scope).
/// </summary>
internal sealed class EvtxExtractionPlans
{
    private const int Slots = 8192;

    private struct Entry
    {
        public EvtxTemplate? Template;
        public EvtxExtractionScope Scope;
        /// <summary>Null with a template set: the template has no plan (the walk handles it).</summary>
        public EvtxExtractionPlan? Plan;
        public EvtxStepValues? Values;
    }

    /// <summary>Made on first use: decoders that only dump JSON never extract fields.</summary>
    private Entry[]? _entries;

    /// <summary>Plans this decoder took up so far (for tests).</summary>
    public int Taken { get; private set; }

    /// <summary>The plan of <paramref name="template"/> in <paramref name="scope"/> (null: walk it) and this thread's memory of its values.</summary>
    public EvtxExtractionPlan? Get(EvtxTemplate template, EvtxExtractionScope scope, out EvtxStepValues? values)
    {
        var entries = _entries ??= new Entry[Slots];
        ref var e = ref entries[(template.Serial * EvtxExtractionPlan.Scopes + (int)scope) & (Slots - 1)];
        if (!ReferenceEquals(e.Template, template) || e.Scope != scope)
        {
            var plan = template.PlanFor(scope);
            if (plan is not null) Taken++;
            e = new Entry { Template = template, Scope = scope, Plan = plan, Values = plan is null ? null : new EvtxStepValues(plan.MemoSteps) };
        }
        values = e.Values;
        return e.Plan;
    }
}
