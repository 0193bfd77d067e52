namespace Hopwatch.Tests.Support;

/// <summary>Locates the repository root and the read-only ../shared/ folder beside it.</summary>
public static class SharedData
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Absolute path of ../shared/ (next to the repository root).</summary>
    public static string Root { get; } = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Path_(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());

    public static string Evtx => Path.Combine(Root, "data", "evtx");
    public static string Sigma => Path.Combine(Root, "data", "sigma");
    public static string SecurityDatasets => Path.Combine(Root, "data", "security-datasets");
    public static string Reference => Path.Combine(Root, "reference");

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Hopwatch.slnx")))
            dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Hopwatch.slnx not found above " + AppContext.BaseDirectory);
    }
}
