using System.Runtime;
using Hopwatch.Pipeline;
using Hopwatch.Reporting;
using Hopwatch.Tests.Support;

namespace Hopwatch.Tests.Pipeline;

/// <summary>The no-GC region a CLI hunt holds over reading and detection changes nothing but when memory is collected.</summary>
[Collection("process-wide GC mode")]
public sealed class DetectionGcHoldTests
{
    private static string AlertLines(bool hold)
    {
        var result = HuntRunner.Run(new HuntOptions
        {
            Inputs = [SharedData.Evtx],
            SigmaDirs = [Path.Combine(SharedData.Sigma, "rules", "windows", "builtin")],
            // Readers on every core: the path where reading waits for the set-up and the hold applies.
            Threads = Environment.ProcessorCount,
            HoldGcWhileDetecting = hold,
        });
        var sw = new StringWriter();
        using (var w = new AlertJsonWriter(sw)) foreach (var a in result.Alerts) w.Write(a);
        return sw.ToString();
    }

    [Fact]
    public void A_hunt_holding_collections_finds_the_same_alerts_and_leaves_the_mode_as_it_was()
    {
        var before = GCSettings.LatencyMode;
        var held = AlertLines(hold: true);
        Assert.Equal(before, GCSettings.LatencyMode);
        var plain = AlertLines(hold: false);
        Assert.True(held.Length > 1000, "expected the shared samples to raise alerts");
        Assert.Equal(plain, held);
    }

    [Fact]
    public void Holds_never_throw_and_leave_no_region_behind()
    {
        // Other tests allocate meanwhile (xunit runs classes in parallel), which may end a region early:
        // only what holds whatever the timing is checked.
        var first = DetectionGcHold.Start(64L << 20);
        var second = DetectionGcHold.Start(64L << 20); // a region may already be on: refused without an exception
        second.Dispose();
        first.Dispose();
        first.Dispose();
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);

        // Allocating past the reservation ends the region early; ending it afterwards must not throw.
        var small = DetectionGcHold.Start(1 << 16);
        var junk = new List<byte[]>();
        for (int i = 0; i < 2000; i++) junk.Add(new byte[100_000]);
        small.Dispose();
        Assert.NotEqual(GCLatencyMode.NoGCRegion, GCSettings.LatencyMode);
        GC.KeepAlive(junk);
    }
}
