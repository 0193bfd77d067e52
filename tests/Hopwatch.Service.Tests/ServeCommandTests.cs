using Hopwatch.Cli.Commands;
using Hopwatch.Service.Tests.Support;

namespace Hopwatch.Service.Tests;

public class ServeCommandTests
{
    [Fact]
    public void Refuses_to_start_without_a_token_and_says_how_to_fix_it()
    {
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("HOPWATCH_TOKENS"))) return; // configured outside: not this case
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        int rc;
        try { rc = new ServeCommand().Run(["--state", TestData.TempDir("cli"), "--listen", "127.0.0.1:0"]); }
        finally { Console.SetError(old); }
        Assert.Equal(2, rc);
        Assert.Contains("--insecure-no-auth", err.ToString());
    }

    [Fact]
    public void Unknown_options_are_usage_errors()
    {
        Assert.Throws<Hopwatch.Cli.CliUsageException>(() => new ServeCommand().Run(["--state", "x", "--frobnicate", "1"]));
        Assert.Throws<Hopwatch.Cli.CliUsageException>(() => new ServeCommand().Run(["--insecure-no-auth"]));
    }
}
