using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Hopwatch.Events;

/// <summary>Deterministic alert ids, so a re-run or a restart never duplicates an alert.</summary>
public static class AlertIds
{
    /// <summary>A 32-hex-digit id from the analytic, the rule and the identities of the evidence.</summary>
    public static string For(string analytic, string ruleId, IEnumerable<AlertEvidence> evidence)
    {
        var text = new IdText();
        text.Start(analytic, ruleId);
        foreach (var ev in evidence) text.Add(ev);
        return text.Hash();
    }

    /// <summary><see cref="For(string, string, IEnumerable{AlertEvidence})"/> for one piece of evidence (every Sigma rule alert).</summary>
    public static string For(string analytic, string ruleId, AlertEvidence evidence)
    {
        var text = new IdText();
        text.Start(analytic, ruleId);
        text.Add(evidence);
        return text.Hash();
    }

    // The hashed text, "ANALYTIC\nRULE" then "\nFILE#RECORD@TICKS/HOST/EVENTID" per evidence, is built in a buffer kept
    // per thread and hashed from there: no builder, string and byte array per alert (thousands per hunt).
    [ThreadStatic] private static char[]? t_chars;
    [ThreadStatic] private static byte[]? t_bytes;

    private ref struct IdText
    {
        private char[] _chars;
        private int _length;

        public void Start(string analytic, string ruleId)
        {
            _chars = t_chars ??= new char[512];
            _length = 0;
            Append(analytic);
            Append('\n');
            Append(ruleId);
        }

        public void Add(AlertEvidence ev)
        {
            Append('\n'); Append(ev.File); Append('#'); Append(ev.RecordId); Append('@'); Append(ev.Time.Ticks);
            Append('/'); Append(ev.Host); Append('/'); Append(ev.EventId);
        }

        public readonly string Hash()
        {
            var chars = _chars.AsSpan(0, _length);
            int max = Encoding.UTF8.GetMaxByteCount(_length);
            var bytes = t_bytes is { } b && b.Length >= max ? b : t_bytes = new byte[Math.Max(max, 1536)];
            int n = Encoding.UTF8.GetBytes(chars, bytes);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(bytes.AsSpan(0, n), hash);
            return Convert.ToHexStringLower(hash[..16]);
        }

        private void Append(char c)
        {
            Ensure(1);
            _chars[_length++] = c;
        }

        private void Append(string? s)
        {
            if (string.IsNullOrEmpty(s)) return;
            Ensure(s.Length);
            s.CopyTo(_chars.AsSpan(_length));
            _length += s.Length;
        }

        // As StringBuilder.Append(long) wrote them: the current culture's format (digits and a minus sign).
        private void Append(long v)
        {
            Ensure(32);
            if (!v.TryFormat(_chars.AsSpan(_length), out int n, default, CultureInfo.CurrentCulture))
                throw new InvalidOperationException("a number did not fit 32 characters");
            _length += n;
        }

        private void Ensure(int more)
        {
            if (_length + more <= _chars.Length) return;
            var bigger = new char[Math.Max(_chars.Length * 2, _length + more)];
            _chars.AsSpan(0, _length).CopyTo(bigger);
            t_chars = _chars = bigger;
        }
    }
}
