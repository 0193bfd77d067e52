using System.Runtime.CompilerServices;

namespace Hopwatch.Reading.Evtx;

/// <summary>
/// The extraction plans of one decoder (one thread), by template and scope: compiled the first time a template is
/// met in a scope and reused for its later records. Direct-mapped and bounded: a template whose slot another one took
/// is compiled again when it comes back, which costs a walk's worth of work, never a wrong plan (the key is the very
/// template object, and a template's tree never changes once decoded).
/// </summary>
internal sealed class EvtxExtractionPlans
{
    private const int Slots = 4096;

    private struct Entry
    {
        public EvtxTemplate? Template;
        public EvtxExtractionScope Scope;
        /// <summary>Null with a template set: the template has no plan (the walk handles it).</summary>
        public EvtxExtractionPlan? Plan;
    }

    private readonly Entry[] _entries = new Entry[Slots];

    /// <summary>Plans compiled so far (for tests).</summary>
    public int Compiled { get; private set; }

    public EvtxExtractionPlan? Get(EvtxTemplate template, EvtxExtractionScope scope)
    {
        ref var e = ref _entries[(RuntimeHelpers.GetHashCode(template) ^ (int)scope * 0x5bd1e995) & (Slots - 1)];
        if (ReferenceEquals(e.Template, template) && e.Scope == scope) return e.Plan;
        var plan = EvtxExtractionPlan.Compile(template.Root, scope);
        Compiled++;
        e = new Entry { Template = template, Scope = scope, Plan = plan };
        return plan;
    }
}
