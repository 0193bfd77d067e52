namespace Hopwatch.Tests.Support;

public enum EvtxDifferenceKind
{
    /// <summary>evtxexport printed the record, Hopwatch did not return it.</summary>
    MissingInHopwatch,
    /// <summary>Hopwatch returned a record evtxexport did not print.</summary>
    ExtraInHopwatch,
    /// <summary>Both have the record; one rendered field differs.</summary>
    FieldMismatch,
    /// <summary>Hopwatch returned a record that evtxexport prints only in its -m recovered mode (its fields are compared too).</summary>
    RecoveredByEvtxexportOnly,
}

/// <summary>One disagreement between Hopwatch and evtxexport on one file.</summary>
/// <param name="Field">For <see cref="EvtxDifferenceKind.FieldMismatch"/>: which field ("Channel", "EventData[SubjectLogonId]", ...).</param>
/// <param name="Expected">What evtxexport printed (null: absent).</param>
/// <param name="Actual">What Hopwatch returned (null: absent).</param>
public sealed record EvtxDifference(string File, EvtxDifferenceKind Kind, long RecordId, string Field = "", string? Expected = null, string? Actual = null)
{
    public override string ToString() => Kind switch
    {
        EvtxDifferenceKind.FieldMismatch =>
            $"{Path.GetFileName(File)} #{RecordId} {Field}: evtxexport={Show(Expected)} hopwatch={Show(Actual)}",
        _ => $"{Path.GetFileName(File)} #{RecordId} {Kind}",
    };

    private static string Show(string? s)
    {
        if (s is null) return "(absent)";
        var t = s.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\t", "\\t");
        return "\"" + (t.Length > 160 ? t[..160] + "…(" + t.Length + " chars)" : t) + "\"";
    }
}
