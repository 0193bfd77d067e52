namespace Hopwatch.Sigma;

/// <summary>
/// `base64offset`: the three base64 renderings of a value placed at byte offsets 0, 1 and 2 of a
/// larger encoded text, trimmed to the characters that do not depend on the surrounding bytes.
/// </summary>
internal static class SigmaBase64Offset
{
    private static readonly int[] StartTrim = [0, 2, 3];
    private static readonly int[] EndTrim = [0, 3, 2];

    public static IEnumerable<string> Variants(byte[] value)
    {
        for (int shift = 0; shift < 3; shift++)
        {
            var padded = new byte[shift + value.Length];
            value.CopyTo(padded, shift);
            string b64 = Convert.ToBase64String(padded);
            int start = StartTrim[shift];
            int end = b64.Length - EndTrim[(value.Length + shift) % 3];
            if (end > start) yield return b64[start..end];
        }
    }
}
