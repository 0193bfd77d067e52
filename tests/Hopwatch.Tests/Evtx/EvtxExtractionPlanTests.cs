using Hopwatch.Events;
using Hopwatch.Reading.Evtx;

namespace Hopwatch.Tests.Evtx;

/// <summary>
/// Field extraction by compiled per-template plans gives exactly what the walk over the template tree gives (the
/// walk stays as the reference): the same events with the same fields, names, order and values, the same headers,
/// the same warnings, and the same events dropped by an interest.
/// </summary>
public class EvtxExtractionPlanTests
{
    private static (List<LogEvent> Events, ReadDiagnostics Diag, int Plans, long Nodes) Read(string path, bool walk, EventInterest? interest = null)
    {
        var decoder = new EvtxChunkDecoder { ExtractByWalk = walk };
        var diag = new ReadDiagnostics();
        var events = EvtxEventReader.ReadFileWith(decoder, path, diag, interest);
        return (events, diag, decoder.PlansCompiled, decoder.NodesSpent);
    }

    /// <summary>Everything an event carries out of the reader, in one line.</summary>
    private static string Describe(LogEvent e) => $"{e.File}|{e.Format}|{EvtxTestFiles.Fingerprint(e)}";

    private static string Warnings(ReadDiagnostics d)
        => string.Join("\n", d.WarningsInOrder().Select(w => w.ToString())) + $"\nrecords {d.RecordCount} skipped {d.SkippedRecordCount} warnings {d.WarningCount}";

    /// <summary>Asserts plans give what the walk gives; returns how many plans were compiled.</summary>
    private static int AssertSameAsWalk(string path, EventInterest? interest = null)
    {
        var walked = Read(path, walk: true, interest);
        var planned = Read(path, walk: false, interest);
        Assert.Equal(0, walked.Plans);
        Assert.Equal(walked.Events.Count, planned.Events.Count);
        for (int i = 0; i < walked.Events.Count; i++)
        {
            string expected = Describe(walked.Events[i]), actual = Describe(planned.Events[i]);
            if (expected != actual) Assert.Fail($"{path}: event {i} differs\nwalk: {expected}\nplan: {actual}");
        }
        Assert.Equal(Warnings(walked.Diag), Warnings(planned.Diag));
        // The record's node budget (against hostile expansion) is charged as the walk charges it.
        Assert.Equal(walked.Nodes, planned.Nodes);
        return planned.Plans;
    }

    [Fact]
    public void Every_shared_evtx_file_gives_the_walks_fields_record_by_record()
    {
        var files = EvtxTestFiles.AllSharedFiles().ToList();
        Assert.True(files.Count > 400, $"only {files.Count} shared EVTX files");
        int planned = 0;
        foreach (var path in files)
        {
            if (AssertSameAsWalk(path) > 0) planned++;
        }
        // The plans are what ran: nearly every file's records come from templates.
        Assert.True(planned > files.Count * 9 / 10, $"plans compiled for {planned} of {files.Count} files");
    }

    [Fact]
    public void An_interest_drops_the_same_records_with_plans_as_with_the_walk()
    {
        // Drop about half the records, judged from the System element, as hunt does.
        var interest = new EventInterest(e => e.EventId % 2 == 0 || e.Channel.StartsWith("Microsoft-Windows-Sysmon", StringComparison.Ordinal));
        foreach (var path in EvtxTestFiles.AllSharedFiles().Where((_, i) => i % 5 == 0))
            AssertSameAsWalk(path, interest);
    }

    [Fact]
    public void The_edge_case_files_give_the_walks_fields_and_warnings()
    {
        var files = Directory.GetFiles(EvtxTestFiles.EdgeCases, "*.evtx");
        Assert.NotEmpty(files);
        foreach (var path in files) AssertSameAsWalk(path);
        // And the edge cases really are decoded with warnings (damage reported the same way by both).
        Assert.Contains(files, f => Read(f, walk: false).Diag.WarningCount > 0);
    }

    [Fact]
    public void A_plan_is_compiled_once_per_template_and_scope_and_a_template_holding_an_instance_has_none()
    {
        // <Event><EventData><Data Name="TargetUserName">%0 (optional)</Data></EventData></Event>
        var data = new BinXmlNode
        {
            Kind = BinXmlNodeKind.Element, Name = "Data",
            Attributes = [new BinXmlAttribute("Name", [new BinXmlNode { Kind = BinXmlNodeKind.Text, Text = "TargetUserName" }])],
            Children = [new BinXmlNode { Kind = BinXmlNodeKind.Substitution, SubstitutionId = 0, Optional = true }],
        };
        var eventData = new BinXmlNode { Kind = BinXmlNodeKind.Element, Name = "EventData", Children = [data], HasElementChildren = true };
        var root = new BinXmlNode { Kind = BinXmlNodeKind.Element, Name = "Event", Children = [eventData], HasElementChildren = true };
        var template = new EvtxTemplate(Guid.NewGuid(), 0, [root]);

        var plan = template.PlanFor(EvtxExtractionScope.Root);
        Assert.NotNull(plan);
        Assert.Same(plan, template.PlanFor(EvtxExtractionScope.Root));
        Assert.NotSame(plan, template.PlanFor(EvtxExtractionScope.Event));
        Assert.Equal(1, plan.MinValues);
        // The Data element may be left out (its only content is an optional substitution): one step that checks slot 0
        // and makes the field, named statically, from slot 0.
        var field = Assert.Single(plan.Steps, s => s.Op == EvtxExtractionOp.DataField);
        Assert.DoesNotContain(plan.Steps, s => s.Op == EvtxExtractionOp.Guard);
        Assert.True(field.Guarded);
        Assert.Equal(0, field.GuardSlot);
        Assert.True(field.MayBeOmitted);
        Assert.False(field.MayBeArray); // it has an attribute
        Assert.Equal("TargetUserName", field.Name);
        Assert.Equal(0, field.ValueSlot);

        // Record data inside a template cannot be planned: such templates keep the walk.
        var holding = new EvtxTemplate(Guid.NewGuid(), 0,
            [new BinXmlNode { Kind = BinXmlNodeKind.TemplateInstance, Template = template, Values = [] }]);
        Assert.Null(holding.PlanFor(EvtxExtractionScope.Root));
    }

    [Fact]
    public void Plans_shared_by_threads_reading_at_once_give_the_walks_fields()
    {
        // Files read at once on several threads, each file on two: the threads compile and share the same templates'
        // plans while they use them.
        var files = EvtxTestFiles.AllSharedFiles().Where((_, i) => i % 3 == 0).ToList();
        var planned = new string[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            var diag = new ReadDiagnostics();
            planned[i] = string.Join("\n", EvtxEventReader.ReadFile(files[i], diag, threads: 2).Select(Describe));
        });
        for (int i = 0; i < files.Count; i++)
            Assert.True(string.Join("\n", Read(files[i], walk: true).Events.Select(Describe)) == planned[i], $"{files[i]} differs");
    }
}
