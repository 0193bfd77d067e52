using Hopwatch.Pipeline;

namespace Hopwatch.Service.Detection;

/// <summary>
/// The detectors `hopwatch serve` runs. The seam where the Sigma engine and the stateful analytics
/// are added as their stages land (each is an <see cref="IDetector"/>).
/// </summary>
public static class ServiceDetectors
{
    public static IReadOnlyList<IDetector> Create(ServiceOptions options)
    {
        var list = new List<IDetector> { new RdpLogonDetector() };
        return list;
    }
}
