using Hopwatch.Cli;

namespace Hopwatch.Tests.Cli;

public class CliArgsTests
{
    [Fact]
    public void RepeatedOptionsFlagsAndPositionalsAreSeparated()
    {
        var a = CliArgs.Parse(new[] { "a.evtx", "--sigma", "r1", "--out=o", "--sigma", "r2", "--normalised", "dir" }, "--normalised");
        Assert.Equal(new[] { "a.evtx", "dir" }, a.Positionals);
        Assert.Equal(new[] { "r1", "r2" }, a.Options("--sigma"));
        Assert.Equal("o", a.Option("--out"));
        Assert.True(a.Flag("--normalised"));
        a.RejectUnknown();
    }

    [Fact]
    public void UnknownOptionIsRejectedNotIgnored()
    {
        var a = CliArgs.Parse(new[] { "--thraeds", "2" });
        var ex = Assert.Throws<CliUsageException>(() => a.RejectUnknown());
        Assert.Contains("--thraeds", ex.Message);
    }

    [Fact]
    public void IntegerOptionsAreRangeChecked()
    {
        var a = CliArgs.Parse(new[] { "--threads", "0" });
        Assert.Throws<CliUsageException>(() => a.Int("--threads", 1, min: 1, max: 256));
        Assert.Equal(4, CliArgs.Parse(new[] { "--threads", "4" }).Int("--threads", 1, 1, 256));
    }

    [Fact]
    public void MissingValueIsAUsageError()
    {
        Assert.Throws<CliUsageException>(() => CliArgs.Parse(new[] { "--out" }));
    }
}
