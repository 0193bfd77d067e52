namespace Hopwatch.Service.Metrics;

/// <summary>
/// Keeps the most recent latencies (seconds) in a ring, and a cumulative Prometheus histogram,
/// so /metrics can print both exact recent quantiles and buckets.
/// </summary>
public sealed class LatencyRecorder
{
    public static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
    private readonly double[] _ring;
    private readonly long[] _bucketCounts = new long[Buckets.Length + 1];
    private readonly object _lock = new();
    private long _count;
    private double _sum;

    public LatencyRecorder(int capacity = 1 << 16) => _ring = new double[capacity];

    public void Record(double seconds)
    {
        lock (_lock)
        {
            _ring[_count % _ring.Length] = seconds;
            _count++;
            _sum += seconds;
            int i = 0;
            while (i < Buckets.Length && seconds > Buckets[i]) i++;
            _bucketCounts[i]++;
        }
    }

    public long Count { get { lock (_lock) return _count; } }
    public double Sum { get { lock (_lock) return _sum; } }

    /// <summary>Quantile (0..1) over the kept recent values; NaN when there are none.</summary>
    public double Quantile(double q)
    {
        double[] copy;
        lock (_lock)
        {
            int n = (int)Math.Min(_count, _ring.Length);
            if (n == 0) return double.NaN;
            copy = _ring[..n];
        }
        Array.Sort(copy);
        int idx = (int)Math.Ceiling(q * copy.Length) - 1;
        return copy[Math.Clamp(idx, 0, copy.Length - 1)];
    }

    /// <summary>Cumulative counts per bucket upper bound (the last is +Inf).</summary>
    public long[] CumulativeBuckets()
    {
        lock (_lock)
        {
            var c = new long[_bucketCounts.Length];
            long run = 0;
            for (int i = 0; i < c.Length; i++) { run += _bucketCounts[i]; c[i] = run; }
            return c;
        }
    }
}
