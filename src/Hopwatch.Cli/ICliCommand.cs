namespace Hopwatch.Cli;

/// <summary>
/// One `hopwatch VERB` command. Every non-abstract implementation in this assembly is found by
/// <see cref="Program"/>, so adding a command means adding one file under Commands/.
/// </summary>
public interface ICliCommand
{
    /// <summary>The verb, e.g. "dump".</summary>
    string Name { get; }
    /// <summary>One line for `hopwatch --help`.</summary>
    string Summary { get; }
    /// <summary>Full usage text for `hopwatch VERB --help`.</summary>
    string Usage { get; }
    /// <summary>
    /// Runs the command with the arguments after the verb (parse them with <see cref="CliArgs.Parse"/>);
    /// returns the process exit code. Throw <see cref="CliUsageException"/> for a wrong call.
    /// </summary>
    int Run(string[] args);
}
