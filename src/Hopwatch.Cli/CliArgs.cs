namespace Hopwatch.Cli;

/// <summary>
/// Minimal, predictable argument parsing: `--name value`, `--name=value`, repeated options,
/// boolean flags declared by the command, and positional arguments. `--` ends options.
/// </summary>
public sealed class CliArgs
{
    private readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    public List<string> Positionals { get; } = new();

    /// <param name="flagNames">Options that take no value (e.g. "--normalised").</param>
    public static CliArgs Parse(IEnumerable<string> args, params string[] flagNames)
    {
        var flags = new HashSet<string>(flagNames, StringComparer.Ordinal) { "--help", "-h" };
        var result = new CliArgs();
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (a == "--")
            {
                result.Positionals.AddRange(list.Skip(i + 1));
                break;
            }
            if (a.StartsWith('-') && a.Length > 1 && !IsNumber(a))
            {
                string name = a, value;
                int eq = a.IndexOf('=');
                if (eq > 0)
                {
                    name = a[..eq];
                    value = a[(eq + 1)..];
                }
                else if (flags.Contains(a))
                {
                    result._flags.Add(a);
                    continue;
                }
                else if (i + 1 < list.Count)
                {
                    value = list[++i];
                }
                else
                {
                    throw new CliUsageException($"option {a} needs a value");
                }
                if (!result._options.TryGetValue(name, out var values))
                    result._options[name] = values = new List<string>();
                values.Add(value);
            }
            else
            {
                result.Positionals.Add(a);
            }
        }
        return result;
    }

    private static bool IsNumber(string s) => double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out _);

    public bool Help => Flag("--help") || Flag("-h");

    public bool Flag(string name)
    {
        _used.Add(name);
        return _flags.Contains(name);
    }

    public string? Option(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v[^1] : null;
    }

    public IReadOnlyList<string> Options(string name)
    {
        _used.Add(name);
        return _options.TryGetValue(name, out var v) ? v : Array.Empty<string>();
    }

    public int Int(string name, int defaultValue, int min = int.MinValue, int max = int.MaxValue)
    {
        var s = Option(name);
        if (s is null) return defaultValue;
        if (!int.TryParse(s, out int v) || v < min || v > max)
            throw new CliUsageException($"{name} must be an integer between {min} and {max}, got '{s}'");
        return v;
    }

    /// <summary>Options given on the command line that the command never asked about.</summary>
    public IEnumerable<string> Unused() =>
        _options.Keys.Concat(_flags).Where(k => !_used.Contains(k) && k != "--help" && k != "-h");

    /// <summary>Call after reading every option: unknown options are a usage error, not ignored.</summary>
    public void RejectUnknown()
    {
        var unknown = Unused().ToList();
        if (unknown.Count > 0) throw new CliUsageException("unknown option(s): " + string.Join(", ", unknown));
    }
}

/// <summary>The user called a command wrongly; printed with the command's usage, exit code 2.</summary>
public sealed class CliUsageException(string message) : Exception(message);
