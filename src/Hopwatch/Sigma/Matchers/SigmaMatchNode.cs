namespace Hopwatch.Sigma;

/// <summary>A compiled piece of a rule: evaluates against one event view.</summary>
internal abstract class SigmaMatchNode
{
    public abstract bool Matches(SigmaEventView v);
}

internal sealed class SigmaAndNode(SigmaMatchNode[] nodes) : SigmaMatchNode
{
    public SigmaMatchNode[] Nodes { get; } = nodes;
    public override bool Matches(SigmaEventView v)
    {
        foreach (var n in Nodes) if (!n.Matches(v)) return false;
        return true;
    }
}

internal sealed class SigmaOrNode(SigmaMatchNode[] nodes) : SigmaMatchNode
{
    public SigmaMatchNode[] Nodes { get; } = nodes;
    public override bool Matches(SigmaEventView v)
    {
        foreach (var n in Nodes) if (n.Matches(v)) return true;
        return false;
    }
}

internal sealed class SigmaNotNode(SigmaMatchNode inner) : SigmaMatchNode
{
    public override bool Matches(SigmaEventView v) => !inner.Matches(v);
}

internal sealed class SigmaConstNode(bool value) : SigmaMatchNode
{
    public static readonly SigmaConstNode True = new(true), False = new(false);
    public override bool Matches(SigmaEventView v) => value;
}

/// <summary>One field against its values: any of them (default) or all of them (`all`).</summary>
internal sealed class SigmaFieldNode(int fieldId, SigmaValueMatcher[] values, bool all) : SigmaMatchNode
{
    public int FieldId { get; } = fieldId;
    public SigmaValueMatcher[] Values => values;
    /// <summary>Every value must match (`all`), rather than one of them.</summary>
    public bool All => all;
    public override bool Matches(SigmaEventView v)
    {
        int index = v.IndexOf(FieldId);
        string? value = index < 0 ? null : v.Event.Fields.ValueAt(index);
        if (value is null)
        {
            if (all)
            {
                foreach (var m in values) if (!m.Matches(null, v)) return false;
                return true;
            }
            foreach (var m in values) if (m.Matches(null, v)) return true;
            return false;
        }
        if (all)
        {
            foreach (var m in values) if (!m.MatchesField(index, value, v)) return false;
            return true;
        }
        foreach (var m in values) if (m.MatchesField(index, value, v)) return true;
        return false;
    }
}

/// <summary>`exists: true|false`.</summary>
internal sealed class SigmaExistsNode(int fieldId, bool expected) : SigmaMatchNode
{
    public override bool Matches(SigmaEventView v) => v.Has(fieldId) == expected;
}

/// <summary>Keyword search: a value anywhere in any field of the event (any value, or all with `all`).</summary>
internal sealed class SigmaKeywordNode(SigmaValueMatcher[] values, bool all) : SigmaMatchNode
{
    public SigmaValueMatcher[] Values => values;
    public override bool Matches(SigmaEventView v)
    {
        var fields = v.Event.Fields;
        if (all)
        {
            foreach (var m in values)
                if (!AnyField(fields, m, v)) return false;
            return true;
        }
        foreach (var m in values)
            if (AnyField(fields, m, v)) return true;
        return false;
    }

    private static bool AnyField(Hopwatch.Events.EventFields fields, SigmaValueMatcher m, SigmaEventView v)
    {
        if (m is SigmaMultiContainsMatcher list) return list.MatchesAnyValue(v); // a keyword list: answers remembered by value instance
        for (int i = 0; i < fields.Count; i++)
        {
            string? s = fields.ValueAt(i);
            if (s is not null && m.MatchesField(i, s, v)) return true;
        }
        return false;
    }
}
