using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Hopwatch.Cli;

/// <summary>
/// Where `hopwatch serve` runs. The native `hopwatch` executable leaves the service (ASP.NET Core, Kestrel) out
/// and hands `serve` to `hopwatch-serve` beside it, the same CLI built with the service in. Every other command
/// starts faster for it: a third of the executable was the web stack, and the dynamic loader relocates every
/// pointer of its data at each start (31 → 21 MB, start-up 5.8 → 4.3 ms, dump of the bench corpus 3 ms faster).
/// Builds that run on the JIT (`dotnet hopwatch.dll`) and ReadyToRun builds serve in-process.
/// </summary>
internal static class ServeExecutable
{
    public const string FileName = "hopwatch-serve";

    /// <summary>
    /// False only in the native `hopwatch` (the build sets the switch, and the native compiler then drops the
    /// in-process service as unreachable code).
    /// </summary>
    [FeatureSwitchDefinition("Hopwatch.Cli.ServeInProcess")]
    public static bool InProcess => !AppContext.TryGetSwitch("Hopwatch.Cli.ServeInProcess", out bool on) || on;

    /// <summary>Runs `hopwatch-serve serve ARGS` in this process's place (or as a child where there is no exec).</summary>
    public static int Run(string[] args)
    {
        string dir = Path.GetDirectoryName(Environment.ProcessPath) ?? AppContext.BaseDirectory;
        string path = Path.Combine(dir, FileName);
        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"hopwatch serve: the service runs in {path}, which is missing (build the CLI again: dotnet build src/Hopwatch.Cli -c Release)");
            return 2;
        }
        string[] argv = [path, "serve", .. args];
        Console.Out.Flush();
        Console.Error.Flush();
        if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
        {
            // exec, not a child: signals (SIGINT/SIGTERM stop the service cleanly), the process id a supervisor
            // watches and the exit code stay the service's own.
            int error = Exec(path, argv);
            Console.Error.WriteLine($"hopwatch serve: cannot run {path}: {Marshal.GetPInvokeErrorMessage(error)}");
            return 2;
        }
        using var child = Process.Start(new ProcessStartInfo(path, argv[1..]) { UseShellExecute = false })
            ?? throw new InvalidOperationException("no process for " + path);
        child.WaitForExit();
        return child.ExitCode;
    }

    /// <summary>execv(2); returns only on failure, with errno.</summary>
    private static unsafe int Exec(string path, string[] argv)
    {
        var strings = new nint[argv.Length + 1];
        try
        {
            for (int i = 0; i < argv.Length; i++) strings[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            nint file = Marshal.StringToCoTaskMemUTF8(path);
            try
            {
                fixed (nint* p = strings) execv(file, p);
                return Marshal.GetLastPInvokeError();
            }
            finally
            {
                Marshal.FreeCoTaskMem(file);
            }
        }
        finally
        {
            foreach (var s in strings) if (s != 0) Marshal.FreeCoTaskMem(s);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern unsafe int execv(nint path, nint* argv);
}
