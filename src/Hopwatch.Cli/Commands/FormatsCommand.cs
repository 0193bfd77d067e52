namespace Hopwatch.Cli.Commands;

/// <summary>`hopwatch formats`: lists the evidence formats this build reads.</summary>
public sealed class FormatsCommand : ICliCommand
{
    public string Name => "formats";
    public string Summary => "list the evidence formats hopwatch reads";
    public string Usage => "usage: hopwatch formats\n\nLists the evidence formats hopwatch recognises.";

    public int Run(string[] args)
    {
        CliArgs.Parse(args).RejectUnknown();
        foreach (var f in Enum.GetValues<Hopwatch.Events.SourceFormat>())
            if (f != Hopwatch.Events.SourceFormat.Unknown) Console.WriteLine(f);
        return 0;
    }
}
