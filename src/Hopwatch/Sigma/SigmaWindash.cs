namespace Hopwatch.Sigma;

/// <summary>
/// `windash`: a command-line flag character (`-`, `/`, en dash, em dash, horizontal bar) at the start
/// of a word may be written with any of them; every permutation becomes a value. Only flag positions
/// (not preceded by a word character, followed by one) are varied, so `-param-name` keeps its inner dash.
/// </summary>
internal static class SigmaWindash
{
    private static readonly char[] Dashes = ['-', '/', '\u2013', '\u2014', '\u2015'];
    private const int MaxPermutations = 4096;

    public static IEnumerable<string> Expand(string value)
    {
        var positions = new List<int>();
        for (int i = 0; i < value.Length; i++)
        {
            if (Array.IndexOf(Dashes, value[i]) < 0) continue;
            bool prevWord = i > 0 && IsWord(value[i - 1]);
            bool nextWord = i + 1 < value.Length && IsWord(value[i + 1]);
            if (!prevWord && nextWord) positions.Add(i);
        }
        if (positions.Count == 0) return [value];
        var results = new List<string>();
        var chars = value.ToCharArray();
        void Recurse(int k)
        {
            if (results.Count >= MaxPermutations) return;
            if (k == positions.Count) { results.Add(new string(chars)); return; }
            foreach (var d in Dashes)
            {
                chars[positions[k]] = d;
                Recurse(k + 1);
            }
        }
        Recurse(0);
        return results;
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_';
}
