using System.Globalization;

namespace Hopwatch.Reading.Evtx;

/// <summary>Running a template's extraction plan (see <see cref="EvtxExtractionPlan"/>) instead of walking its tree.</summary>
internal sealed partial class EvtxFieldExtractor
{
    private readonly EvtxExtractionPlans _plans = new();

    /// <summary>Always walk the tree (the reference the plans are tested against).</summary>
    internal bool WalkOnly { get; set; }

    /// <summary>Plans this extractor took up, one per template and scope met (for tests).</summary>
    internal int PlansCompiled => _plans.Taken;

    /// <summary>
    /// What <c>Walk(template.Root, values, scope, depth)</c> does, by the plan's steps. A record with fewer values than
    /// the steps index, or nested deeper than the walk allows, is walked (the walk reports what is wrong).
    /// </summary>
    private void Run(EvtxExtractionPlan plan, EvtxStepValues memo, EvtxTemplate template, ReadOnlySpan<BinXmlValueRef> values, EvtxExtractionScope scope, int depth)
    {
        if (values.Length < plan.MinValues || depth + plan.MaxWalkDepth > BinXmlParser.MaxDepth)
        {
            Walk(template.Root, values, scope, depth);
            return;
        }
        var steps = plan.Steps;
        for (int i = 0; i < steps.Length; i++)
        {
            ref readonly var s = ref steps[i];
            if (s.Guarded)
            {
                // The guard of the step's element (see EvtxExtractionOp.Guard), for an element whose content is one substitution.
                var only = values[s.GuardSlot];
                if (s.MayBeOmitted && only.IsNull) continue;
                if (s.MayBeArray && BinXmlArray.IsSplittable(only))
                {
                    OnElement(s.Element!, values, s.Scope, depth + s.Depth);
                    if (_unwanted) return;
                    continue;
                }
            }
            if (s.Simple)
            {
                _fields.Add(s.Name!, StepValue(s, memo, values, depth), s.NameBit);
                continue;
            }
            switch (s.Op)
            {
                case EvtxExtractionOp.Spend:
                    decoder.Spend(s.Count);
                    break;
                case EvtxExtractionOp.Guard:
                {
                    bool omitted, array;
                    if (s.GuardSlot >= 0)
                    {
                        var only = values[s.GuardSlot];
                        omitted = s.MayBeOmitted && only.IsNull;
                        array = !omitted && s.MayBeArray && BinXmlArray.IsSplittable(only);
                    }
                    else
                    {
                        omitted = EvtxXmlRenderer.IsOmitted(s.Element!, values);
                        array = !omitted && s.Element!.Attributes.Length == 0 && EvtxXmlRenderer.TryArraySlot(s.Element, values, out _);
                    }
                    if (omitted)
                    {
                        i = s.Jump - 1;
                        break;
                    }
                    if (array)
                    {
                        OnElement(s.Element!, values, s.Scope, depth + s.Depth);
                        if (_unwanted) return;
                        i = s.Jump - 1;
                    }
                    break;
                }
                case EvtxExtractionOp.Nested:
                    var v = values[s.Slot];
                    if (v.Type == BinXmlValueType.BinXml && v.Size > 0)
                    {
                        WalkNested(v, s.Scope, depth + s.Depth);
                        if (_unwanted) return;
                    }
                    break;
                case EvtxExtractionOp.CheckInterest:
                    if (_interest is not null && !_interest.Wants(_event))
                    {
                        _unwanted = true;
                        return;
                    }
                    break;
                case EvtxExtractionOp.SystemAttribute:
                {
                    if (s.Attribute is not null && !(s.ValueSlot >= 0 ? !values[s.ValueSlot].IsNull : EvtxXmlRenderer.AttributePresent(s.Attribute, values))) break;
                    string value = StepValue(s, memo, values, depth);
                    _fields.Add(s.Name!, value, s.NameBit);
                    if (s.Flag) _event.Provider = value;
                    break;
                }
                case EvtxExtractionOp.SystemTime:
                    if (s.Attribute is not null && !EvtxXmlRenderer.AttributePresent(s.Attribute, values)) break;
                    _fields.Add(TimeCreatedName, RenderTime(s.Parts, values, depth + s.Depth));
                    break;
                case EvtxExtractionOp.SystemText:
                {
                    string text = StepValue(s, memo, values, depth, shared: s.Flag);
                    _fields.Add(s.Name!, text, s.NameBit);
                    switch (s.Header)
                    {
                        case EvtxHeaderField.EventId:
                            _event.EventId = int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int id) ? id : 0;
                            break;
                        case EvtxHeaderField.Channel: _event.Channel = text; break;
                        case EvtxHeaderField.RecordId:
                            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long rid) && rid > 0) _event.RecordId = rid;
                            break;
                        case EvtxHeaderField.Computer: _event.Computer = text; break;
                    }
                    break;
                }
                case EvtxExtractionOp.DataField:
                {
                    if (s.Attribute is null && s.Name is not null)
                    {
                        _fields.Add(s.Name, StepValue(s, memo, values, depth), s.NameBit);
                        break;
                    }
                    string? name = s.Attribute is null ? null : EvtxNamePool.Get(RenderParts(s.Attribute.Parts, values, depth + s.Depth));
                    if (string.IsNullOrEmpty(name)) name = EvtxNamePool.NumberedName(DataName, ++_unnamedData);
                    _fields.Add(name, StepValue(s, memo, values, depth));
                    break;
                }
                case EvtxExtractionOp.Field:
                    _fields.Add(s.Name!, StepValue(s, memo, values, depth), s.NameBit);
                    break;
            }
        }
    }

    /// <summary>
    /// The text of a value step's content: what <see cref="RenderParts"/> gives, with a one-substitution content read
    /// straight from its slot and remembered per step (<see cref="EvtxStepValues"/>) instead of per hashed node.
    /// </summary>
    private string StepValue(in EvtxExtractionStep s, EvtxStepValues memo, ReadOnlySpan<BinXmlValueRef> values, int depth, bool shared = true)
    {
        if (s.ValueSlot < 0) return RenderParts(s.Parts, values, depth + s.Depth, shared);
        var v = values[s.ValueSlot];
        if (v.IsNull) return "";
        if (v.Type == BinXmlValueType.BinXml) return RenderParts(s.Parts, values, depth + s.Depth, shared);
        var data = decoder.Chunk.Data.AsSpan(v.Offset, v.Size);
        if (data.Length > EvtxStepValues.MaxBytes && v.Type != BinXmlValueType.String) return _cache.Get(decoder.Text, v.Type, data);
        if (memo.Find(s.MemoIndex, v.Type, data) is { } same) return same;
        string text = _cache.Get(decoder.Text, v.Type, data);
        memo.Remember(s.MemoIndex, v.Type, data, text);
        return text;
    }
}
