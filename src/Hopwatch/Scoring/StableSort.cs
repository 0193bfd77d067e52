namespace Hopwatch.Scoring;

/// <summary>
/// A stable sort (equal keys keep their order, as LINQ's OrderBy does) for lists of objects. Scoring
/// sorts with this instead of OrderBy over DateTime or tuple keys: those generic instantiations are
/// not in any precompiled image, and JIT-compiling them cost every hunt ~0.07 s of start-up; this
/// one is compiled ahead of time with the rest of the library.
/// </summary>
internal static class StableSort
{
    /// <summary>A sorted copy of <paramref name="items"/>.</summary>
    public static List<T> Sorted<T>(IEnumerable<T> items, Comparison<T> compare) where T : class
    {
        var list = new List<T>(items);
        Sort(list, compare);
        return list;
    }

    /// <summary>Sorts <paramref name="list"/> in place, keeping the order of equal items.</summary>
    public static void Sort<T>(List<T> list, Comparison<T> compare) where T : class
    {
        int n = list.Count;
        if (n < 2) return;
        var a = list.ToArray();
        var b = new T[n];
        // Bottom-up merge sort: runs of width 1, 2, 4, ...; a merge takes from the left run on ties.
        for (int width = 1; width < n; width *= 2)
        {
            for (int lo = 0; lo < n; lo += 2 * width)
            {
                int mid = Math.Min(lo + width, n), hi = Math.Min(lo + 2 * width, n);
                int i = lo, j = mid, k = lo;
                while (i < mid && j < hi) b[k++] = compare(a[j], a[i]) < 0 ? a[j++] : a[i++];
                while (i < mid) b[k++] = a[i++];
                while (j < hi) b[k++] = a[j++];
            }
            (a, b) = (b, a);
        }
        for (int i = 0; i < n; i++) list[i] = a[i];
    }
}
