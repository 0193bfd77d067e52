namespace Hopwatch.Reading.Containers;

/// <summary>
/// How much decompressed data one top-level input may produce, shared by every archive level inside
/// it, so a nested zip bomb cannot multiply its way past the limit.
/// </summary>
internal sealed class ExpansionBudget(long maxTotalBytes)
{
    private long _used;
    public long MaxTotalBytes { get; } = maxTotalBytes;
    public long Used => _used;
    public bool Exhausted => _used >= MaxTotalBytes;

    /// <summary>Takes up to <paramref name="wanted"/> bytes; returns how many may be produced.</summary>
    public int Take(int wanted)
    {
        long left = MaxTotalBytes - _used;
        int granted = (int)Math.Min(wanted, Math.Max(0, left));
        _used += granted;
        return granted;
    }

    /// <summary>Gives back what was taken but not produced.</summary>
    public void Refund(int bytes) => _used -= bytes;
}
