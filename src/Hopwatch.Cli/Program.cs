using System.Reflection;
using Hopwatch.Cli.Commands;

namespace Hopwatch.Cli;

public static class Program
{
    // Listed, not discovered by reflection: the native (AOT) build trims types nothing names.
    // CommandListTests checks that every ICliCommand in the assembly is here.
    public static IReadOnlyList<ICliCommand> Commands { get; } = new ICliCommand[]
    {
        new BaselineCommand(), new BenchAnalyticsCommand(), new DumpCommand(), new EvalCommand(),
        new FormatsCommand(), new HuntCommand(), new RulesCommand(), new ServeCommand(), new SimulateCommand(),
    }.OrderBy(c => c.Name, StringComparer.Ordinal).ToList();

    public static int Main(string[] args)
    {
        if (args.Length == 0 || args[0] is "--help" or "-h" or "help")
        {
            PrintHelp(args.Length == 0 ? Console.Error : Console.Out);
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "--version")
        {
            Console.WriteLine("hopwatch " + (typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev"));
            return 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            Console.Error.WriteLine($"hopwatch: unknown command '{args[0]}'");
            PrintHelp(Console.Error);
            return 2;
        }
        try
        {
            if (args.Skip(1).Any(a => a is "--help" or "-h"))
            {
                Console.Out.WriteLine(command.Usage);
                return 0;
            }
            return command.Run(args.Skip(1).ToArray());
        }
        catch (CliUsageException e)
        {
            Console.Error.WriteLine($"hopwatch {command.Name}: {e.Message}");
            Console.Error.WriteLine();
            Console.Error.WriteLine(command.Usage);
            return 2;
        }
    }

    private static void PrintHelp(TextWriter w)
    {
        w.WriteLine("hopwatch — finds T1021 Remote Services lateral movement in Windows and Linux logs");
        w.WriteLine();
        w.WriteLine("usage: hopwatch COMMAND [options]     (hopwatch COMMAND --help for details)");
        w.WriteLine();
        foreach (var c in Commands) w.WriteLine($"  {c.Name,-10} {c.Summary}");
    }
}
