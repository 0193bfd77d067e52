namespace Hopwatch.Events;

/// <summary>Something in the evidence could not be read; reading went on.</summary>
/// <param name="File">The file (or archive!entry).</param>
/// <param name="Location">Where in it: "chunk 3 offset 0x1a0", "line 17", ...</param>
/// <param name="Message">What was wrong.</param>
public sealed record ReadWarning(string File, string Location, string Message)
{
    public override string ToString() => $"{File}: {Location}: {Message}";
}
