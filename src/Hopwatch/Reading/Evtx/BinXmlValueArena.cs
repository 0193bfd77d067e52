namespace Hopwatch.Reading.Evtx;

/// <summary>
/// Stack of substitution value descriptors for the record being decoded: the record's template
/// instance and every nested BinXml instance push their values and pop them when done, so decoding
/// a record allocates no value arrays.
/// </summary>
internal sealed class BinXmlValueArena
{
    private BinXmlValueRef[] _items = new BinXmlValueRef[256];
    private int _top;

    public int Top => _top;

    /// <summary>Reserves <paramref name="n"/> slots. Spans handed out earlier stay valid (a grown array is a copy).</summary>
    public Span<BinXmlValueRef> Push(int n)
    {
        if (_top + n > _items.Length) Array.Resize(ref _items, Math.Max(_items.Length * 2, _top + n));
        var span = _items.AsSpan(_top, n);
        _top += n;
        return span;
    }

    public void PopTo(int top) => _top = top;
}
