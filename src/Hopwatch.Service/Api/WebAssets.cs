using System.Collections.Concurrent;
using System.Reflection;

namespace Hopwatch.Service.Api;

/// <summary>The UI files and the OpenAPI document, embedded in the assembly (nothing from a CDN).</summary>
public static class WebAssets
{
    private static readonly ConcurrentDictionary<string, byte[]?> Cache = new(StringComparer.Ordinal);

    public static byte[]? Get(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var s = typeof(WebAssets).Assembly.GetManifestResourceStream("web/" + n);
        if (s is null) return null;
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    });

    public static IEnumerable<string> Names() => typeof(WebAssets).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith("web/", StringComparison.Ordinal)).Select(n => n[4..]);

    public static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };
}
