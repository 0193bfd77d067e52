using Hopwatch.Cli;
using Xunit;

namespace Hopwatch.Tests.Cli;

/// <summary>
/// The CLI lists its commands by hand (the native build trims what nothing names), so a new
/// command class that is not added to the list would silently be missing from `hopwatch`.
/// </summary>
public class CommandListTests
{
    [Fact]
    public void EveryCommandClassIsListedOnce()
    {
        var classes = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(ICliCommand).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => t.FullName!)
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToList();
        var listed = Program.Commands.Select(c => c.GetType().FullName!).OrderBy(n => n, StringComparer.Ordinal).ToList();
        Assert.NotEmpty(classes);
        Assert.Equal(classes, listed);
    }

    [Fact]
    public void CommandNamesAreDistinct()
    {
        var names = Program.Commands.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Contains("dump", names);
        Assert.Contains("hunt", names);
    }
}
