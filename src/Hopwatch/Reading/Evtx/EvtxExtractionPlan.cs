namespace Hopwatch.Reading.Evtx;

/// <summary>
/// The field extractor's walk over one template, compiled once into a flat list of steps: what the walk decides from
/// the template alone (scopes, element and attribute names, which names are header fields, which elements the walk
/// ignores) is settled here, and what it decides from a record's values (left-out elements and attributes, arrays,
/// nested BinXml, the interest check) becomes a step that asks the values. Running the steps over a record's values
/// gives the very fields the walk gives; anything the steps cannot express (a template instance inside a template)
/// gets no plan, and such records keep the walk.
/// </summary>
internal sealed class EvtxExtractionPlan
{
    private EvtxExtractionPlan(EvtxExtractionStep[] steps, int minValues, int maxWalkDepth, int memoSteps)
    {
        Steps = steps;
        MinValues = minValues;
        MaxWalkDepth = maxWalkDepth;
        MemoSteps = memoSteps;
    }

    /// <summary>How many value steps remember their last value (the size of an <see cref="EvtxStepValues"/> for this plan).</summary>
    public int MemoSteps { get; }

    /// <summary>How many scopes there are (plans are kept per template and scope).</summary>
    public const int Scopes = (int)EvtxExtractionScope.UserLeaves + 1;

    /// <summary>Stands for "no plan possible" where plans are kept, so that is not worked out again.</summary>
    public static readonly EvtxExtractionPlan None = new([], 0, 0, 0);

    public EvtxExtractionStep[] Steps { get; }
    /// <summary>Values a record needs for the steps to index its slots directly; with fewer, the walk runs instead.</summary>
    public int MinValues { get; }
    /// <summary>Deepest walk depth the template reaches, relative to the start: past the limit the walk runs (and reports it).</summary>
    public int MaxWalkDepth { get; }

    /// <summary>The plan of walking <paramref name="root"/> in <paramref name="scope"/>, or null when the walk must do it.</summary>
    public static EvtxExtractionPlan? Compile(BinXmlNode[] root, EvtxExtractionScope scope)
    {
        var c = t_compiler ??= new Compiler();
        c.Reset();
        c.Walk(root, scope, 0);
        if (c.Failed) return null;
        var steps = c.Steps.ToArray();
        // Value steps holding one substitution read their slot directly and remember their last value.
        int memo = 0, minValues = c.MinValues;
        for (int i = 0; i < steps.Length; i++)
        {
            var s = steps[i];
            bool valueStep = s.Op is EvtxExtractionOp.SystemAttribute or EvtxExtractionOp.DataField or EvtxExtractionOp.Field
                || (s.Op == EvtxExtractionOp.SystemText && s.Flag);
            if (valueStep && s.Parts is [{ Kind: BinXmlNodeKind.Substitution } p])
            {
                steps[i] = s with { ValueSlot = p.SubstitutionId, MemoIndex = memo++ };
                minValues = Math.Max(minValues, p.SubstitutionId + 1);
            }
            else steps[i] = s with { ValueSlot = -1, MemoIndex = -1 };
            if (steps[i].Name is { } name) steps[i] = steps[i] with { NameBit = Events.EventFields.NameBitOf(name) };
            if (steps[i].Op == EvtxExtractionOp.Field || (steps[i].Op == EvtxExtractionOp.DataField && steps[i].Name is not null && steps[i].Attribute is null))
                steps[i] = steps[i] with { Simple = true };
        }
        return new EvtxExtractionPlan(steps, minValues, c.MaxWalkDepth, memo);
    }

    /// <summary>One per thread, its step list reused: a compile then allocates only the plan's own arrays.</summary>
    [ThreadStatic] private static Compiler? t_compiler;

    /// <summary>Mirrors EvtxFieldExtractor.Walk/OnElement/OnElementCore/OnSystemElement, emitting steps instead of fields.</summary>
    private sealed class Compiler
    {
        public readonly List<EvtxExtractionStep> Steps = new(64);
        public int MinValues;
        public int MaxWalkDepth;
        public bool Failed;

        public void Reset()
        {
            Steps.Clear();
            MinValues = 0;
            MaxWalkDepth = 0;
            Failed = false;
        }

        public void Walk(BinXmlNode[] nodes, EvtxExtractionScope scope, int depth)
        {
            MaxWalkDepth = Math.Max(MaxWalkDepth, depth);
            Spend(nodes.Length);
            foreach (var n in nodes)
            {
                switch (n.Kind)
                {
                    case BinXmlNodeKind.Element:
                        Element(n, scope, depth + 1);
                        break;
                    case BinXmlNodeKind.TemplateInstance:
                        Failed = true; // record data inside a template: not something a plan may keep
                        break;
                    case BinXmlNodeKind.Substitution:
                        MinValues = Math.Max(MinValues, n.SubstitutionId + 1);
                        Steps.Add(new EvtxExtractionStep { Op = EvtxExtractionOp.Nested, Arg = n.SubstitutionId, GuardSlot = -1, Scope = scope, Depth = depth + 1, Parts = BinXmlNode.None });
                        break;
                }
            }
        }

        /// <summary>Adds to the previous step when it is a Spend too: what the walk charges at consecutive starts is charged at once.</summary>
        private void Spend(int count)
        {
            if (Steps.Count > 0 && Steps[^1].Op == EvtxExtractionOp.Spend)
            {
                var last = Steps[^1];
                Steps[^1] = last with { Arg = last.Arg + count };
                return;
            }
            Steps.Add(new EvtxExtractionStep { Op = EvtxExtractionOp.Spend, Arg = count, GuardSlot = -1, Parts = BinXmlNode.None });
        }

        private void Element(BinXmlNode e, EvtxExtractionScope scope, int depth)
        {
            // Under Event, only System, EventData and UserData turn into anything (whether left out, repeated or not).
            if (scope == EvtxExtractionScope.Event && e.Name is not ("System" or "EventData" or "UserData")) return;
            bool mayBeOmitted = OnlyOptionalChildren(e);
            bool mayBeArray = e.Attributes.Length == 0 && e.Children is [{ Kind: BinXmlNodeKind.Substitution }];
            if (!mayBeOmitted && !mayBeArray)
            {
                ElementCore(e, scope, depth);
                return;
            }
            int guard = Steps.Count;
            // A placeholder that no Spend merges into (see Spend), replaced once the element's steps are known.
            Steps.Add(new EvtxExtractionStep { Op = EvtxExtractionOp.Guard, Parts = BinXmlNode.None });
            ElementCore(e, scope, depth);
            int guardSlot = e.Children is [{ Kind: BinXmlNodeKind.Substitution } only] ? only.SubstitutionId : -1;
            if (guardSlot >= 0) MinValues = Math.Max(MinValues, guardSlot + 1);
            if (guardSlot >= 0 && Steps.Count == guard + 2 && IsValueStep(Steps[guard + 1].Op))
            {
                // The element is one value step (a Data field, the commonest case): the guard goes into that step, so
                // a record runs one step per field instead of two.
                Steps[guard] = Steps[guard + 1] with
                {
                    Guarded = true, Element = e, Scope = scope, GuardSlot = guardSlot, MayBeOmitted = mayBeOmitted, MayBeArray = mayBeArray,
                };
                Steps.RemoveAt(guard + 1);
                return;
            }
            Steps[guard] = new EvtxExtractionStep
            {
                Op = EvtxExtractionOp.Guard, Element = e, Scope = scope, Depth = depth, Arg = Steps.Count, Parts = BinXmlNode.None,
                GuardSlot = guardSlot, MayBeOmitted = mayBeOmitted, MayBeArray = mayBeArray,
            };
        }

        private static bool IsValueStep(EvtxExtractionOp op) => op is EvtxExtractionOp.SystemAttribute or EvtxExtractionOp.SystemTime
            or EvtxExtractionOp.SystemText or EvtxExtractionOp.DataField or EvtxExtractionOp.Field;

        /// <summary>The template-only half of EvtxXmlRenderer.IsOmitted: could the values ever leave the element out?</summary>
        private static bool OnlyOptionalChildren(BinXmlNode e)
        {
            if (e.Children.Length == 0) return false;
            foreach (var c in e.Children)
                if (c.Kind != BinXmlNodeKind.Substitution || !c.Optional) return false;
            return true;
        }

        private void ElementCore(BinXmlNode e, EvtxExtractionScope scope, int depth)
        {
            switch (scope)
            {
                case EvtxExtractionScope.Root:
                    Walk(e.Children, EvtxExtractionScope.Event, depth);
                    break;
                case EvtxExtractionScope.Event:
                    switch (e.Name)
                    {
                        case "System":
                            Walk(e.Children, EvtxExtractionScope.System, depth);
                            Steps.Add(new EvtxExtractionStep { Op = EvtxExtractionOp.CheckInterest, Parts = BinXmlNode.None, GuardSlot = -1 });
                            break;
                        case "EventData": Walk(e.Children, EvtxExtractionScope.EventData, depth); break;
                        case "UserData": Walk(e.Children, EvtxExtractionScope.UserData, depth); break;
                    }
                    break;
                case EvtxExtractionScope.System:
                    SystemElement(e, depth);
                    break;
                case EvtxExtractionScope.EventData:
                    if (ReferenceEquals(e.Name, EvtxFieldExtractor.DataName) || e.Name == "Data")
                    {
                        BinXmlAttribute? nameAttribute = null;
                        foreach (var a in e.Attributes)
                            if (a.Name == "Name") { nameAttribute = a; break; }
                        string? name = null;
                        if (nameAttribute is { Parts: [{ Kind: BinXmlNodeKind.Text } p] })
                        {
                            name = string.IsNullOrEmpty(p.Text) ? null : p.Text;
                            nameAttribute = null;
                        }
                        Steps.Add(new EvtxExtractionStep
                        {
                            Op = EvtxExtractionOp.DataField, Name = name, Attribute = nameAttribute, Parts = e.Children, Depth = depth,
                        });
                    }
                    else
                    {
                        Steps.Add(new EvtxExtractionStep { Op = EvtxExtractionOp.Field, Name = e.Name, Parts = e.Children, Depth = depth });
                    }
                    break;
                case EvtxExtractionScope.UserData:
                case EvtxExtractionScope.UserLeaves:
                    if (e.HasElementChildren) Walk(e.Children, EvtxExtractionScope.UserLeaves, depth);
                    else Steps.Add(new EvtxExtractionStep { Op = EvtxExtractionOp.Field, Name = e.Name, Parts = e.Children, Depth = depth });
                    break;
            }
        }

        private void SystemElement(BinXmlNode e, int depth)
        {
            foreach (var a in e.Attributes)
            {
                if (a.Parts.Length == 0) continue; // never present (EvtxXmlRenderer.AttributePresent)
                // Any part that is not a substitution makes the attribute present whatever the values.
                bool alwaysPresent = false;
                foreach (var p in a.Parts)
                    if (p.Kind != BinXmlNodeKind.Substitution) { alwaysPresent = true; break; }
                var presence = alwaysPresent ? null : a;
                if (a.Name == "SystemTime" && e.Name == "TimeCreated")
                {
                    Steps.Add(new EvtxExtractionStep { Op = EvtxExtractionOp.SystemTime, Attribute = presence, Parts = a.Parts, Depth = depth });
                    continue;
                }
                Steps.Add(new EvtxExtractionStep
                {
                    Op = EvtxExtractionOp.SystemAttribute, Name = a.QualifiedName, Attribute = presence, Parts = a.Parts, Depth = depth,
                    Flag = a.QualifiedName == "Provider_Name",
                });
            }
            if (e.Children.Length == 0 && e.Attributes.Length > 0) return;
            var header = e.Name switch
            {
                "EventID" => EvtxHeaderField.EventId,
                "Channel" => EvtxHeaderField.Channel,
                "EventRecordID" => EvtxHeaderField.RecordId,
                "Computer" => EvtxHeaderField.Computer,
                _ => EvtxHeaderField.None,
            };
            Steps.Add(new EvtxExtractionStep
            {
                Op = EvtxExtractionOp.SystemText, Name = e.Name, Parts = e.Children, Depth = depth, Header = header,
                Flag = !ReferenceEquals(e.Name, EvtxFieldExtractor.EventRecordIdName),
            });
        }
    }
}
