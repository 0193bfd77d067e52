namespace Hopwatch.Reading.Evtx;

/// <summary>A reusable growable char buffer: values and XML are built here and turned into a string once.</summary>
internal sealed class TextBuffer
{
    private char[] _chars = new char[256];
    private int _length;

    public int Length => _length;
    public ReadOnlySpan<char> Span => _chars.AsSpan(0, _length);
    public void Clear() => _length = 0;

    /// <summary>Drops a buffer grown large by one odd record, so pooled decoders do not keep it.</summary>
    public void ReleaseIfLarge()
    {
        _length = 0;
        if (_chars.Length > 1 << 20) _chars = new char[256];
    }
    public void Truncate(int length) => _length = length;

    public Span<char> Reserve(int n)
    {
        if (_length + n > _chars.Length) Grow(n);
        return _chars.AsSpan(_length, n);
    }

    public void Advance(int n) => _length += n;

    /// <summary>Rendering one record never needs more; past this the input is hostile (self-amplifying templates).</summary>
    public const int MaxChars = 16 * 1024 * 1024;

    private void Grow(int n)
    {
        if ((long)_length + n > MaxChars) throw new EvtxFormatException("record renders to more than 16M characters", 0);
        int size = (int)Math.Min(MaxChars, Math.Max((long)_chars.Length * 2, _length + n));
        Array.Resize(ref _chars, size);
    }

    public void Append(char c)
    {
        if (_length == _chars.Length) Grow(1);
        _chars[_length++] = c;
    }

    public void Append(ReadOnlySpan<char> s)
    {
        if (_length + s.Length > _chars.Length) Grow(s.Length);
        s.CopyTo(_chars.AsSpan(_length));
        _length += s.Length;
    }

    public void Append(string s) => Append(s.AsSpan());

    public void Append<T>(T value, ReadOnlySpan<char> format = default) where T : ISpanFormattable
    {
        while (true)
        {
            if (value.TryFormat(_chars.AsSpan(_length), out int written, format, System.Globalization.CultureInfo.InvariantCulture))
            {
                _length += written;
                return;
            }
            Grow(64);
        }
    }

    public string ToStringFrom(int start) => new(_chars, start, _length - start);
    public override string ToString() => new(_chars, 0, _length);
}
